-- SPEC section 12: the constants utility (bin/alien-constants)
local lua = arg and arg[-1] or "lua"
local tool = "bin/alien-constants"

local function sh(command)
  local ok = os.execute(command)
  return ok == true or ok == 0
end

local function tmpdir()
  local d = os.tmpname()
  os.remove(d)
  assert(sh("mkdir -p " .. d))
  return d
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local function read(path)
  local f = io.open(path)
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

local defs = [[
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <errno.h>

STAT_SIZE = sizeof(struct stat)
O_RDONLY
O_CREAT
EINTR
  ENOENT
NEGATIVE = -(EINTR + 1)
]]

-- The same expressions printed by a C program of our own, for comparison.
local checker = [[
#include <stdio.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <errno.h>
int main(void) {
  printf("%lld %lld %lld %lld %lld %lld\n", (long long)sizeof(struct stat), (long long)O_RDONLY,
         (long long)O_CREAT, (long long)EINTR, (long long)ENOENT, (long long)-(EINTR + 1));
  return 0;
}
]]

test("--run writes the Lua file with the values C sees", function()
  local d = tmpdir()
  write(d .. "/defs", defs)
  assert(sh(("cd %s && %s %s/%s --run defs out.c out.lua"):format(d, lua, os.getenv("PWD"), tool)), "tool ran")
  local env = {}
  local chunk = assert((loadstring or load)(read(d .. "/out.lua")))
  if setfenv then setfenv(chunk, env) else chunk = assert(load(read(d .. "/out.lua"), "out", "t", env)) end
  chunk()
  write(d .. "/check.c", checker)
  assert(sh(("cc -o %s/check %s/check.c"):format(d, d)), "checker compiled")
  local p = io.popen(d .. "/check")
  local size, rdonly, creat, eintr, enoent, negative = p:read("*n", "*n", "*n", "*n", "*n", "*n")
  p:close()
  eq(env.STAT_SIZE, size, "sizeof(struct stat)")
  eq(env.O_RDONLY, rdonly, "O_RDONLY")
  eq(env.O_CREAT, creat, "O_CREAT")
  eq(env.EINTR, eintr, "EINTR")
  eq(env.ENOENT, enoent, "ENOENT")
  eq(env.NEGATIVE, negative, "an expression")
  sh("rm -rf " .. d)
end)

test("without --run it writes the C program, which writes the Lua file", function()
  local d = tmpdir()
  write(d .. "/defs", "#include <errno.h>\nEINTR\n")
  assert(sh(("cd %s && %s %s/%s defs out.c out.lua"):format(d, lua, os.getenv("PWD"), tool)))
  local c = read(d .. "/out.c")
  assert(c:find("#include <errno.h>", 1, true), "preprocessor lines are copied")
  assert(c:find('"EINTR"', 1, true), "the definition is there")
  eq(read(d .. "/out.lua"), nil, "not run")
  assert(sh(("cd %s && cc -o prog out.c && ./prog"):format(d)))
  assert(read(d .. "/out.lua"):find("EINTR = 4", 1, true))
  sh("rm -rf " .. d)
end)

test("bad definitions and bad usage fail with a message", function()
  local d = tmpdir()
  write(d .. "/defs", "1BAD = 3\n")
  eq(sh(("cd %s && %s %s/%s defs out.c out.lua 2>/dev/null"):format(d, lua, os.getenv("PWD"), tool)), false)
  eq(sh(("%s %s 2>/dev/null"):format(lua, tool)), false, "no arguments")
  write(d .. "/defs", "NOT_A_MACRO_ANYWHERE\n")
  eq(sh(("cd %s && %s %s/%s --run defs out.c out.lua 2>/dev/null"):format(d, lua, os.getenv("PWD"), tool)), false,
    "a C compile error is a failure")
  sh("rm -rf " .. d)
end)
