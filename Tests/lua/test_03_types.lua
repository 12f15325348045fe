-- SPEC section 3: types
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

test("every integer type round-trips through C", function()
  local cases = {
    { "byte", -128, 127 }, { "char", 0, 255 }, { "short", -32768, 32767 },
    { "ushort", 0, 65535 }, { "int", -2147483648, 2147483647 }, { "uint", 0, 4294967295 },
    { "long", -2^53, 2^53 }, { "ulong", 0, 2^53 }, { "longlong", -2^53, 2^53 },
    { "ulonglong", 0, 2^53 }, { "ptrdiff_t", -2^53, 2^53 }, { "size_t", 0, 2^53 },
  }
  for _, c in ipairs(cases) do
    local f = typed("tl_" .. c[1], c[1], c[1])
    for _, v in ipairs { c[2], c[3], 0, 1 } do
      eq(f(v), v, c[1] .. " " .. tostring(v))
    end
  end
end)

test("float and double", function()
  eq(typed("tl_double", "double", "double")(1.5e300), 1.5e300)
  eq(typed("tl_float", "float", "float")(0.5), 0.5)
  near(typed("tl_float", "float", "float")(0.1), 0.1, 1e-7)
  eq(typed("tl_addd", "double", "double", "double")(0.25, 0.5), 0.75)
  eq(typed("tl_mulf", "float", "float", "float")(1.5, 4), 6)
end)

test("integers returned are integers; floats are floats on 5.3 and 5.4", function()
  if not LUA_INTEGERS then skip("no integer subtype: numbers are doubles before 5.3") end
  eq(math.type(typed("tl_int", "int", "int")(3)), "integer")
  eq(math.type(typed("tl_double", "double", "double")(3)), "float")
end)

test("byte, char and short wrap as C casts do", function()
  eq(typed("tl_byte_arg", "int", "byte")(-126 - 10), 120)
  eq(typed("tl_byte_arg", "int", "byte")(200), -56)
  eq(typed("tl_char_arg", "int", "char")(-1), 255)
  eq(typed("tl_char_arg", "int", "char")(256 + 65), 65)
  eq(typed("tl_short_arg", "int", "short")(40000), 40000 - 65536)
  eq(typed("tl_uint_arg", "longlong", "uint")(-1), 4294967295)
  eq(typed("tl_byte_of", "byte", "int")(255), -1)
  eq(typed("tl_char_of", "char", "int")(-1), 255)
  eq(typed("tl_short_of", "short", "int")(65535), -1)
  eq(typed("tl_ushort_of", "ushort", "int")(-1), 65535)
  eq(typed("tl_uint_max", "uint")(), 4294967295)
end)

test("fractions are truncated toward zero for integer types", function()
  local f = typed("tl_int", "int", "int")
  eq(f(3.9), 3)
  eq(f(-3.9), -3)
  eq(typed("tl_longlong", "longlong", "longlong")(-2.5), -2)
end)

test("numeric strings are accepted for numbers", function()
  eq(typed("tl_int", "int", "int")("42"), 42)
  eq(typed("tl_double", "double", "double")("0.5"), 0.5)
  eq(typed("tl_int", "int", "int")(" 0x10 "), 16)
end)

test("64-bit integers are exact on 5.3 and 5.4", function()
  if not LUA_INTEGERS then skip("no integer subtype: numbers are doubles before 5.3") end
  local imax, imin = math.maxinteger, math.mininteger
  eq(typed("tl_longlong", "longlong", "longlong")(imax), imax)
  eq(typed("tl_longlong", "longlong", "longlong")(imin), imin)
  eq(typed("tl_long", "long", "long")(imax - 1), imax - 1)
  eq(typed("tl_ll_max", "longlong")(), imax)
  eq(typed("tl_ll_min", "longlong")(), imin)
  eq(typed("tl_ptrdiff_t", "ptrdiff_t", "ptrdiff_t")(imin + 7), imin + 7)
  eq(typed("tl_ll_mul", "longlong", "longlong", "longlong")(3037000499, 3037000499), 9223372030926249001)
  -- unsigned 64-bit values keep their bits (Lua integers are signed)
  eq(typed("tl_ull_max", "ulonglong")(), -1)
  eq(typed("tl_ull_add", "ulonglong", "ulonglong", "ulonglong")(imax, 1), imin)
  eq(typed("tl_size_t", "size_t", "size_t")(-1), -1)
  eq(typed("tl_ulonglong", "ulonglong", "ulonglong")(0x7fffffffffffffff), 0x7fffffffffffffff)
end)

