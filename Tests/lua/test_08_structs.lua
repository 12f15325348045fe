-- SPEC section 8: declarative structs (alien.defstruct)
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

local padded = alien.defstruct { { "a", "short" }, { "b", "long" }, { "c", "short" }, { "d", "long" } }

test("a struct type has size, offsets, types and names", function()
  eq(padded.size, 32)
  eq(padded.offsets.a, 0); eq(padded.offsets.b, 8); eq(padded.offsets.c, 16); eq(padded.offsets.d, 24)
  eq(padded.types.a, "short"); eq(padded.types.d, "long")
  eq(table.concat(padded.names, ","), "a,b,c,d")
end)

test("layouts match offsetof and sizeof of real C structs", function()
  local size, offset = typed("tl_padded_size", "size_t"), typed("tl_padded_offset", "size_t", "int")
  eq(padded.size, size())
  for i, name in ipairs(padded.names) do eq(padded.offsets[name], offset(i), name) end
  local mixed = alien.defstruct { { "c", "char" }, { "d", "double" }, { "i", "int" }, { "f", "float" },
                                  { "u", "char" }, { "ll", "longlong" }, { "p", "pointer" } }
  local msize, moffset = typed("tl_mixed_size", "size_t"), typed("tl_mixed_offset", "size_t", "int")
  eq(mixed.size, msize())
  for i, name in ipairs(mixed.names) do eq(mixed.offsets[name], moffset(i), name) end
end)

test("every type of section 3 can be a field", function()
  local fields = {}
  for _, t in ipairs { "byte", "char", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
                       "ulonglong", "ptrdiff_t", "size_t", "float", "double", "string", "pointer", "callback" } do
    fields[#fields + 1] = { "f_" .. t, t }
  end
  local st = alien.defstruct(fields)
  for _, f in ipairs(fields) do
    local off = st.offsets[f[1]]
    eq(off % alien.align(f[2]), 0, f[2] .. " aligned")
  end
  local s = st:new()
  s.f_byte = -3; s.f_ushort = 65535; s.f_double = 0.125; s.f_float = 1.5; s.f_ulong = 2^40
  eq(s.f_byte, -3); eq(s.f_ushort, 65535); eq(s.f_double, 0.125); eq(s.f_float, 1.5); eq(s.f_ulong, 2^40)
  local keep = "a string field"
  s.f_string = keep
  eq(s.f_string, keep)
  local buf = alien.buffer(4)
  s.f_pointer = buf
  eq(s.f_pointer, buf:topointer())
  local cb = alien.callback(function(x) return x * 2 end, "int", "int")
  s.f_callback = cb
  eq(s.f_callback, cb)
end)

test("instances read and write fields; inst() is the buffer", function()
  local s = padded:new()
  s.a = 1; s.b = -2; s.c = 3; s.d = 4
  eq(s.a + s.b + s.c + s.d, 6)
  local buf = s()
  eq(#buf, 32)
  eq(buf:get(padded.offsets.b + 1, "long"), -2)
  eq(typed("tl_padded_sum", "long", "pointer")(buf), 6)
  eq(typed("tl_padded_sum", "long", "pointer")(s), 6, "an instance passes as a pointer too")
end)

test("C fills a struct", function()
  local s = padded:new()
  typed("tl_padded_fill", "void", "pointer")(s())
  eq(s.a, 1); eq(s.b, -2); eq(s.c, 3); eq(s.d, 40000000000)
end)

test("new over a buffer or a pointer", function()
  local buf = alien.buffer(padded.size)
  local s = padded:new(buf)
  s.c = 99
  eq(buf:get(17, "short"), 99)
  eq(s(), buf)
  local view = padded:new(typed("tl_padded_static", "pointer")())
  eq(view.a, 7); eq(view.d, 10)
  raises(function() padded:new(alien.buffer(8)) end, "smaller than the struct")
  raises(function() padded:new({}) end, "bad argument #1 to 'new'")
end)

test("gettimeofday into a timeval", function()
  local timeval = alien.defstruct { { "tv_sec", "long" }, { "tv_usec", "long" } }
  local tv = timeval:new()
  local gettimeofday = alien.default.gettimeofday
  gettimeofday:types("int", "pointer", "pointer")
  eq(gettimeofday(tv(), nil), 0)
  assert(tv.tv_sec > 1600000000, "seconds since the epoch")
  assert(tv.tv_usec >= 0 and tv.tv_usec < 1000000, "microseconds")
end)

test("byval: the original's word-splitting convention", function()
  local small = alien.defstruct { { "x", "int" }, { "y", "int" }, { "z", "short" } }
  eq(small.size, 12)
  eq(table.concat({ small:byval() }, " "), "int int int")
  local odd = alien.defstruct { { "a", "char" }, { "b", "char" }, { "c", "char" } }
  eq(table.concat({ odd:byval() }, " "), "short char")
  local s = small:new()
  s.x = 1; s.y = 2; s.z = 3
  local x, y, z = alien.byval(s())
  eq(x, 1); eq(y, 2); eq(z, 3)
  eq(select("#", alien.byval(s)), 3, "an instance works too")
end)

test("field access allocates nothing but the value", function()
  local s = padded:new()
  collectgarbage(); collectgarbage("stop")
  local before = collectgarbage("count")
  for i = 1, 100000 do s.b = i; local _ = s.b + s.a end
  local grown = collectgarbage("count") - before
  collectgarbage("restart")
  -- 300,000 accesses: even 16 bytes each would be megabytes (LuaJIT's traces take a little)
  assert(grown < 64, ("field access allocated %.1f KiB"):format(grown))
end)

test("misuse is a Lua error", function()
  local s = padded:new()
  raises(function() return s.nope end, "unknown field 'nope'")
  raises(function() s.nope = 1 end, "unknown field 'nope'")
  raises(function() s.a = {} end, "got table")
  raises(function() alien.defstruct {} end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct(42) end, "bad argument #1 to 'defstruct'")
  raises(function() alien.defstruct { { "a", "nonsense" } } end, "unknown type 'nonsense'")
  raises(function() alien.defstruct { { "a" } } end, "field #1 needs a type name")
  raises(function() alien.defstruct { { 1, "int" } } end, "field #1 needs a name")
  raises(function() alien.defstruct { "a", "int" } end, "field #1 must be {name, type}")
  raises(function() alien.defstruct { { "a", "int" }, { "a", "long" } } end, "defined twice")
  raises(function() alien.defstruct { { "a", "void" } } end, "unknown type 'void'")
  raises(function() alien.byval(42) end, "bad argument #1")
end)
