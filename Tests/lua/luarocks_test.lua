-- `luarocks test`: the Lua suite against the alien.so that `luarocks make`
-- built (build/rock/alien.so), under the Lua LuaRocks runs this script with.
-- Run it from the source folder after `luarocks make`, with the same
-- --lua-version (and LUA_INCDIR for LuaJIT). Builds the C test library first.
local lua = arg[-1] or "lua"
local module = "build/rock/alien.so"

local function run(command)
  local ok = os.execute(command)
  return ok == true or ok == 0
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

if not io.open(module) then
  io.stderr:write("alien: " .. module .. " is missing: run `luarocks make` (same --lua-version) first\n")
  os.exit(1)
end
if not run("make --no-print-directory -s testlib") then os.exit(1) end

local files = {}
local listing = assert(io.popen("ls Tests/lua/test_*.lua | LC_ALL=C sort"))
for name in listing:lines() do files[#files + 1] = quote(name) end
listing:close()

local testlib = assert(io.popen("pwd")):read("*l") .. "/build/testlib/libalientest.so"
os.exit(run(("ALIEN_TESTLIB=%s LUA_CPATH='build/rock/?.so' LUA_PATH='Tests/lua/?.lua' %s Tests/lua/run.lua %s")
  :format(quote(testlib), quote(lua), table.concat(files, " "))) and 0 or 1)
