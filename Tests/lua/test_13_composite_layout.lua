-- SPEC section 13: composite C types, layouts and instances
-- (nested structs, fixed arrays, unions, packed layouts; views over the same memory)
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

-- The layouts of alientest.c (struct tl_point ... struct tl_l22), in the same order.
-- Defined under pcall so that a missing feature fails each test, not the whole file.
local point, rect, l3, l4, l5, l6, u7, l8, l9, l10, l11, l12, l13, l14, l15, l16, u17, u18, l19, l20, l21, l22
local layouts
local defined, define_error = pcall(function()
  point = alien.defstruct { { "x", "int" }, { "y", "int" } }
  rect = alien.defstruct { { "tl", point }, { "br", point } }
  l3 = alien.defstruct { { "c", "char" }, { "p", point }, { "d", "double" } }
  l4 = alien.defstruct { { "tag", "char" }, { "vals", "int", 3 }, { "s", "short" } }
  l5 = alien.defstruct { { "c", "char" }, { "pts", point, 3 }, { "d", "char" } }
  l6 = alien.defstruct { { "name", "char", 13 }, { "x", "double" }, { "t", "char", 3 } }
  u7 = alien.defunion { { "c", "char" }, { "i", "int" }, { "d", "double" }, { "bytes", "char", 11 } }
  l8 = alien.defstruct({ { "c", "char" }, { "i", "int" }, { "s", "short" }, { "d", "double" },
                         { "ll", "longlong" } }, { pack = 1 })
  l9 = alien.defstruct({ { "c", "char" }, { "i", "int" }, { "c2", "char" }, { "d", "double" },
                         { "f", "float" } }, { pack = 2 })
  l10 = alien.defstruct { { "d", "double" }, { "c", "char" } }
  l11 = alien.defstruct { { "c", "char" }, { "s", "short" }, { "c2", "char" }, { "f", "float" },
                          { "c3", "char" }, { "ll", "longlong" }, { "c4", "char" }, { "p", "pointer" },
                          { "c5", "char" }, { "fl", "float" }, { "dd", "double" } }
  l12 = alien.defstruct { { "a", "char" }, { "u", u7 }, { "b", "char" } }
  l13 = alien.defstruct { { "s", "short" }, { "inner", l10, 2 }, { "c", "char" } }
  l14 = alien.defstruct({ { "c", "char" }, { "p", point }, { "s", "short", 3 } }, { pack = 1 })
  l15 = alien.defstruct({ { "c", "char" }, { "d", "double" }, { "ll", "longlong" }, { "s", "short" } },
                         { pack = 4 })
  l16 = alien.defstruct { { "c", "char" }, { "packed", l8 }, { "d", "char" } }
  u17 = alien.defunion({ { "c", "char", 5 }, { "i", "int" } }, { pack = 1 })
  u18 = alien.defunion { { "p", point }, { "ll", "longlong" }, { "f", "float", 3 } }
  l19 = alien.defstruct { { "c", "char" }, { "us", "ushort" }, { "l", "long" }, { "ul", "ulong" },
                          { "pd", "ptrdiff_t" }, { "sz", "size_t" }, { "b", "byte" }, { "ui", "uint" } }
  l20 = alien.defstruct({ { "c", "char" }, { "d", "double" }, { "i", "int" } }, { pack = 8 })
  l21 = alien.defstruct({ { "c", "char" }, { "x", l10 } }, { pack = 2 })
  l22 = alien.defstruct { { "r", rect, 2 }, { "u", u18 }, { "tail", "char" } }
  layouts = { point, rect, l3, l4, l5, l6, u7, l8, l9, l10, l11, l12, l13, l14, l15, l16, u17, u18,
              l19, l20, l21, l22 }
end)
local test = guarded_test(defined, define_error)

