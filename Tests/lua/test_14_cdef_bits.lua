-- SPEC section 14: bit-fields declared with alien.cdef are read and written
-- where gcc puts them, with their sign.
local alien = require "alien"
local lib = alien.load(TESTLIB)

alien.cdef [[
  struct tl_bits { unsigned a : 3; int b : 5; unsigned c : 30; unsigned char d; long long e : 40; int f : 1; };
  size_t tl_bits_size(void);
  void tl_bits_fill(struct tl_bits *s);
  int tl_bits_check(const struct tl_bits *s);
]]

test("a struct with bit-fields has C's size", function()
  eq(alien.sizeof("struct tl_bits"), lib.tl_bits_size())
end)

test("bit-fields C wrote read back with their signs", function()
  local s = alien.new("struct tl_bits")
  lib.tl_bits_fill(s)
  eq(s.a, 5); eq(s.b, -7); eq(s.c, 123456789); eq(s.d, 200); eq(s.e, -123456789012); eq(s.f, -1)
end)

test("bit-fields Lua writes are what C reads, neighbours untouched", function()
  local s = alien.new("struct tl_bits")
  lib.tl_bits_fill(s)
  s.a = 6; s.b = 9; s.c = 987654321; s.d = 17; s.e = 549755813882; s.f = 0
  eq(lib.tl_bits_check(s), 1)
  s.a = 15          -- too wide: keeps its low 3 bits, as C does
  eq(s.a, 7); eq(s.b, 9)
  local t = alien.new("struct tl_bits", { a = 1, b = -1, c = 2, d = 3, e = -4, f = -1 })
  eq(t.a, 1); eq(t.b, -1); eq(t.c, 2); eq(t.d, 3); eq(t.e, -4); eq(t.f, -1)
  raises(function() s.b = "x" end, "bad argument")
end)
