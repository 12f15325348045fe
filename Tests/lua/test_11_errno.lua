-- SPEC section 11: alien.errno
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("errno is captured right after the call", function()
  local fail = lib.tl_fail_with
  fail:types("int", "int")
  eq(fail(34), -1)
  local t = {}
  for i = 1, 100 do t[i] = tostring(i) end   -- Lua's own work in between
  eq(alien.errno(), 34)
  fail(2)
  eq(alien.errno(), 2)
end)

test("errno from libc", function()
  local open = alien.default.open
  open:types("int", "string", "int")
  eq(open("/nonexistent/file", 0), -1)
  eq(alien.errno(), 2) -- ENOENT
end)
