-- SPEC section 13: misuse of composite types, ref types and variadic calls is a Lua error
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

-- struct tl_s16d { double a, b; } under other field names: only the layout reaches C
local pair, other, point, rect, holder
-- Defined under pcall so that a missing feature fails each test, not the whole file.
local defined, define_error = pcall(function()
  pair = alien.defstruct { { "first", "double" }, { "second", "double" } }
  other = alien.defstruct { { "a", "double" }, { "b", "double" } }
  point = alien.defstruct { { "x", "int" }, { "y", "int" } }
  rect = alien.defstruct { { "tl", point }, { "br", point } }
  holder = alien.defstruct { { "vals", "int", 3 }, { "name", "char", 8 }, { "pts", point, 2 } }
end)
local test = guarded_test(defined, define_error)

test("a by-value table missing a field", function()
  local sum = typed("tl_s16d_sum", "double", pair)
  eq(sum { first = 1, second = 2 }, 5, "the complete table works")
  raises(function() sum { first = 1 } end, "bad argument #1 to 'tl_s16d_sum'", "second")
  raises(function() sum {} end, "bad argument #1 to 'tl_s16d_sum'")
  local box = typed("tl_s16n_sum", "double", alien.defstruct { { "p", point }, { "fx", "float" }, { "fy", "float" } })
  raises(function() box { p = { x = 1 }, fx = 1, fy = 2 } end, "bad argument #1 to 'tl_s16n_sum'", "y")
  raises(function() box { fx = 1, fy = 2 } end, "bad argument #1 to 'tl_s16n_sum'", "p")
end)

test("a by-value table with a wrong-typed field value", function()
  local sum = typed("tl_s16d_sum", "double", pair)
  raises(function() sum { first = 1, second = {} } end, "bad argument #1 to 'tl_s16d_sum'", "got table")
  raises(function() sum { first = "abc", second = 1 } end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum { first = true, second = 1 } end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum { first = print, second = 1 } end, "bad argument #1 to 'tl_s16d_sum'")
  local arr = typed("tl_s100_sum", "double", alien.defstruct { { "v", "int", 25 } })
  raises(function() arr { v = 5 } end, "bad argument #1 to 'tl_s100_sum'")
  local too_many = {}
  for i = 1, 26 do too_many[i] = i end
  raises(function() arr { v = too_many } end, "bad argument #1 to 'tl_s100_sum'")
  local nested = typed("tl_s16n_sum", "double", alien.defstruct { { "p", point }, { "fx", "float" }, { "fy", "float" } })
  raises(function() nested { p = 5, fx = 1, fy = 2 } end, "bad argument #1 to 'tl_s16n_sum'")
  raises(function() nested { p = pair:new(), fx = 1, fy = 2 } end, "bad argument #1 to 'tl_s16n_sum'")
end)

test("a by-value table with an unknown field name", function()
  local sum = typed("tl_s16d_sum", "double", pair)
  raises(function() sum { first = 1, second = 2, third = 3 } end, "bad argument #1 to 'tl_s16d_sum'", "third")
  raises(function() sum { first = 1, second = 2, [1] = 3 } end, "bad argument #1 to 'tl_s16d_sum'")
end)

test("wrong kinds of value for a struct argument", function()
  local sum = typed("tl_s16d_sum", "double", pair)
  raises(function() sum(other:new()) end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum(nil) end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum(5) end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum("xy") end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum(alien.buffer(16)) end, "bad argument #1 to 'tl_s16d_sum'")
  raises(function() sum(print) end, "bad argument #1 to 'tl_s16d_sum'")
  local s32 = alien.defstruct { { "a", "double" }, { "b", "double" }, { "c", "double" }, { "d", "double" } }
  local mixed = typed("tl_s32_from", s32, "double", pair, "double")
  raises(function() mixed(1, other:new(), 2) end, "bad argument #2 to 'tl_s32_from'")
  raises(function() mixed(1, { first = 1, second = 2 }) end, "too few arguments")
end)

