-- SPEC section 4: functions, called through the direct (typed pointer) fast path,
-- which must give what libffi gives
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("direct calls agree with libffi over many values", function()
  assert(alien.directcalls() == true, "direct calls are on by default")
  local seed = 7
  local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  local limits = { 0, 1, -1, 127, -128, 255, 256, 32767, -32768, 65535, 65536, 2147483647, -2147483648,
                   4294967295, 4294967296, 2^40, -2^40, 2^53, -2^53 }
  local function values(k)
    local out = {}
    for i = 1, k do
      out[i] = (i <= #limits) and limits[i] or (random(2^31) - 2^30) * (random(3) == 0 and 65536 or 1)
    end
    return out
  end
  local cases = {
    { "tl_byte", "byte", "byte" }, { "tl_char", "char", "char" }, { "tl_short", "short", "short" },
    { "tl_ushort", "ushort", "ushort" }, { "tl_int", "int", "int" }, { "tl_uint", "uint", "uint" },
    { "tl_long", "long", "long" }, { "tl_ulong", "ulong", "ulong" }, { "tl_longlong", "longlong", "longlong" },
    { "tl_size_t", "size_t", "size_t" }, { "tl_byte_arg", "int", "byte" }, { "tl_char_arg", "int", "char" },
    { "tl_short_arg", "int", "short" }, { "tl_uint_arg", "longlong", "uint" }, { "tl_halve", "double", "long" },
    { "tl_byte_of", "byte", "int" }, { "tl_ushort_of", "ushort", "int" },
  }
  local unpack = unpack or table.unpack
  for _, c in ipairs(cases) do
    local f = lib[c[1]]
    f:types(c[2], c[3])
    for _, v in ipairs(values(200)) do
      alien.directcalls(true); local direct = f(v)
      alien.directcalls(false); local ffi = f(v)
      alien.directcalls(true)
      eq(direct, ffi, c[1] .. "(" .. tostring(v) .. ")")
    end
  end
  local sum6 = lib.tl_sum6
  sum6:types("long", "long", "long", "long", "long", "long", "long")
  local mix6 = lib.tl_mix6
  mix6:types("longlong", "byte", "char", "short", "ushort", "int", "uint")
  local dsum8 = lib.tl_dsum8
  dsum8:types("double", "double", "double", "double", "double", "double", "double", "double", "double")
  local trunc = lib.tl_trunc
  trunc:types("int", "double")
  for round = 1, 300 do
    local v = values(6)
    for i = 1, 6 do v[i] = limits[random(#limits) + 1] + random(1000) end
    local d = {}
    for i = 1, 8 do d[i] = (random(2000000) - 1000000) / 64 end
    for _, call in ipairs {
      function() return sum6(unpack(v)) end,
      function() return mix6(unpack(v)) end,
      function() return dsum8(unpack(d)) end,
      function() return trunc(d[1]) end,
    } do
      alien.directcalls(true); local direct = call()
      alien.directcalls(false); local ffi = call()
      alien.directcalls(true)
      eq(direct, ffi, "round " .. round)
    end
  end
  eq(sum6(1, 1, 1, 1, 1, 1), 21)
  eq(dsum8(1, 1, 1, 1, 1, 1, 1, 1), 36)
end)

test("direct calls hand odd arguments to the full path", function()
  local f = lib.tl_int
  f:types("int", "int")
  eq(f(3.9), 3, "fractions truncate")
  eq(f("12"), 12, "numeric strings")
  raises(function() f({}) end, "bad argument #1 to 'tl_int'")
  raises(function() f(1, 2) end, "too many arguments")
  local p = lib.tl_pointer
  p:types("pointer", "pointer")
  local b = alien.buffer(4)
  eq(p(b), b:topointer(), "a buffer for a pointer")
  eq(p(nil), nil)
  eq(p(b:topointer()), b:topointer())
  local d = lib.tl_addd
  d:types("double", "double", "double")
  eq(d("1.5", 1), 2.5)
  raises(function() d(1, {}) end, "bad argument #2 to 'tl_addd'")
end)

-- Buffers and alien functions for pointer and string parameters go by the
-- direct plan too (their address read from the object's head): the same
-- addresses as the core gives, and the full path for what is not plain.
test("buffers and functions as pointer and string arguments: direct agrees with libffi", function()
  local p = lib.tl_pointer
  p:types("pointer", "pointer")
  local len = alien.default.strlen
  len:types("size_t", "string")
  local foreign = alien.buffer(alien.buffer("abc"):topointer())
  local grown = alien.buffer(8); grown:realloc(100)
  local empty = alien.buffer(8); empty:realloc(0)
  local cb = alien.callback(function() return 0 end, "int")
  local values = { alien.buffer(16), alien.buffer("hello"), foreign, grown, empty, cb, lib.tl_int,
                   alien.array("int", { 1, 2 }), alien.buffer(4):topointer(), nil }
  for i = 1, #values + 1 do
    local v = values[i]
    alien.directcalls(true); local ok1, direct = pcall(p, v)
    alien.directcalls(false); local ok2, ffi = pcall(p, v)
    alien.directcalls(true)
    eq(ok1, ok2, "value " .. i)
    eq(direct, ffi, "value " .. i)
  end
  eq(p(values[1]), values[1]:topointer())
  local hello = alien.buffer("hello")
  alien.directcalls(true); eq(len(hello), 5)
  alien.directcalls(false); eq(len(hello), 5)
  alien.directcalls(true)
  -- a finalized buffer is refused on both paths
  local dead = alien.buffer(4)
  dead:realloc(4)                                 -- on the heap: it has a finaliser
  getmetatable(dead).__gc(dead)
  raises(function() p(dead) end, "bad argument #1 to 'tl_pointer'")
end)

-- ref arguments of integers and doubles go by the direct plan (a slot per ref,
-- read back after the call): the same results as libffi, over many values.
test("ref arguments: direct agrees with libffi", function()
  local mixed = lib.tl_ref_mixed
  mixed:types("int", "ref int", "ref double", "ref char", "ref uint")
  local divmod = lib.tl_divmod
  divmod:types("int", "int", "int", "ref int", "ref int")
  local twice = lib.tl_ref_int
  twice:types("void", "ref int")
  local values = { 0, 1, -1, 255, 256, 2147483647, -2147483648, 4294967295, 2^40 + 3, 7.5, "12", nil }
  local function both(f, ...)
    local args, n = { ... }, select("#", ...)
    local unpack = unpack or table.unpack
    local function call() return select("#", pcall(f, unpack(args, 1, n))), pcall(f, unpack(args, 1, n)) end
    alien.directcalls(true); local direct = { call() }
    alien.directcalls(false); local ffi = { call() }
    alien.directcalls(true)
    eq(direct[1], ffi[1], "count of results")
    for i = 2, ffi[1] + 1 do eq(direct[i], ffi[i], "result " .. (i - 1)) end
    return unpack(direct, 2, direct[1] + 1)
  end
  for i = 1, #values + 1 do
    local v = values[i]
    both(twice, v)
    both(mixed, v, v, v, v)
    both(mixed, 1, v, 2, 3)
    both(divmod, 100, (v == 0 or v == nil) and 7 or v, v, v)
  end
  local ok, r, a, b, c, d = both(mixed, 1, 2.5, 255, 5)
  eq(ok, true); eq(r, 7); eq(a, 2); eq(b, 5); eq(c, 0); eq(d, 15)
  local ok2, done, q, rem = both(divmod, 47, 5, 0, 0)
  eq(ok2, true); eq(done, 1); eq(q, 9); eq(rem, 2)
  local ok3, void, doubled = both(twice, 20)
  eq(ok3, true); eq(void, nil); eq(doubled, 41)
  raises(function() twice({}) end, "bad argument #1 to 'tl_ref_int'")
end)

-- f:bind(): a plain C function calling f, without the __call metamethod.
test("a bound function gives what the function gives, values, refs, buffers and errors alike", function()
  local cases = {
    { "tl_int", { "int", "int" }, { 0, 1, -1, 2^31 - 1, -2^31, 2^31, 2.5, "12", "x", nil, {} } },
    { "tl_uint", { "uint", "uint" }, { 0, -1, 2^32 - 1, 2^32, 1.5 } },
    { "tl_halve", { "double", "long" }, { 7, -7, 2^40 } },
    { "tl_dsum8", { "double", "double", "double", "double", "double", "double", "double", "double", "double" }, { 1.5 } },
    { "tl_pointer", { "pointer", "pointer" }, { alien.buffer(4), nil, "str", 3 } },
    { "tl_strlen", { "int", "string" }, { "hello", alien.buffer("abc"), 12, nil } },
  }
  local function outcome(f, ...)
    local r = { pcall(f, ...) }
    for i = 1, #r do r[i] = tostring(r[i]) end
    return table.concat(r, ",")
  end
  for _, c in ipairs(cases) do
    local f = lib[c[1]]
    f:types((unpack or table.unpack)(c[2]))
    local bound = f:bind()
    eq(type(bound), "function")
    for _, direct in ipairs { true, false } do
      alien.directcalls(direct)
      for i = 1, #c[3] + 1 do
        local v = c[3][i]
        local n = c[1] == "tl_dsum8" and 8 or 1
        local args = {}
        for k = 1, n do args[k] = v end
        local u = unpack or table.unpack
        eq(outcome(bound, u(args, 1, n)), outcome(f, u(args, 1, n)), c[1] .. "(" .. tostring(v) .. ")")
      end
      eq(outcome(bound), outcome(f), c[1] .. " with no arguments")
    end
    alien.directcalls(true)
  end
  local refinc = lib.tl_ref_int
  refinc:types("void", "ref int")
  eq(outcome(refinc:bind(), 41), outcome(refinc, 41))
end)

test("a bound function follows f:types() and keeps f alive", function()
  local bound
  do
    local f = alien.funcptr(lib.tl_int)             -- an object nothing else holds
    f:types("int", "int")
    bound = f:bind()
    eq(bound(70000), 70000)
    f:types("short", "int")                         -- the same C function, its result read narrower
    eq(bound(70000), 4464)
  end
  collectgarbage(); collectgarbage()
  eq(bound(70001), 4465, "the function object lives as long as the bound function")
  raises(function() alien.default.abs.bind(42) end, "alien_function expected")
end)
