-- SPEC section 6: buffers
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("constructors: none, size, string, light userdata", function()
  local b = alien.buffer()
  assert(#b >= 512, "BUFSIZ bytes")
  local z = alien.buffer(10)
  eq(#z, 10)
  for i = 1, 10 do eq(z[i], 0, "zeroed") end
  local s = alien.buffer("hello")
  eq(#s, 6)
  eq(s[6], 0, "NUL")
  eq(tostring(s), "hello")
  local w = alien.buffer(s:topointer())
  eq(w:tostring(), "hello")
  eq(#w, 0, "foreign memory has no known size: 0, as in the original")
end)

test("zero-size buffers exist and every access is out of bounds", function()
  local b = alien.buffer(0)
  eq(#b, 0)
  eq(b:tostring(), "")
  eq(b:tostring(0), "")
  raises(function() return b[1] end, "out of bounds")
  raises(function() b:get(1, "char") end, "out of bounds")
  raises(function() b:set(1, 1, "char") end, "out of bounds")
end)

test("strlen, len, tostring with length and offset", function()
  local b = alien.buffer("hello world")
  eq(b:strlen(), 11)
  eq(b:len(), 11)
  eq(b:tostring(5), "hello")
  eq(b:tostring(5, 7), "world")
  eq(b:tostring(nil, 7), "world")
  eq(b:tostring(0), "")
  local bin = alien.buffer(4)
  bin[2] = 65
  eq(bin:tostring(4), "\0A\0\0")
end)

test("buf[i] reads and writes bytes, 1-based", function()
  local b = alien.buffer(4)
  b[1] = 65; b[4] = 255
  eq(b[1], 65); eq(b[4], 255)
  b[2] = 256 + 66
  eq(b[2], 66, "wraps like unsigned char")
  b[3] = -1
  eq(b[3], 255)
  eq(b:tostring(2), "AB")
end)

test("get and set every type at byte offsets", function()
  local b = alien.buffer(64)
  local values = {
    byte = -5, char = 200, short = -300, ushort = 60000, int = -70000, uint = 4000000000,
    long = -2^40, ulong = 2^40, longlong = -2^50, ulonglong = 2^50, ptrdiff_t = -12345,
    size_t = 12345, float = 0.5, double = 1.25e-300,
  }
  for name, v in pairs(values) do
    b:set(9, v, name)
    eq(b:get(9, name), v, name)
  end
  b:set(3, 0x01020304, "int")
  eq(b[3], 4); eq(b[6], 1)              -- little endian, at offset 3 (unaligned)
  eq(b:get(3, "int"), 0x01020304)
  b:set(1, 66)                           -- type defaults to char
  eq(b:get(1), 66)
end)

test("get and set of 64-bit values are exact on 5.3 and 5.4", function()
  if not LUA_INTEGERS then skip("no integer subtype: numbers are doubles before 5.3") end
  local b = alien.buffer(16)
  b:set(1, math.mininteger, "longlong")
  eq(b:get(1, "longlong"), math.mininteger)
  b:set(9, -1, "ulonglong")
  eq(b:get(9, "ulonglong"), -1)
  eq(b:get(9, "int"), -1)
end)

test("string, pointer and callback values in buffers", function()
  local b = alien.buffer(32)
  local keep = "stored string"
  b:set(1, keep, "string")
  eq(b:get(1, "string"), "stored string")
  b:set(1, nil, "string")
  eq(b:get(1, "string"), nil)
  local other = alien.buffer("xyz")
  b:set(9, other, "pointer")
  eq(b:get(9, "pointer"), other:topointer())
  eq(alien.tostring(b:get(9, "pointer")), "xyz")
  b:set(9, nil, "pointer")
  eq(b:get(9, "pointer"), nil)
  local get = lib.tl_get_adder
  get:types("pointer")
  local adder = alien.funcptr(get())
  b:set(17, adder, "callback")
  local f = b:get(17, "callback")
  eq(type(f), "userdata")
  f:types("int", "int", "int")
  eq(f(20, 22), 42)
  b:set(17, nil, "callback")
  eq(b:get(17, "callback"), nil)
end)

test("topointer and tooffset", function()
  local b = alien.buffer(8)
  local p = b:topointer()
  eq(type(p), "userdata")
  eq(b:tooffset(p), 1)
  eq(b:tooffset(b:topointer(5)), 5)
  eq(b:tooffset(b:topointer(9)), 9, "one past the end")
  raises(function() b:topointer(10) end, "out of bounds")
  raises(function() b:tooffset(42) end, "bad argument #1 to 'tooffset'")
end)

test("buffers are accepted for pointer and string arguments", function()
  local fill = lib.tl_fill_ints
  fill:types("void", "pointer", "int")
  local b = alien.buffer(16)
  fill(b, 4)
  eq(b:get(1, "int"), 10); eq(b:get(13, "int"), 40)
  local copy = lib.tl_write_string
  copy:types("void", "string", "string")
  local dst = alien.buffer(32)
  copy(dst, "written by C")
  eq(tostring(dst), "written by C")
  local strlen = alien.default.strlen
  strlen:types("size_t", "string")
  eq(strlen(dst), 12)
end)

test("realloc keeps the contents and zeroes the rest", function()
  local b = alien.buffer("abc")
  b:realloc(100)
  eq(#b, 100)
  eq(b:tostring(), "abc")
  eq(b[100], 0)
  b:set(97, 7, "int")
  b:realloc(2)
  eq(#b, 2)
  eq(b:tostring(2), "ab")
  raises(function() return b[3] end, "out of bounds")
  b:realloc(0)
  eq(#b, 0)
  raises(function() b:realloc(-1) end, "bad argument #1 to 'realloc'")
  raises(function() alien.buffer(b:topointer()):realloc(4) end, "foreign memory")
end)

test("out-of-range offsets are errors that give offset and size", function()
  local b = alien.buffer(8)
  raises(function() b:get(0, "char") end, "offset 0", "8 bytes")
  raises(function() b:get(6, "int") end, "offset 6", "4 byte(s)", "8 bytes")
  raises(function() b:set(8, 1, "short") end, "offset 8")
  raises(function() b:get(-3, "char") end, "offset -3")
  raises(function() return b[9] end, "offset 9")
  raises(function() b[0] = 1 end, "offset 0")
  raises(function() b:tostring(9) end, "out of bounds")
  raises(function() b:tostring(4, 6) end, "out of bounds")
  eq(b:get(5, "int"), 0, "the last int fits")
end)

test("misuse of buffers is a Lua error", function()
  local b = alien.buffer(8)
  raises(function() alien.buffer(-1) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer({}) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer(true) end, "bad argument #1 to 'buffer'")
  raises(function() b:get(1, "nonsense") end, "unknown type 'nonsense'")
  raises(function() b:set(1, 1, "void") end, "unknown type 'void'")
  raises(function() b:get(1, 42) end, "bad argument #2 to 'get'")
  raises(function() b:get("x", "int") end, "bad argument #1 to 'get'")
  raises(function() b:set(1, {}, "int") end, "bad argument #2 to 'set'", "got table")
  raises(function() b:set(1, "str", "double") end, "bad argument #2 to 'set'")
  raises(function() b.get(io.stdout, 1, "int") end, "bad argument #1 to 'get'", "alien buffer expected")
  raises(function() b.x = 1 end, "buffer index must be a number")
  eq(b.nosuchmethod, nil)
end)

test("100,000 buffers are collected with memory staying flat", function()
  memory_stays_flat(function(i)
    local b = alien.buffer(64)
    if i % 2 == 0 then b:realloc(256) end
  end)
end)

-- As for arguments, nil written as a number is 0 (the original read it with
-- lua_tonumber): buf:set, buf[i], array elements, struct and bit-field members.
test("nil stored as a number is 0: buffers, arrays, struct fields", function()
  local b = alien.buffer(16)
  b:set(1, 77, "int"); b:set(1, nil, "int"); eq(b:get(1, "int"), 0)
  b:set(5, 2.5, "double"); b:set(5, nil, "double"); eq(b:get(5, "double"), 0)
  b[13] = 9; b[13] = nil; eq(b[13], 0)
  local a = alien.array("int", { 4, 5, 6 })
  a[2] = nil
  eq(a[1], 4); eq(a[2], 0); eq(a[3], 6)
  local point = alien.defstruct{ { "x", "int" }, { "y", "double" } }
  local p = point:new()
  p.x, p.y = 3, 1.5
  p.x, p.y = nil, nil
  eq(p.x, 0); eq(p.y, 0)
  alien.cdef "struct nilbits { unsigned a : 3; int b : 5; };"
  local bits = alien.new("struct nilbits")
  bits.a, bits.b = 5, -3
  bits.a = nil
  eq(bits.a, 0); eq(bits.b, -3)
  raises(function() b:set(1, true, "int") end, "bad argument #2 to 'set'", "got boolean")
  raises(function() a[1] = {} end, "got table")
  raises(function() p.x = "abc" end, "got string")
end)

test("buf:get and buf:set refuse ref types (they are for function arguments)", function()
  local b = alien.buffer(16)
  raises(function() b:get(1, "ref int") end, "bad argument #2 to 'get'", "a ref type is for function arguments only")
  raises(function() b:set(1, 5, "ref int") end, "bad argument #3 to 'set'", "a ref type is for function arguments only")
  raises(function() b:get(1, "ref double") end, "a ref type is for function arguments only")
end)

test("a buffer has a finaliser only once realloc has put its bytes on the heap", function()
  local buf = alien.buffer(16)
  eq(getmetatable(buf).__gc, nil, "inline bytes go with the userdata")
  eq(getmetatable(alien.buffer("abc")).__gc, nil)
  eq(getmetatable(alien.array("int", 2).buffer).__gc, nil)
  buf:set(1, 1234, "int")
  buf:realloc(4096)
  eq(type(getmetatable(buf).__gc), "function")
  eq(buf:get(1, "int"), 1234)
  eq(#buf, 4096)
  local arr = alien.array("int", { 1, 2 })
  arr:realloc(1000)
  eq(type(getmetatable(arr.buffer).__gc), "function")
  eq(arr[2], 2)
  -- the same methods and messages either way
  eq(getmetatable(alien.buffer(1)).__index, getmetatable(buf).__index)
  raises(function() alien.buffer(1)[1.5] = 1 end, "")
  eq(tostring(alien.buffer("xy")), "xy")
end)

test("alien.buffer(n) for every kind of n the core takes, and its errors", function()
  eq(#alien.buffer(0), 0)
  eq(#alien.buffer(3.0), 3)
  eq(alien.buffer(8):get(1, "double"), 0)
  raises(function() alien.buffer(-1) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer(2^31) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer(2.5) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer({}) end, "bad argument #1 to 'buffer'")
  eq(alien.buffer("12"):tostring(), "12", "a string is its bytes, never a size")
  eq(#alien.buffer(), 8192, "no argument: the original's default size")
end)