test("every layout equals the C compiler's: sizeof, _Alignof, offsetof field by field", function()
  local count = typed("tl_layout_count", "int")
  local size, align = typed("tl_layout_size", "size_t", "int"), typed("tl_layout_align", "size_t", "int")
  local nfields, offset = typed("tl_layout_fields", "int", "int"), typed("tl_layout_offset", "size_t", "int", "int")
  eq(#layouts, count(), "layouts defined in C")
  for which, T in ipairs(layouts) do
    local what = "layout " .. which
    eq(T.size, size(which), what .. " size")
    eq(T.align, align(which), what .. " align")
    eq(alien.sizeof(T), size(which), what .. " alien.sizeof")
    eq(alien.align(T), align(which), what .. " alien.align")
    eq(#T.names, nfields(which), what .. " field count")
    for i, name in ipairs(T.names) do
      eq(T.offsets[name], offset(which, i), what .. " offset of " .. name)
    end
  end
end)

test("known layouts spelled out (x86-64 and aarch64 System V)", function()
  eq(rect.size, 16); eq(rect.offsets.br, 8); eq(rect.align, 4)
  eq(l3.offsets.p, 4); eq(l3.offsets.d, 16); eq(l3.size, 24)
  eq(l4.offsets.vals, 4); eq(l4.offsets.s, 16); eq(l4.size, 20)
  eq(l6.offsets.x, 16); eq(l6.offsets.t, 24); eq(l6.size, 32, "tail padding to the double's alignment")
  eq(u7.size, 16); eq(u7.align, 8)
  eq(l8.size, 23); eq(l8.align, 1); eq(l8.offsets.d, 7); eq(l8.offsets.ll, 15)
  eq(l9.size, 20); eq(l9.align, 2); eq(l9.offsets.d, 8)
  eq(l10.size, 16)
  eq(l14.size, 15); eq(l14.offsets.s, 9)
  eq(l15.size, 24); eq(l15.align, 4); eq(l15.offsets.ll, 12)
  eq(l16.offsets.d, 24); eq(l16.size, 25); eq(l16.align, 1, "a packed member lowers the alignment")
  eq(u17.size, 5); eq(u17.align, 1)
  eq(l21.size, 18); eq(l21.offsets.x, 2)
end)

test("a type table has size, align, offsets, types, names and new", function()
  eq(table.concat(l5.names, ","), "c,pts,d")
  eq(l5.types.c, "char")
  eq(l5.types.pts, point, "types gives the struct type itself")
  eq(l12.types.u, u7)
  eq(type(l5.new), "function")
  eq(table.concat(u7.names, ","), "c,i,d,bytes")
  for _, name in ipairs(u7.names) do eq(u7.offsets[name], 0, "union member " .. name) end
  eq(type(u7.new), "function")
end)

test("alien.sizeof and alien.align on scalar names still work beside struct types", function()
  eq(alien.sizeof("int"), 4); eq(alien.align("double"), 8)
  eq(alien.sizeof(point), 8); eq(alien.align(point), 4)
  eq(alien.sizeof(l22), 56)
end)

test("pack 8 and pack 4 give the natural layout where nothing is wider", function()
  local natural = alien.defstruct { { "c", "char" }, { "s", "short" }, { "i", "int" } }
  for _, n in ipairs { 1, 2, 4, 8 } do
    local packed = alien.defstruct({ { "c", "char" }, { "s", "short" }, { "i", "int" } }, { pack = n })
    if n >= 4 then
      eq(packed.size, natural.size, "pack " .. n)
      eq(packed.offsets.i, natural.offsets.i, "pack " .. n)
    end
    eq(packed.align, math.min(n, 4), "pack " .. n .. " align")
  end
  eq(alien.defstruct({ { "c", "char" }, { "s", "short" }, { "i", "int" } }, { pack = 1 }).size, 7)
  eq(alien.defstruct({ { "c", "char" }, { "s", "short" }, { "i", "int" } }, { pack = 2 }).size, 8)
end)

test("nested views read and write the parent's memory", function()
  local r = rect:new()
  r.tl.x = 1; r.tl.y = 2; r.br.x = 3; r.br.y = 4
  local buf = r()
  eq(buf:get(1, "int"), 1); eq(buf:get(5, "int"), 2); eq(buf:get(9, "int"), 3); eq(buf:get(13, "int"), 4)
  buf:set(13, 40, "int")
  eq(r.br.y, 40, "a view sees the parent's memory")
  local br = r.br
  br.x = 30
  eq(r.br.x, 30)
  eq(buf:get(9, "int"), 30)
  -- two levels deep, through a union
  local s = l12:new()
  s.u.i = 0x01020304
  eq(s.u.c, 4, "little-endian low byte through the union")
  s.u.d = 1.5
  eq(s.u.d, 1.5)
  s.a = 7; s.b = 9
  eq(s.u.d, 1.5, "neighbours do not overlap")
  eq(s():get(l12.offsets.b + 1, "char"), 9)
end)

test("a view keeps the memory alive after its parent is collected", function()
  local view
  do
    local r = rect:new()
    r.br.x = 123; r.br.y = 456
    view = r.br
  end
  collectgarbage(); collectgarbage()
  for i = 1, 200 do local junk = rect:new(); junk.tl.x = i; junk.br.x = -i end   -- reuse freed memory
  collectgarbage(); collectgarbage()
  eq(view.x, 123); eq(view.y, 456)
  view.x = 5
  eq(view.x, 5)
  -- an array over a field outlives its parent too
  local arr
  do
    local s = l4:new()
    s.vals = { 7, 8, 9 }
    arr = s.vals
  end
  collectgarbage(); collectgarbage()
  for i = 1, 200 do l4:new().tag = i end
  eq(arr[1], 7); eq(arr[3], 9)
  -- and so does a struct element of an array field, and a view of a view
  local elem, deep
  do
    local s = l22:new()
    s.r[2].br.y = 77
    s.r[2].tl.x = 55
    elem = s.r[2]
    deep = s.r[2].br
  end
  collectgarbage(); collectgarbage()
  for i = 1, 200 do l22:new().tail = i end
  collectgarbage(); collectgarbage()
  eq(elem.tl.x, 55); eq(deep.y, 77)
  deep.y = 78
  eq(elem.br.y, 78, "both views share the memory they keep alive")
end)

test("array fields read as alien arrays over the same memory", function()
  local s = l4:new()
  local vals = s.vals
  eq(#vals, 3)
  vals[1] = 10; vals[2] = -20; vals[3] = 30
  local buf = s()
  eq(buf:get(l4.offsets.vals + 1, "int"), 10)
  eq(buf:get(l4.offsets.vals + 5, "int"), -20)
  eq(buf:get(l4.offsets.vals + 9, "int"), 30)
  buf:set(l4.offsets.vals + 5, 99, "int")
  eq(s.vals[2], 99)
  s.vals = { 1, 2, 3 }
  eq(s.vals[1] + s.vals[2] + s.vals[3], 6)
  s.vals = { 4, 5, 6 }
  eq(s.vals[1], 4); eq(s.vals[2], 5)
  s.tag = 255; s.s = -1
  eq(s.tag, 255); eq(s.s, -1); eq(s.vals[3], 6, "neighbours untouched")
  local n = 0
  for i, v in s.vals:ipairs() do n = n + 1; eq(v, s.vals[i]) end
  eq(n, 3)
  raises(function() return s.vals[0] end)
  raises(function() return s.vals[4] end)
  raises(function() s.vals[4] = 1 end)
end)

test("arrays of structs: each element is a view; C sees what Lua wrote", function()
  local s = l5:new()
  eq(#s.pts, 3)
  s.c = 1; s.d = 2
  for i = 1, 3 do s.pts[i].x = i * 100; s.pts[i].y = i end
  eq(typed("tl_l5_sum", "long", "pointer")(s()), 1 + 2 + 1 * (100 + 2) + 2 * (200 + 4) + 3 * (300 + 6))
  local t = l5:new()
  typed("tl_l5_fill", "void", "pointer")(t())
  eq(t.c, 65); eq(t.d, 90)
  for i = 1, 3 do eq(t.pts[i].x, 10 * i); eq(t.pts[i].y, -i) end
  local second = t.pts[2]
  second.y = 77
  eq(t.pts[2].y, 77)
  eq(t():get(l5.offsets.pts + point.size + point.offsets.y + 1, "int"), 77)
end)

test("assigning to a struct element of an array field copies an instance or a table", function()
  local t = l5:new()
  t.pts[3] = { x = 1, y = 2 }
  eq(t.pts[3].x, 1); eq(t.pts[3].y, 2)
  local p = point:new(); p.x = -5; p.y = -6
  t.pts[1] = p
  eq(t.pts[1].x, -5); eq(t.pts[1].y, -6)
  p.x = 0
  eq(t.pts[1].x, -5, "assignment copied")
  -- a struct array field filled from a table of tables
  local u = l5:new()
  u.pts = { { x = 1, y = 2 }, { x = 3, y = 4 }, { x = 5, y = 6 } }
  eq(u.pts[3].y, 6); eq(u.pts[2].x, 3)
end)

test("char array fields take strings: copied, truncated, NUL-terminated", function()
  local s = l6:new()
  s.name = "hello"
  eq(s.name:tostring(), "hello")
  eq(typed("tl_l6_name_len", "size_t", "pointer")(s()), 5)
  s.name = "0123456789abcdefghij"     -- 20 bytes into char[13]: 12 kept and a NUL
  eq(s.name:tostring(), "0123456789ab")
  eq(typed("tl_l6_name_len", "size_t", "pointer")(s()), 12)
  eq(s.name[13], 0)
  s.x = 2.5
  s.name = "abcdefghijklmnopqrstuvwxyz"
  eq(s.x, 2.5, "the truncated copy stays inside the field")
  s.name = ""
  eq(s.name:tostring(), "")
  s.t = "xyz"
  eq(s.t:tostring(), "xy")
  eq(s.t[3], 0)
  s.name = "a\0b"
  eq(s.name:tostring(), "a", "tostring stops at the first NUL")
  s.name[1] = 66
  eq(s.name:tostring(), "B")
end)

test("copying a struct instance into a nested field", function()
  local a = point:new(); a.x = 11; a.y = 22
  local r = rect:new()
  r.br = a
  eq(r.br.x, 11); eq(r.br.y, 22)
  a.x = 0
  eq(r.br.x, 11, "a copy, not a reference")
  r.tl = r.br
  eq(r.tl.x, 11); eq(r.tl.y, 22)
  r.tl = { x = 1, y = 2 }
  eq(r.tl.x, 1); eq(r.tl.y, 2); eq(r.br.x, 11)
  local s = l3:new()
  s.p = { x = -1, y = -2 }
  s.d = 0.25
  eq(s.p.x, -1); eq(s.p.y, -2); eq(s.d, 0.25)
  local other = l3:new()
  other.p = s.p
  eq(other.p.y, -2)
end)

test("a table assigned to a struct field sets the fields it names, nested as tables or instances", function()
  local s = l22:new()
  local p = point:new(); p.x = 7; p.y = 8
  s.r[1] = { tl = { x = 1, y = 2 }, br = p }
  s.r[2] = { tl = p, br = { x = 3, y = 4 } }
  s.u.ll = 1000
  s.tail = 5
  eq(s.r[1].br.y, 8); eq(s.r[2].tl.x, 7)
  eq(typed("tl_l22_sum", "long", "pointer")(s()),
     5 + 1 * (1 + 2 * 2 + 3 * 7 + 4 * 8) + 2 * (7 + 2 * 8 + 3 * 3 + 4 * 4) + 1000)
end)

test("packed instances: C reads and writes unaligned fields", function()
  local s = l8:new()
  s.c = 1; s.i = -2; s.s = 3; s.d = 4.5; s.ll = 5
  eq(typed("tl_l8_sum", "double", "pointer")(s()), 1 - 4 + 9 + 18 + 25)
  local t = l8:new()
  typed("tl_l8_fill", "void", "pointer")(t())
  eq(t.c, 1); eq(t.i, -2); eq(t.s, 3); eq(t.d, 4.5); eq(t.ll, 5000000000)
  local outer = l16:new()
  outer.packed = t
  outer.c = 9; outer.d = 10
  eq(outer.packed.ll, 5000000000); eq(outer.packed.d, 4.5)
  eq(typed("tl_l8_sum", "double", "pointer")(outer():topointer(l16.offsets.packed + 1)), 1 - 4 + 9 + 18 + 25e9)
end)

test("new over an existing buffer; union members share memory", function()
  local buf = alien.buffer(u7.size)
  local u = u7:new(buf)
  u.d = -2.0
  eq(buf:get(8, "char"), 0xC0, "the high byte of -2.0 last")
  u.i = 65
  eq(u.c, 65)
  eq(u.bytes[1], 65)
  eq(u.bytes:tostring(), "A")
  local u2 = u18:new()
  u2.p = { x = 1, y = 2 }
  eq(u2.ll, 1 + 2 * 2^32)
  u2.f = { 1.5, 2.5, 3.5 }
  eq(u2.f[3], 3.5)
  eq(#u2.f, 3)
end)

test("struct types in alien.array and buf:get/buf:set", function()
  local a = alien.array(point, { { x = 1, y = 2 }, { x = 3, y = 4 } })
  eq(a.length, 2); eq(a.size, point.size); eq(#a.buffer, 2 * point.size)
  eq(a[2].x, 3); eq(a[1].y, 2)
  a[1].x = 10
  eq(a.buffer:get(1, "int"), 10, "an element is a view of the array's memory")
  local r = rect:new()
  r.br = { x = 5, y = 6 }
  local buf = alien.buffer(64)
  buf:set(9, r, rect)
  eq(buf:get(9 + 8, "int"), 5)
  eq(buf:get(9 + 12, "int"), 6)
  local back = buf:get(9, rect)
  eq(back.br.x, 5); eq(back.br.y, 6); eq(back.tl.x, 0)
  local arr = alien.array(l10, 3)
  arr[3].d = 2.5; arr[3].c = 7
  eq(arr.buffer:get(2 * l10.size + 1, "double"), 2.5)
end)

test("double and float fields keep the sign of -0.0", function()
  local s = l11:new()
  s.dd = -0.0; s.fl = -0.0
  eq(1 / s.dd, -math.huge, "double field")
  eq(1 / s.fl, -math.huge, "float field")
  eq(s():get(l11.offsets.dd + 8, "char"), 128, "the sign bit in memory")
  local u = u7:new()
  u.d = -0.0
  eq(1 / u.d, -math.huge, "union member")
end)

test("pointer and size-type fields in a nested layout", function()
  local s = l19:new()
  s.c = 1; s.us = 65535; s.l = -3; s.ul = 2^40; s.pd = -4; s.sz = 2^33; s.b = -5; s.ui = 4294967295
  eq(s.us, 65535); eq(s.l, -3); eq(s.ul, 2^40); eq(s.pd, -4); eq(s.sz, 2^33); eq(s.b, -5); eq(s.ui, 4294967295)
  local q = l11:new()
  local b = alien.buffer(4)
  q.p = b
  eq(q.p, b:topointer())
  q.dd = 1e300; q.fl = 0.5
  eq(q.dd, 1e300); eq(q.fl, 0.5)
end)

test("instance views under churn stay flat", function()
  local keep = l22:new()
  memory_stays_flat(function(i)
    local s = l22:new()
    s.r[1].tl.x = i
    s.r[2].br = { x = i, y = -i }
    local v = s.r[2]
    s.u.ll = i
    keep.r[1] = v
    local n = s.r[1].tl.x + keep.r[1].br.x
    assert(n == 2 * i)
    local c = l6:new()
    c.name = "some name that is long"
    assert(c.name:tostring() == "some name th")
  end)
end)