test("a struct instance where a scalar is needed", function()
  local int = typed("tl_int", "int", "int")
  raises(function() int(point:new()) end, "bad argument #1 to 'tl_int'")
  local d = typed("tl_double", "double", "double")
  raises(function() d(pair:new()) end, "bad argument #1 to 'tl_double'")
  local s = point:new()
  raises(function() s.x = point:new() end)
  raises(function() s.x = { 1 } end, "got table")
end)

test("array fields: indices out of range, too many values", function()
  local h = holder:new()
  raises(function() return h.vals[0] end)
  raises(function() return h.vals[4] end)
  raises(function() h.vals[0] = 1 end)
  raises(function() h.vals[4] = 1 end)
  raises(function() return h.pts[3] end)
  raises(function() return h.pts[0] end)
  raises(function() return h.name[9] end)
  raises(function() h.vals = { 1, 2, 3, 4 } end)
  raises(function() h.vals = 5 end)
  raises(function() h.pts = { { x = 1, y = 2 }, { x = 3, y = 4 }, { x = 5, y = 6 } } end)
  h.vals = { 7, 8, 9 }
  eq(h.vals[3], 9, "usable after the errors")
end)

test("a string longer than a char array is truncated, not an error", function()
  local h = holder:new()
  h.name = "exactly7"
  eq(h.name:tostring(), "exactly", "8 bytes: 7 kept and a NUL")
  h.name = ("x"):rep(1000)
  eq(h.name:tostring(), "xxxxxxx")
  eq(h.name[8], 0)
  eq(h.pts[1].x, 0, "the next field is untouched")
end)

test("unknown field names: get, set, through views", function()
  local r = rect:new()
  raises(function() return r.nope end, "unknown field 'nope'")
  raises(function() r.nope = 1 end, "unknown field 'nope'")
  raises(function() return r.tl.z end, "unknown field 'z'")
  raises(function() r.br.z = 1 end, "unknown field 'z'")
  raises(function() r.tl = { x = 1, zz = 2 } end, "zz")
  local h = holder:new()
  raises(function() return h.pts[1].w end, "unknown field 'w'")
end)

test("a nested field takes only its own type", function()
  local r = rect:new()
  raises(function() r.tl = pair:new() end)
  raises(function() r.tl = 5 end)
  raises(function() r.tl = "xy" end)
  raises(function() r.tl = alien.buffer(8) end)
  r.tl = point:new()
  eq(r.tl.x, 0)
end)

test("bad field types: not a struct type, recursive, arrays of size 0, negative or fractional", function()
  raises(function() alien.defstruct { { "self", {} } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "x", 42 } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "x", point:new() } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defunion { { "self", {} } } end, "bad argument #1 to 'defunion'")
  local t = { { "a", "int" } }
  t[2] = { "me", t }     -- a struct cannot contain itself
  raises(function() alien.defstruct(t) end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", "int", 0 } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", "int", -1 } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", "int", 1.5 } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", "int", {} } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", point, 0 } } end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defunion { { "a", "char", -5 } } end, "bad argument #1 to 'defunion'")
  raises(function() alien.defunion {} end, "bad argument #1 to 'defunion'")
  raises(function() alien.defstruct { { "a", "ref int" } } end, "bad argument #1 to 'defstruct'", "ref")
  raises(function() alien.defstruct { { "a", "..." } } end, "defstruct", "'...'")
  raises(function() alien.defunion { { "a", "int" }, { "a", "long" } } end, "defined twice")
  raises(function() alien.defunion { { "a", "void" } } end, "defunion", "void")
end)

