-- SPEC section 13: structs and unions by value (arguments, results, callbacks)
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

-- Each type with the field list it was made from, so values can be walked in
-- declaration order the way alientest.c numbers them (nested and arrays expanded).
local specs = {}
local function def(fields, union)
  local T = union and alien.defunion(fields) or alien.defstruct(fields)
  specs[T] = fields
  return T
end

-- The element values of an instance, flattened.
local function flatten(inst, T, out)
  out = out or {}
  for _, f in ipairs(specs[T]) do
    local name, ty, count = f[1], f[2], f[3]
    local v = inst[name]
    if count then
      eq(#v, count, name .. " length")
      for k = 1, count do
        if type(ty) == "string" then out[#out + 1] = v[k] else flatten(v[k], ty, out) end
      end
    elseif type(ty) == "string" then
      out[#out + 1] = v
    else
      flatten(v, ty, out)
    end
  end
  return out
end

-- A table of field values (nested tables, array fields as tables) from flattened values.
local function totable(T, values, pos)
  pos = pos or 1
  local t = {}
  for _, f in ipairs(specs[T]) do
    local name, ty, count = f[1], f[2], f[3]
    if count then
      local a = {}
      for k = 1, count do
        if type(ty) == "string" then a[k] = values[pos]; pos = pos + 1
        else a[k], pos = totable(ty, values, pos) end
      end
      t[name] = a
    elseif type(ty) == "string" then
      t[name] = values[pos]; pos = pos + 1
    else
      t[name], pos = totable(ty, values, pos)
    end
  end
  return t, pos
end

-- Sets an instance's elements one by one (through views and array fields).
local function fill(inst, T, values, pos)
  pos = pos or 1
  for _, f in ipairs(specs[T]) do
    local name, ty, count = f[1], f[2], f[3]
    if count then
      local a = inst[name]
      for k = 1, count do
        if type(ty) == "string" then a[k] = values[pos]; pos = pos + 1
        else pos = fill(a[k], ty, values, pos) end
      end
    elseif type(ty) == "string" then
      inst[name] = values[pos]; pos = pos + 1
    else
      pos = fill(inst[name], ty, values, pos)
    end
  end
  return pos
end

local function count(T) return #flatten(T:new(), T) end
local function seeded(T, seed, factor)
  local v = {}
  for i = 1, count(T) do v[i] = (seed + i) * (factor or 1) end
  return v
end
local function weighted(values)
  local s = 0
  for i, v in ipairs(values) do s = s + i * v end
  return s
end
local function expect_values(got, want, what)
  eq(#got, #want, what .. " element count")
  for i = 1, #want do eq(got[i], want[i], what .. " element " .. i) end
end
local function instance_of(T, values)
  local inst = T:new()
  fill(inst, T, values)
  return inst
end

-- The struct types of alientest.c, 1 to 100 bytes: name and size.
local all = { { "s1", 1 }, { "s2", 2 }, { "s3", 3 }, { "s4", 4 }, { "s4f", 4 }, { "s8", 8 }, { "s8f", 8 },
              { "s12", 12 }, { "s12f", 12 }, { "s16d", 16 }, { "s16m", 16 }, { "s16n", 16 }, { "s17", 17 },
              { "s24", 24 }, { "s24n", 24 }, { "s32", 32 }, { "s100", 100 } }
-- Defined under pcall so that a missing feature fails each test, not the whole file.
local T, s8 = {}, nil
local defined, define_error = pcall(function()
  s8 = def { { "a", "int" }, { "b", "int" } }
  T.s1 = def { { "a", "char" } }
  T.s2 = def { { "a", "char" }, { "b", "char" } }
  T.s3 = def { { "a", "char" }, { "b", "char" }, { "c", "char" } }
  T.s4 = def { { "a", "short" }, { "b", "short" } }
  T.s4f = def { { "a", "float" } }
  T.s8 = s8
  T.s8f = def { { "a", "float" }, { "b", "float" } }
  T.s12 = def { { "a", "int" }, { "b", "int" }, { "c", "int" } }
  T.s12f = def { { "a", "float" }, { "b", "float" }, { "c", "float" } }
  T.s16d = def { { "a", "double" }, { "b", "double" } }
  T.s16m = def { { "a", "int" }, { "b", "double" } }
  T.s16n = def { { "p", s8 }, { "x", "float" }, { "y", "float" } }
  T.s17 = def { { "c", "char", 17 } }
  T.s24 = def { { "a", "double" }, { "b", "longlong" }, { "c", "int" } }
  T.s24n = def { { "p", s8, 2 }, { "d", "double" } }
  T.s32 = def { { "a", "double" }, { "b", "double" }, { "c", "double" }, { "d", "double" } }
  T.s100 = def { { "v", "int", 25 } }
end)
local test = guarded_test(defined, define_error)

-- Expected tl_X_sum of tl_X_make(seed).
local function S(name, seed) return weighted(seeded(T[name], seed)) end

for _, e in ipairs(all) do
  local name, size = e[1], e[2]

  test(name .. " (" .. size .. " bytes): size, a struct result, a struct argument (instance and table)", function()
    local st = T[name]
    eq(st.size, size)
    eq(typed("tl_" .. name .. "_size", "size_t")(), size, "C agrees")
    local make = typed("tl_" .. name .. "_make", st, "int")
    local sum = typed("tl_" .. name .. "_sum", "double", st)
    for _, seed in ipairs { 0, 3, 10 } do
      local r = make(seed)
      expect_values(flatten(r, st), seeded(st, seed), name .. " make(" .. seed .. ")")
      eq(sum(r), weighted(seeded(st, seed)), name .. " sum of the returned instance")
      eq(sum(instance_of(st, seeded(st, seed))), weighted(seeded(st, seed)), name .. " sum of an instance")
      eq(sum((totable(st, seeded(st, seed)))), weighted(seeded(st, seed)), name .. " sum of a table")
    end
  end)

  test(name .. ": in and out by value; the argument is a copy, the result a new instance", function()
    local st = T[name]
    local twice = typed("tl_" .. name .. "_twice", st, st)
    local arg = instance_of(st, seeded(st, 5))
    local r = twice(arg)
    expect_values(flatten(r, st), seeded(st, 5, 2), name .. " twice")
    expect_values(flatten(arg, st), seeded(st, 5), name .. " argument unchanged")
    local r2 = twice(r)
    expect_values(flatten(r2, st), seeded(st, 5, 4), name .. " twice twice")
    expect_values(flatten(r, st), seeded(st, 5, 2), name .. " earlier result unchanged")
    r = twice((totable(st, seeded(st, 1))))
    collectgarbage(); collectgarbage()
    expect_values(flatten(r, st), seeded(st, 1, 2), name .. " result owns its memory")
    eq(#r(), size, name .. " result buffer")
    local over = st:new(alien.buffer(size))
    fill(over, st, seeded(st, 2))
    expect_values(flatten(twice(over), st), seeded(st, 2, 2), name .. " instance over a buffer")
  end)

  test(name .. ": callbacks take and return it by value (instance or table)", function()
    local st = T[name]
    local call = typed("tl_call_" .. name, "double", "callback", "int")
    local calls = 0
    local as_instance = alien.callback(function(s, seed)
      calls = calls + 1
      expect_values(flatten(s, st), seeded(st, seed), name .. " callback argument")
      return instance_of(st, seeded(st, seed, 2))
    end, st, st, "int")
    eq(call(as_instance, 4), 2 * S(name, 4))
    eq(call(as_instance, 0), 2 * S(name, 0))
    local as_table = alien.callback(function(s)
      calls = calls + 1
      local values = flatten(s, st)
      for i = 1, #values do values[i] = values[i] * 2 end
      return (totable(st, values))
    end, st, st, "int")
    eq(call(as_table, 7), 2 * S(name, 7))
    eq(calls, 3)
    local kept
    local keeper = alien.callback(function(s) kept = s; return s end, st, st, "int")
    eq(call(keeper, 2), S(name, 2))
    collectgarbage(); collectgarbage()
    expect_values(flatten(kept, st), seeded(st, 2), name .. " a callback's argument is a copy Lua may keep")
    -- the callback object is also callable from Lua like an alien function
    expect_values(flatten(as_instance(instance_of(st, seeded(st, 1)), 1), st), seeded(st, 1, 2),
      name .. " callback called from Lua")
  end)
end

test("explicit constructors: doubles in, struct out", function()
  local of = typed("tl_s16d_of", T.s16d, "double", "double")
  local r = of(1.5, -2.25)
  eq(r.a, 1.5); eq(r.b, -2.25)
  local f3 = typed("tl_s12f_of", T.s12f, "float", "float", "float")
  local q = f3(0.5, 1.5, -8)
  eq(q.a, 0.5); eq(q.b, 1.5); eq(q.c, -8)
  local from = typed("tl_s32_from", T.s32, "double", T.s16d, "double")
  local s = from(1, r, 4)
  eq(s.a, 1); eq(s.b, 1.5); eq(s.c, -2.25); eq(s.d, 4)
  s = from(-1, { a = 7, b = 8 }, -4)
  eq(s.a, -1); eq(s.b, 7); eq(s.c, 8); eq(s.d, -4)
end)

test("several structs mixed with scalars in one call", function()
  local f = typed("tl_bv_mixed", "double", "int", T.s3, "double", T.s16d, T.s12f, "long", T.s100, "float", T.s16m)
  local expected = 1 + 2 * S("s3", 1) + 3 * 2.5 + 4 * S("s16d", 2) + 5 * S("s12f", 4) + 6 * 6
                 + 7 * S("s100", 3) + 8 * 0.5 + 9 * S("s16m", 5)
  eq(f(1, totable(T.s3, seeded(T.s3, 1)), 2.5, instance_of(T.s16d, seeded(T.s16d, 2)),
       (totable(T.s12f, seeded(T.s12f, 4))), 6, instance_of(T.s100, seeded(T.s100, 3)), 0.5,
       (totable(T.s16m, seeded(T.s16m, 5)))), expected)
  -- again with the struct results of other calls as the arguments
  local mk = function(name) return typed("tl_" .. name .. "_make", T[name], "int") end
  eq(f(1, mk("s3")(1), 2.5, mk("s16d")(2), mk("s12f")(4), 6, mk("s100")(3), 0.5, mk("s16m")(5)), expected)
end)

test("more struct arguments than registers", function()
  local many = typed("tl_bv_many16d", "double", T.s16d, T.s16d, T.s16d, T.s16d, T.s16d, T.s16d)
  local args, expected = {}, 0
  for k = 1, 6 do
    args[k] = instance_of(T.s16d, seeded(T.s16d, k))
    expected = expected + k * S("s16d", k)
  end
  eq(many((unpack or table.unpack)(args)), expected)
  local spill = typed("tl_bv_spill", "double", "double", "double", "double", "double", "double", "double", "double",
    "int", "int", "int", "int", T.s16m, T.s12, "double", T.s8f)
  local r = spill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, { a = 3, b = 0.5 }, { a = 1, b = 2, c = 3 }, 0.25,
    { a = 1.5, b = 2 })
  local want = 1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 * 6 + 7 * 7 + 8 * 8 + 9 * 9 + 10 * 10 + 11 * 11
             + 13 * (3 + 2 * 0.5) + 14 * (1 + 2 * 2 + 3 * 3) + 15 * 0.25 + 16 * (1.5 + 2 * 2)
  eq(r, want)
end)

test("a struct split between the last integer register and an SSE register", function()
  -- libffi before 3.4.7 (libffi PR #848) clobbers the first SSE register here
  local f = typed("tl_bv_sixth_gpr", "double", "double", "int", "int", "int", "int", "int", T.s16m)
  eq(f(1, 2, 3, 4, 5, 6, { a = 7, b = 0.5 }), 1000 + 20 + 70 + 0.5)
end)

test("a struct at each register boundary (around the libffi PR #848 workaround)", function()
  local m = { a = 7, b = 0.5 }       -- struct { int a; double b; }: an integer and an SSE eightbyte
  local M = 7 * 100000 + 0.5 * 1000000
  eq(typed("tl_bv_m_nosse", "double", "int", "int", "int", "int", "int", T.s16m)(1, 2, 3, 4, 5, m), 55 + M, "sixth register, no SSE in use")
  eq(typed("tl_bv_m_ssefull", "double", "double", "double", "double", "double", "double", "double", "double",
           "double", "int", "int", "int", "int", "int", T.s16m)(1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, m), 204 + 550 + M,
     "SSE registers full: the whole struct on the stack")
  eq(typed("tl_bv_m_gprfull", "double", "double", "int", "int", "int", "int", "int", "int", T.s16m)(1.5, 1, 2, 3, 4, 5, 6, m),
     1.5 + 910 + M, "integer registers full: the whole struct on the stack")
  eq(typed("tl_bv_m_fifth", "double", "double", "int", "int", "int", "int", T.s16m, "int")(1.5, 1, 2, 3, 4, m, 6),
     1.5 + 300 + 360 + M, "fifth register, an int after it in the sixth")
  local s16dm = alien.defstruct { { "a", "double" }, { "b", "int" } }
  eq(typed("tl_bv_dm_sixth", "double", "double", "int", "int", "int", "int", "int", s16dm)(1.5, 1, 2, 3, 4, 5, { a = 7.5, b = 3 }),
     1.5 + 550 + 750000 + 3000000, "SSE eightbyte first, integer second in the sixth register")
  eq(typed("tl_bv_two_sixth", "double", "double", "int", "int", "int", "int", "int", T.s16m, T.s16m, "double")(1.5, 1, 2, 3, 4, 5, m,
       { a = 1, b = 0.25 }, 2.5), 1.5 + 550 + M + 7 * (100000 + 250000) + 7.5,
     "one struct in the sixth register, the next on the stack, a double after them")
  eq(typed("tl_bv_s16n_sixth", "double", "double", "int", "int", "int", "int", "int", T.s16n)(1.5, 1, 2, 3, 4, 5,
       { p = { a = 1, b = 2 }, x = 0.5, y = 0.25 }), 1.5 + 550 + 1000 + 20000 + 50000 + 250000,
     "a nested struct and two floats as the eightbytes")
end)

test("a struct in the sixth integer register after a hidden result pointer", function()
  -- the 32-byte result's address takes the first integer register: 4 ints, then the struct's int in the sixth
  local r = typed("tl_s32_sixth", T.s32, "double", "int", "int", "int", "int", T.s16m)(1.5, 1, 2, 3, 4, { a = 7, b = 0.5 })
  eq(r.a, 1.5, "the double argument (xmm0)"); eq(r.b, 30); eq(r.c, 7); eq(r.d, 0.5)
end)

test("a struct in the sixth integer register into a callback", function()
  local m = { a = 7, b = 0.5 }
  local M = 7 * 100000 + 0.5 * 1000000
  local cb = alien.callback(function(d1, i1, i2, i3, i4, i5, s)
    return d1 + 10 * i1 + 20 * i2 + 30 * i3 + 40 * i4 + 50 * i5 + s.a * 100000 + s.b * 1000000
  end, "double", "double", "int", "int", "int", "int", "int", T.s16m)
  eq(typed("tl_call_sixth_gpr", "double", "callback")(cb), 1.5 + 700 + M, "the same layout into a callback")
  eq(cb(1.5, 2, 3, 4, 5, 6, m), 1.5 + 700 + M, "and that callback called from Lua")
end)

test("the table form of types and callback takes struct types too", function()
  local f = lib.tl_s16d_twice
  f:types { ret = T.s16d, T.s16d }
  local r = f { a = 1, b = 2 }
  eq(r.a, 2); eq(r.b, 4)
  local cb = alien.callback(function(s, seed) return { a = s.a + seed, b = s.b } end, { ret = T.s16d, T.s16d, "int" })
  eq(typed("tl_call_s16d", "double", "callback", "int")(cb, 1), (2 + 1) + 2 * 3)
end)

test("a view into a struct result outlives the result", function()
  local make = typed("tl_s24n_make", T.s24n, "int")
  local view, elem
  do
    local r = make(10)
    view = r.p
    elem = r.p[2]
  end
  collectgarbage(); collectgarbage()
  for i = 1, 100 do make(i) end
  collectgarbage(); collectgarbage()
  eq(view[1].a, 11); eq(view[1].b, 12); eq(elem.a, 13); eq(elem.b, 14)
  eq(#view, 2)
end)

test("nested struct arguments given as nested tables or instances", function()
  local sum = typed("tl_s16n_sum", "double", T.s16n)
  local p = s8:new(); p.a = 1; p.b = 2
  eq(sum { p = p, x = 3, y = 4 }, 1 + 4 + 9 + 16)
  eq(sum { p = { a = 1, b = 2 }, x = 3, y = 4 }, 30)
  local sum24 = typed("tl_s24n_sum", "double", T.s24n)
  eq(sum24 { p = { { a = 1, b = 2 }, p }, d = 5 }, 1 + 4 + 3 + 8 + 25)
  local sum17 = typed("tl_s17_sum", "double", T.s17)
  local chars = {}
  for i = 1, 17 do chars[i] = 1 end
  eq(sum17 { c = chars }, 17 * 18 / 2)
end)

test("unions by value are classified by all their members", function()
  local u8 = def({ { "d", "double" }, { "l", "longlong" } }, true)
  local u4 = def({ { "f", "float" }, { "i", "int" } }, true)
  local ud = def({ { "d", "double" }, { "f", "float" } }, true)
  eq(u8.size, 8); eq(u4.size, 4); eq(ud.size, 8)
  eq(typed("tl_u8_of_double", u8, "double")(2.5).d, 2.5)
  eq(typed("tl_u8_of_ll", u8, "longlong")(-7).l, -7)
  local u = u8:new()
  u.d = -3.25
  eq(typed("tl_u8_double", "double", u8)(u), -3.25)
  u.l = 123456789
  eq(typed("tl_u8_ll", "longlong", u8)(u), 123456789)
  eq(typed("tl_u4_of_int", u4, "int")(0x3f800000).f, 1.0)
  local v = u4:new()
  v.i = 0x40000000
  eq(typed("tl_u4_float", "float", u4)(v), 2.0)
  v.f = 1.0
  eq(typed("tl_u4_int", "int", u4)(v), 0x3f800000)
  eq(typed("tl_ud_of_double", ud, "double")(0.75).d, 0.75)
  local w = ud:new()
  w.d = 6.5
  eq(typed("tl_ud_double", "double", ud)(w), 6.5)
  -- a union inside a struct
  local tagged = alien.defstruct { { "tag", "int" }, { "u", u8 } }
  local t = typed("tl_tagged_of", tagged, "int", "double")(1, 2.5)
  eq(t.tag, 1); eq(t.u.d, 2.5)
  local value = typed("tl_tagged_value", "double", tagged)
  eq(value(t), 2.5)
  local x = tagged:new()
  x.tag = 2; x.u.l = 42
  eq(value(x), 42)
  local n = u8:new(); n.l = 43
  eq(value { tag = 2, u = n }, 43)
  -- a union through a callback
  local call = typed("tl_call_u8", "longlong", "callback", "longlong")
  local cb = alien.callback(function(a)
    local r = u8:new()
    r.l = a.l + 1
    return r
  end, u8, u8)
  eq(call(cb, 41), 42)
  eq(call(cb, -1), 0)
end)

test("a callback taking several structs and scalars", function()
  local st = { s3 = T.s3, s16m = T.s16m, s100 = T.s100, s12f = T.s12f }
  local seen
  local cb = alien.callback(function(i, a, d, b, c, f, e)
    seen = { i, d, f }
    expect_values(flatten(a, st.s3), seeded(st.s3, 1), "s3")
    expect_values(flatten(b, st.s16m), seeded(st.s16m, 2), "s16m")
    expect_values(flatten(c, st.s100), seeded(st.s100, 3), "s100")
    expect_values(flatten(e, st.s12f), seeded(st.s12f, 4), "s12f")
    return i + d + f + a.c + b.b + c.v[25] + e.c
  end, "double", "int", T.s3, "double", T.s16m, T.s100, "float", T.s12f)
  local call = typed("tl_call_mixed_structs", "double", "callback")
  eq(call(cb), 7 + 2.5 + 0.5 + 4 + 4 + 28 + 7)
  eq(seen[1], 7); eq(seen[2], 2.5); eq(seen[3], 0.5)
end)

test("a callback returning a struct built from its scalar arguments", function()
  local cb = alien.callback(function(a, b) return { a = b, b = a } end, T.s16d, "double", "double")
  local call = typed("tl_call_s16d_of", "double", "callback", "double", "double")
  eq(call(cb, 1.5, 2), 2 * 10 + 1.5)
  local cb2 = alien.callback(function(i) return { a = i, b = i, c = i, d = i } end, T.s32, "int")
  eq(typed("tl_call_s32_n", "double", "callback", "int")(cb2, 1000), 10 * 1000 * 1001 / 2)
end)

test("an error in a struct-returning callback reaches Lua", function()
  local cb = alien.callback(function() error("no struct today") end, T.s32, T.s32, "int")
  raises(function() typed("tl_call_s32", "double", "callback", "int")(cb, 1) end, "no struct today")
  local bad = alien.callback(function() return 42 end, T.s16d, T.s16d, "int")
  raises(function() typed("tl_call_s16d", "double", "callback", "int")(bad, 1) end, "got number")
  local none = alien.callback(function() end, T.s16d, T.s16d, "int")
  eq(typed("tl_call_s16d", "double", "callback", "int")(none, 1), 0, "nothing returned: a zero struct, as for scalars")
end)

test("by-value results and arguments under churn stay flat", function()
  local make = typed("tl_s100_make", T.s100, "int")
  local twice = typed("tl_s24n_twice", T.s24n, T.s24n)
  local sum = typed("tl_s16m_sum", "double", T.s16m)
  local from = typed("tl_s32_from", T.s32, "double", T.s16d, "double")
  local s16d = T.s16d:new()
  memory_stays_flat(function(i)
    local r = make(i % 100)
    assert(r.v[25] == i % 100 + 25)
    local t = twice { p = { { a = 1, b = 2 }, { a = 3, b = i } }, d = 0.5 }
    assert(t.p[2].b == 2 * i)
    assert(sum { a = i, b = 1 } == i + 2)
    s16d.a = i
    assert(from(0, s16d, 1).b == i)
  end)
end)

test("by-value callbacks under churn stay flat", function()
  local call = typed("tl_call_s24", "double", "callback", "int")
  local st = T.s24
  local cb = alien.callback(function(s) return { a = s.a * 2, b = s.b * 2, c = s.c * 2 } end, st, st, "int")
  local want = {}
  for seed = 0, 9 do want[seed] = 2 * S("s24", seed) end
  memory_stays_flat(function(i)
    local seed = i % 10
    assert(call(cb, seed) == want[seed])
  end)
end)