test("64-bit values are doubles on 5.1, 5.2 and LuaJIT", function()
  if LUA_INTEGERS then skip("5.3 and 5.4 have 64-bit integers") end
  eq(typed("tl_longlong", "longlong", "longlong")(2^53), 2^53)
  eq(typed("tl_ull_max", "ulonglong")(), 2^64)
  eq(typed("tl_ll_min", "longlong")(), -2^63)
end)

test("string arguments and returns", function()
  eq(typed("tl_strlen", "size_t", "string")("hello"), 5)
  eq(typed("tl_strlen", "size_t", "string")(""), 0)
  eq(typed("tl_string", "string", "string")("abc"), "abc")
  eq(typed("tl_hello", "string")(), "hello")
  eq(typed("tl_null_string", "string")(), nil)
  eq(typed("tl_strlen", "size_t", "string")(nil), typed("tl_size_t", "size_t", "size_t")(-1))
end)

test("numbers given for strings convert as Lua converts them", function()
  eq(typed("tl_string", "string", "string")(42), "42")
  eq(typed("tl_string", "string", "string")(1.5), "1.5")
end)

test("pointer arguments and returns", function()
  local is_null = typed("tl_is_null", "int", "pointer")
  eq(is_null(nil), 1)
  eq(is_null("x"), 0)
  eq(is_null(io.stdout), 0)
  local first = typed("tl_first_byte", "int", "pointer")
  eq(first("A"), 65)
  eq(typed("tl_null_pointer", "pointer")(), nil)
  local p = typed("tl_pointer", "pointer", "pointer")
  local s = "xyz"
  local ptr = p(s)
  eq(type(ptr), "userdata")
  eq(p(ptr), ptr)
  eq(first(ptr), string.byte("x"))
end)

test("void return gives one nil, as in the original", function()
  local f = typed("tl_void", "void")
  eq(select("#", f()), 1)
  eq(f(), nil)
  eq(tostring(f()), "nil")                  -- works only with a value to pass on
  alien.directcalls(false)                  -- the same on the libffi path
  local ok, n = pcall(function() return select("#", f()) end)
  alien.directcalls(true)
  eq(ok, true)
  eq(n, 1)
end)

test("sizeof and align of every type", function()
  local expect = {
    byte = 1, char = 1, short = 2, ushort = 2, int = 4, uint = 4, long = 8, ulong = 8,
    longlong = 8, ulonglong = 8, ptrdiff_t = 8, size_t = 8, float = 4, double = 8,
    string = 8, pointer = 8, callback = 8,
  }
  for name, size in pairs(expect) do
    eq(alien.sizeof(name), size, "sizeof " .. name)
    eq(alien.align(name), size, "align " .. name)
  end
  eq(alien.sizeof("ref int"), 8)
end)

test("an unknown type name is an error listing the valid names", function()
  raises(function() alien.sizeof("integer") end, "unknown type 'integer'", "valid types:", "ulonglong")
  raises(function() alien.align("nope") end, "unknown type 'nope'")
  raises(function() alien.sizeof() end, "bad argument #1 to 'sizeof'")
  raises(function() lib.tl_int:types("int", "intt") end, "unknown type 'intt'", "tl_int", "argument #1")
  raises(function() lib.tl_int:types("bogus") end, "unknown type 'bogus'", "return type")
end)
