-- SPEC section 4: functions
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("types in positional and table form", function()
  local add = lib.tl_add
  add:types("int", "int", "int")
  eq(add(2, 3), 5)
  add:types { ret = "double", "int", "int" }   -- deliberately wrong: still callable
  add:types { "int", "int" }                   -- ret defaults to int
  eq(add(20, 22), 42)
  add:types { ret = "int", abi = "default", "int", "int" }
  eq(add(1, 1), 2)
  add:types { ret = "int", abi = "cdecl", "int", "int" }
  eq(add(1, 2), 3)
  add:types { ret = "int", abi = "stdcall", "int", "int" }
  eq(add(1, 3), 4)
end)

test("types can be changed at any time", function()
  local f = lib.tl_double
  f:types("double", "double")
  eq(f(2.5), 2.5)
  f:types("float", "float")
  eq(f(2.5), 2.5)
  f:types("double", "double")
  eq(f(1e300), 1e300)
end)

test("calling an untyped function is a clear error", function()
  local f = alien.funcptr(select(1, (function() local g = lib.tl_get_adder; g:types("pointer"); return g() end)()))
  raises(function() f(1, 2) end, "call f:types(...) first")
end)

test("wrong argument counts name the function", function()
  local add = lib.tl_add
  add:types("int", "int", "int")
  raises(function() add(1) end, "too few arguments", "tl_add")
  raises(function() add(1, 2, 3) end, "too many arguments", "tl_add")
  raises(function() add() end, "too few arguments")
end)

test("nil for a numeric argument is 0, as in the original (fcntl(fd, F_GETFD, nil))", function()
  local add = lib.tl_add
  add:types("int", "int", "int")
  eq(add(nil, 5), 5)
  eq(add(7, nil), 7)
  local m = alien.load("m")
  m.fabs:types("double", "double")
  eq(m.fabs(nil), 0)
  m.frexp:types("double", "double", "ref int")       -- nil for a ref int: in 0, out as C wrote it
  local mantissa, exponent = m.frexp(8, nil)
  eq(mantissa, 0.5)
  eq(exponent, 4)
  local libc = alien.default
  libc.open:types("int", "string", "int")
  libc.close:types("int", "int")
  libc.fcntl:types("int", "int", "int", "int")
  local F_GETFD, F_SETFD, FD_CLOEXEC = 1, 2, 1                -- Linux's values
  local fd = libc.open("/dev/null", 0)
  assert(fd >= 0, "open /dev/null")
  eq(libc.fcntl(fd, F_GETFD, nil), 0)                         -- nil as the unused third argument
  eq(libc.fcntl(fd, F_SETFD, FD_CLOEXEC), 0)
  eq(libc.fcntl(fd, F_GETFD, nil), FD_CLOEXEC)
  libc.close(fd)
  raises(function() add(true, 1) end, "bad argument #1 to 'tl_add'", "got boolean")
  raises(function() add(print, 1) end, "bad argument #1 to 'tl_add'", "got function")
end)

test("a value of the wrong kind names the argument and function", function()
  local add = lib.tl_add
  add:types("int", "int", "int")
  raises(function() add(1, {}) end, "bad argument #2 to 'tl_add'", "got table")
  raises(function() add("abc", 1) end, "bad argument #1 to 'tl_add'", "got string")
  raises(function() add(true, 1) end, "bad argument #1", "got boolean")
  local d = lib.tl_double
  d:types("double", "double")
  raises(function() d({}) end, "bad argument #1 to 'tl_double'")
  local s = lib.tl_strlen
  s:types("size_t", "string")
  raises(function() s({}) end, "bad argument #1 to 'tl_strlen'", "got table")
  raises(function() s(true) end, "bad argument #1 to 'tl_strlen'")
  local p = lib.tl_is_null
  p:types("int", "pointer")
  raises(function() p(42) end, "bad argument #1 to 'tl_is_null'", "got number")
  raises(function() p(print) end, "bad argument #1 to 'tl_is_null'", "got function")
end)

test("bad type declarations are errors", function()
  local f = lib.tl_int
  raises(function() f:types("int", "void") end, "cannot be void")
  raises(function() f:types("int", 42) end, "argument #1", "must be a type name")
  raises(function() f:types { ret = "int", abi = "fastcall", "int" } end, "unknown abi 'fastcall'")
  raises(function() f:types { ret = 7 } end, "return type")
  local many = {}
  for i = 1, 70 do many[i] = "int" end
  raises(function() f:types("int", (unpack or table.unpack)(many)) end, "at most 64")
  raises(function() f.types(42) end, "bad argument #1")
end)

test("the interpreter stays usable after errors", function()
  local add = lib.tl_add
  add:types("int", "int", "int")
  for i = 1, 1000 do
    pcall(add, {}, i)
    pcall(add, i)
  end
  eq(add(40, 2), 42)
end)

test("more arguments than registers, mixed integers and doubles", function()
  local f = lib.tl_mixed20
  f:types("double", "int", "double", "long", "float", "short", "double", "longlong", "double",
    "char", "double", "int", "double", "long", "double", "byte", "double", "uint", "double",
    "size_t", "double")
  local args, expected = {}, 0
  for i = 1, 20 do
    local v = (i % 2 == 0) and (i + 0.5) or i
    args[i] = v
    expected = expected + i * v
  end
  near(f((unpack or table.unpack)(args)), expected, 1e-6)
  local s = lib.tl_sum12
  s:types("long", "long", "long", "long", "long", "long", "long", "long", "long", "long", "long", "long", "long")
  eq(s(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 78)
  eq(s(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 12)
end)

test("ref arguments are copied in and returned after the result", function()
  local r = lib.tl_ref_int
  r:types("void", "ref int")
  local res, v = r(20)
  eq(res, nil); eq(v, 41)
  local m = lib.tl_ref_mixed
  m:types("int", "ref int", "ref double", "ref char", "ref uint")
  local a, b, c, d, e = m(1, 2.5, 255, 5)
  eq(a, 7); eq(b, 2); eq(c, 5); eq(d, 0); eq(e, 15)
  local dm = lib.tl_divmod
  dm:types("int", "int", "int", "ref int", "ref int")
  local ok, q, rem = dm(17, 5, 0, 0)
  eq(ok, 1); eq(q, 3); eq(rem, 2)
  raises(function() r("x") end, "bad argument #1 to 'tl_ref_int'")
end)

test("scanf-style ref use from libc", function()
  local sscanf = alien.default.sscanf
  sscanf:types("int", "string", "string", "ref int", "ref double")
  local n, x, y = sscanf("23 42.5", "%i %lf", 0, 0)
  eq(n, 2); eq(x, 23); eq(y, 42.5)
end)

test("funcptr turns a function pointer into a callable function", function()
  local get = lib.tl_get_adder
  get:types("pointer")
  local f = alien.funcptr(get())
  eq(tostring(f), "alien function anonymous, library default")
  f:types("int", "int", "int")
  eq(f(5, 6), 11)
  raises(function() alien.funcptr(42) end, "bad argument #1 to 'funcptr'")
  raises(function() alien.funcptr() end, "bad argument #1 to 'funcptr'")
end)

test("libm and libc work", function()
  local m = alien.load("m")
  m.pow:types("double", "double", "double")
  eq(m.pow(2, 10), 1024)
  m.floor:types("double", "double")
  eq(m.floor(-1.5), -2)
  local abs = alien.default.abs
  abs:types("int", "int")
  eq(abs(-5), 5)
end)