test("pack values other than 1, 2, 4, 8", function()
  local fields = { { "c", "char" }, { "i", "int" } }
  for _, n in ipairs { 1, 2, 4, 8 } do
    eq(alien.defstruct(fields, { pack = n }).offsets.i, math.min(n, 4), "pack " .. n)
  end
  for _, bad in ipairs { 0, 3, 16, -1, 2.5, "x" } do
    raises(function() alien.defstruct(fields, { pack = bad }) end, "pack")
    raises(function() alien.defunion(fields, { pack = bad }) end, "pack")
  end
end)

test("bad ref types", function()
  local f = lib.tl_ref_int
  raises(function() f:types("void", "ref nonsense") end, "nonsense")
  raises(function() f:types("void", "ref void") end)
  local r = typed("tl_ref_long", "void", "ref long")
  raises(function() r({}) end, "bad argument #1 to 'tl_ref_long'")
  raises(function() r("abc") end, "bad argument #1 to 'tl_ref_long'")
  local p = typed("tl_ref_advance", "void", "ref pointer", "int")
  raises(function() p(42, 1) end, "bad argument #1 to 'tl_ref_advance'")
  raises(function() p({}, 1) end, "bad argument #1 to 'tl_ref_advance'")
end)

test("variadic misuse: bad values, too few arguments, '...' misplaced", function()
  local snprintf = alien.default.snprintf
  snprintf:types("int", "pointer", "size_t", "string", "...")
  local b = alien.buffer(64)
  raises(function() snprintf(b, 64, "%d", {}) end, "bad argument #4 to 'snprintf'")
  raises(function() snprintf(b, 64, "%d", print) end, "bad argument #4 to 'snprintf'")
  raises(function() snprintf(b, 64, "%d", true) end, "bad argument #4 to 'snprintf'")
  raises(function() snprintf(b, 64, "%d %d", 1, false) end, "bad argument #5 to 'snprintf'")
  raises(function() snprintf(b, 64) end, "too few arguments")
  raises(function() snprintf(b) end, "too few arguments")
  eq(snprintf(b, 64, "%d", 5), 1, "still usable")
  local f = lib.tl_va_sum_ints
  raises(function() f:types("int", "...", "int") end, "...")
  raises(function() f:types("int", "int", "...", "...") end, "...")
  raises(function() f:types("...", "int") end, "...")
  raises(function() f:types { ret = "...", "int" } end, "...")
  raises(function() alien.callback(function() end, "int", "int", "...") end, "...")
  raises(function() alien.vararg("nonsense", 1) end, "nonsense")
  raises(function() alien.vararg("void", 1) end, "void", "vararg")
  raises(function() alien.vararg(42, 1) end, "bad argument #1 to 'vararg'")
  raises(function() alien.vararg("int", {}) end, "bad argument #2 to 'vararg'")
  f:types("int", "int", "...")
  eq(f(2, 10, 20), 50)
end)

test("a struct callback returning the wrong thing is an error in Lua", function()
  local s16d = alien.defstruct { { "a", "double" }, { "b", "double" } }
  local call = typed("tl_call_s16d", "double", "callback", "int")
  local missing = alien.callback(function() return { a = 1 } end, s16d, s16d, "int")
  raises(function() call(missing, 1) end)
  local wrong = alien.callback(function() return pair:new() end, s16d, s16d, "int")
  raises(function() call(wrong, 1) end)
  local ok = alien.callback(function(s) return s end, s16d, s16d, "int")
  eq(call(ok, 1), 1 * 2 + 2 * 3, "the interpreter is fine afterwards")
end)

test("the interpreter stays usable after many errors", function()
  local sum = typed("tl_s16d_sum", "double", pair)
  local snprintf = alien.default.snprintf
  snprintf:types("int", "pointer", "size_t", "string", "...")
  local b = alien.buffer(32)
  for i = 1, 1000 do
    pcall(sum, { first = i })
    pcall(sum, { first = i, second = {} })
    pcall(snprintf, b, 32, "%d", {})
    pcall(function() return holder:new().vals[4] end)
  end
  eq(sum { first = 1, second = 1 }, 3)
  eq(snprintf(b, 32, "%d", 12), 2)
end)
