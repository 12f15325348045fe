-- Shrinks a crashing fuzzer run to the few calls that matter:
--   lua5.4 Tests/fuzz/minimize.lua TAG SEED ITERATIONS
-- (any Lua 5.2+ runs it; TAG is the build to test: lua5.1 ... luajit,
-- lua5.4-debug). FUZZ_ONLY / FUZZ_SKIP are passed on, so use the ones the
-- crash was found with. Runs the seed once to find the crashing iteration K,
-- then removes earlier iterations (FUZZ_KEEP; the calls kept stay the same
-- calls) as long as the run still crashes in iteration K with the same call,
-- and prints the calls that are left: the crash's recipe.
local tag, seed, iterations = arg[1], tonumber(arg[2]), tonumber(arg[3])
if not (tag and seed and iterations) then
  io.stderr:write("usage: lua Tests/fuzz/minimize.lua TAG SEED ITERATIONS\n")
  os.exit(2)
end
local luas = { ["lua5.4-debug"] = "lua5.4", luajit = "luajit" }
local lua = luas[tag] or tag
local log = os.tmpname()
-- copies of the module and the test library: a rebuild meanwhile must not change them
local snapshot = os.tmpname()
os.remove(snapshot)
assert(os.execute("mkdir -p " .. snapshot .. " && cp build/" .. tag .. "/alien.so " .. snapshot .. "/alien.so"))
local testlib = snapshot .. "/libalientest.so"
os.execute("cp " .. (os.getenv("ALIEN_TESTLIB") or "build/testlib/libalientest.so") .. " " .. testlib)
local limit = os.getenv("FUZZ_TIMEOUT") or "60"

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Runs the fuzzer; returns the exit status and the log's lines.
local function run(keep, count)
  local env = "FUZZ_LOG=" .. shell_quote(log) .. " ALIEN_TESTLIB=" .. shell_quote(testlib)
    .. " LUA_CPATH=" .. shell_quote(snapshot .. "/?.so")
  if keep then env = env .. " FUZZ_KEEP=" .. shell_quote(keep) end
  local cmd = "bash -c " .. shell_quote("ulimit -c 0; ulimit -v 8388608; " .. env .. " timeout -k 5 " .. limit .. " "
    .. lua .. " Tests/fuzz/fuzz.lua " .. seed .. " " .. count .. " >/dev/null 2>&1; echo $?") .. " 2>/dev/null"
  local p = io.popen(cmd)
  local status = tonumber(p:read("*a"):match("(%d+)%s*$"))
  p:close()
  local lines = {}
  local f = io.open(log)
  if f then
    for line in f:lines() do lines[#lines + 1] = line end
    f:close()
  end
  return status, lines
end

local function top_line(lines, k)  -- the top-level line of iteration k
  for i = #lines, 1, -1 do
    if lines[i]:match("^#" .. k .. " ") then return lines[i] end
  end
end
local function last_call(lines)
  for i = #lines, 1, -1 do
    if lines[i]:match("^#%d") then return lines[i] end
  end
end

local status, lines = run(nil, iterations)
local failing = status == 124 or status == 137 or (status and status > 128)
local function finish(code)
  os.remove(log)
  os.execute("rm -rf " .. snapshot)
  os.exit(code)
end
if not failing then
  print("no crash or hang (exit " .. tostring(status) .. ")")
  finish(1)
end
local last = last_call(lines) or ""
local k = tonumber(last:match("^#(%d+)"))
if not k then print("the run failed before its first call: exit " .. status); finish(1) end
local target = top_line(lines, k)
print("exit " .. status .. " in iteration " .. k .. ": " .. target)
if last ~= target then print("  (innermost: " .. last .. ")") end

local function spec(list)  -- "1-40,97,130-131" (the iterations kept, then k)
  local all = {}
  for _, i in ipairs(list) do all[#all + 1] = i end
  all[#all + 1] = k
  local parts, i = {}, 1
  while i <= #all do
    local j = i
    while j < #all and all[j + 1] == all[j] + 1 do j = j + 1 end
    parts[#parts + 1] = i == j and tostring(all[i]) or (all[i] .. "-" .. all[j])
    i = j + 1
  end
  return table.concat(parts, ",")
end
local tests = 0
local function still_fails(list)
  tests = tests + 1
  local s, l = run(spec(list), k)
  if not (s == 124 or s == 137 or (s and s > 128)) or s ~= status then return false end
  local lc = last_call(l)
  return lc ~= nil and lc:match("^#" .. k .. "[ .]") ~= nil and top_line(l, k) == target
end

-- ddmin over the iterations before k
local list = {}
for i = 1, k - 1 do list[i] = i end
if still_fails({}) then
  list = {}
else
  local n = 2
  while #list >= 1 do
    local chunk = math.ceil(#list / n)
    local reduced = false
    for start = 1, #list, chunk do
      local candidate = {}
      for i, v in ipairs(list) do
        if i < start or i >= start + chunk then candidate[#candidate + 1] = v end
      end
      if still_fails(candidate) then
        list = candidate
        n = math.max(n - 1, 2)
        reduced = true
        break
      end
    end
    if not reduced then
      if chunk == 1 then break end
      n = math.min(n * 2, #list)
    end
  end
end

local _, final = run(spec(list), k)
print(string.format("%d calls left (of %d), after %d runs; FUZZ_KEEP=%s", #list + 1, k, tests, spec(list)))
for _, line in ipairs(final) do
  if line:match("^#%d") or line:match("^NOTE") then print("  " .. line) end
end
finish(0)
