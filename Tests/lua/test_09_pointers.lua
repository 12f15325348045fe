-- SPEC section 9: pointer unpacking
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("alien.tostring reads a C string or len bytes", function()
  local hello = lib.tl_hello
  hello:types("pointer")
  eq(alien.tostring(hello()), "hello")
  eq(alien.tostring(hello(), 3), "hel")
  eq(alien.tostring(nil), nil)
  local b = alien.buffer("abc")
  eq(alien.tostring(b), "abc")
  raises(function() alien.tostring(b, 10) end, "out of bounds")
  raises(function() alien.tostring(42) end, "bad argument #1 to 'tostring'")
end)

test("alien.to<type> reads one value or n", function()
  local ints = lib.tl_static_ints
  ints:types("pointer")
  local p = ints()
  eq(alien.toint(p), 7)
  eq(select("#", alien.toint(p, 4)), 4)
  local a, b, c, d = alien.toint(p, 4)
  eq(a + b + c + d, 34)
  eq(alien.toint(nil), nil)
end)

test("every to<type> function", function()
  local buf = alien.buffer(16)
  for _, t in ipairs { "char", "byte", "short", "ushort", "int", "uint", "long", "ulong",
                       "longlong", "ulonglong", "ptrdiff_t", "size_t", "float", "double" } do
    buf:set(1, 3, t)
    buf:set(1 + alien.sizeof(t), 4, t)
    local x, y = alien["to" .. t](buf:topointer(), 2)
    eq(x, 3, t); eq(y, 4, t)
  end
  buf:set(1, -1, "int")
  eq(alien.touint(buf:topointer()), 4294967295)
  eq(alien.tochar(buf:topointer()), 255)
  eq(alien.tobyte(buf:topointer()), -1)
end)

test("a buffer's bounds hold for to<type> too", function()
  local b = alien.buffer(8)
  eq(select("#", alien.toint(b, 2)), 2)
  raises(function() alien.toint(b, 3) end, "out of bounds")
  eq(select("#", alien.toint(b, 0)), 0)      -- a count of 0: no values, as in the original
  raises(function() alien.toint(b, -1) end, "bad argument #2")
  raises(function() alien.todouble({}) end, "bad argument #1")
end)

test("isnull", function()
  eq(alien.isnull(nil), true)
  local null = lib.tl_pointer
  null:types("pointer", "pointer")
  local b = alien.buffer(4)
  eq(alien.isnull(b:topointer()), false)
  eq(alien.isnull(b), false)
  raises(function() alien.isnull(42) end, "bad argument #1 to 'isnull'")
end)
