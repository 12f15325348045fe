-- SPEC section 14: alien.cdef, hand-written declarations against the C library
-- (alien.default) and the test library (Tests/lua/testlib/alientest.c, whose
-- tl_cd_* declarations are written out below as C has them). Every layout is
-- compared with what the C compiler made of the same text (tl_cd_layout).
local alien = require "alien"
-- A function is typed from its declaration when it is first looked up, and
-- alien.default's function objects are shared with the rest of the suite,
-- which typed some of them by hand before this file runs (gettimeofday,
-- qsort, snprintf...). So the C library through a library object of its own.
local libc = alien.load("c")
local lib = alien.load(TESTLIB)

local function cdef(source) return alien.cdef(source) end
local function constant(name) return alien.constants[name] end

-- The C compiler's answer (typed by hand: the oracle must not depend on cdef).
local layout_fn
local function C(what)
  if not layout_fn then layout_fn = typed_function(lib, "tl_cd_layout", "long", "string") end
  local v = layout_fn(what)
  assert(v >= 0, "tl_cd_layout does not know " .. what)
  return v
end

local PTR = alien.sizeof("pointer")
local LONG = alien.sizeof("long")

-- The test library's declarations, as alientest.c has them.
local REC_DECLS = [[
typedef enum tl_cd_kind { TL_CD_NONE, TL_CD_INT = 3, TL_CD_DOUBLE, TL_CD_TEXT = 1 << 3 } tl_cd_kind;
typedef struct tl_cd_rec {
    char tag;
    tl_cd_kind kind;
    union { int i; double d; char text[12]; };
    union { unsigned short u16[2]; unsigned int u32; } word;
    short vals[5];
    struct { unsigned char r, g, b; } color;
    long long big;
    const char *name;
    struct tl_cd_rec *next;
} tl_cd_rec;
double tl_cd_rec_sum(const tl_cd_rec *r);
void tl_cd_rec_fill(tl_cd_rec *r, int k);
tl_cd_rec tl_cd_rec_make(int k);
const char *tl_cd_rec_name(const tl_cd_rec *r);
struct tl_cd_color { unsigned char r, g, b; };
int tl_cd_color_sum(struct tl_cd_color c);
int tl_cd_kind_code(tl_cd_kind k);
tl_cd_kind tl_cd_kind_next(tl_cd_kind k);
]]

local PACK_DECLS = [[
struct tl_cd_packed { char c; int i; short s; double d; } __attribute__((packed));
struct __attribute__((packed)) tl_cd_packed_b { char c; long long x; };
typedef struct { char c; short s; } __attribute__((__packed__)) tl_cd_pk3;
struct tl_cd_al16 { char c; } __attribute__((aligned(16)));
struct tl_cd_hold { char c; struct tl_cd_packed p; struct tl_cd_al16 a; };
int tl_cd_packed_sum(const struct tl_cd_packed *p);
]]

local FN_DECLS = [[
typedef int tl_cd_unary(int);
int tl_cd_apply(int (*f)(int), int x);
int tl_cd_apply_alias(tl_cd_unary *f, int x) __asm__("tl_cd_apply");
struct tl_cd_ops { int (*add)(int, int); void *ctx; int bias; };
int tl_cd_ops_call(const struct tl_cd_ops *ops, int a, int b);
int tl_cd_sum_ints(const int vals[], int n);
int tl_cd_qual(const volatile int *restrict p, int const n);
double tl_cd_fixed(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g, int64_t h);
double tl_va_mixed(const char *fmt, ...);
]]

local LIBC_DECLS = [[
struct timeval { long tv_sec; long tv_usec; };
int gettimeofday(struct timeval *tv, void *tz);
typedef int (*cmp_t)(const void *, const void *);
void qsort(void *base, size_t nmemb, size_t size, cmp_t compar);
size_t strlen(const char *s);
int snprintf(char *str, size_t size, const char *format, ...);
char *strchr(const char *s, int c);
]]

test("alien.cdef reads declarations and returns nothing", function()
  eq(select("#", cdef("")), 0, "values returned for an empty source")
  eq(select("#", cdef(LIBC_DECLS)), 0, "values returned")
  eq(select("#", cdef("\n  \t\n")), 0, "values returned for white space")
end)

test("gettimeofday fills a struct timeval declared by cdef", function()
  cdef(LIBC_DECLS)
  eq(alien.sizeof("struct timeval"), 2 * LONG)
  eq(alien.align("struct timeval"), LONG)
  eq(alien.offsetof("struct timeval", "tv_usec"), LONG)
  local tv = alien.new("struct timeval")
  eq(libc.gettimeofday(tv, nil), 0, "gettimeofday with no types call")
  assert(math.abs(tv.tv_sec - os.time()) < 10, "seconds since the epoch: " .. tostring(tv.tv_sec))
  assert(tv.tv_usec >= 0 and tv.tv_usec < 1000000, "microseconds: " .. tostring(tv.tv_usec))
  -- the instance's buffer is a pointer too
  local tv2 = alien.new("struct timeval")
  eq(libc.gettimeofday(tv2(), nil), 0)
  assert(tv2.tv_sec >= tv.tv_sec, "time goes on")
end)

test("C type names in types, defstruct fields and buffers", function()
  cdef(LIBC_DECLS)
  local g = libc.gettimeofday
  g:types("int", "struct timeval *", "void *")
  local tv = alien.new("struct timeval")
  eq(g(tv(), nil), 0)
  assert(tv.tv_sec > 1600000000, "seconds")
  -- a struct field of a cdef'd type
  local S = alien.defstruct { { "tag", "int" }, { "t", "struct timeval" }, { "ts", "struct timeval", 2 } }
  eq(S.size, LONG + 3 * 2 * LONG)
  eq(S.offsets.t, LONG)
  eq(S.offsets.ts, 3 * LONG)
  local s = S:new()
  eq(libc.gettimeofday(s.t, nil), 0, "a nested view as the pointer")
  assert(s.t.tv_sec > 1600000000, "the view was filled")
  eq(s.tag, 0, "nothing written before the view")
  -- buffers, arrays and type queries
  local b = alien.buffer(16)
  b:set(1, -2, "int32_t")
  eq(b:get(1, "int32_t"), -2)
  eq(b:get(1, "uint32_t"), 4294967294)
  b:set(5, 65535, "uint16_t")
  eq(b:get(5, "int16_t"), -1)
  b:set(9, 1000, "int64_t")
  eq(b:get(9, "uint64_t"), 1000)
  local a = alien.array("uint8_t", 16)
  eq(a.size, 1); eq(a.length, 16)
  a[1] = 200
  eq(a[1], 200, "uint8_t is unsigned")
  local sa = alien.array("int8_t", { -5, 100 })
  eq(sa[1], -5, "int8_t is signed")
  local tvs = alien.array("struct timeval", 3)
  eq(tvs.size, 2 * LONG)
  eq(libc.gettimeofday(tvs[2], nil), 0, "an element of an array of structs")
  assert(tvs[2].tv_sec > 1600000000, "the element was filled")
  eq(tvs[1].tv_sec, 0)
end)

test("the built-in typedefs have their C sizes", function()
  local sizes = {
    int8_t = 1, uint8_t = 1, int16_t = 2, uint16_t = 2, int32_t = 4, uint32_t = 4, int64_t = 8, uint64_t = 8,
    size_t = PTR, ssize_t = PTR, ptrdiff_t = PTR, intptr_t = PTR, uintptr_t = PTR,
    bool = 1, _Bool = 1, wchar_t = 4,
  }
  for name, size in pairs(sizes) do
    eq(alien.sizeof(name), size, "sizeof " .. name)
    eq(alien.align(name), size, "align " .. name)
  end
  eq(alien.align("uint64_t"), 8)
  -- va_list and __builtin_va_list are names; a parameter of either is accepted
  cdef("int vsnprintf(char *s, size_t n, const char *format, va_list ap);")
  cdef("typedef __builtin_va_list tl_cd_va_t;")
  assert(alien.sizeof("va_list") > 0, "va_list has a size")
end)

test("C spellings of the basic types", function()
  local sizes = {
    ["unsigned int"] = 4, ["signed char"] = 1, ["unsigned char"] = 1, ["short int"] = 2,
    ["unsigned short"] = 2, ["long int"] = LONG, ["unsigned long"] = LONG, ["long long"] = 8,
    ["unsigned long long"] = 8, ["long long int"] = 8, ["unsigned"] = 4, ["signed"] = 4,
    ["const int"] = 4, ["int *"] = PTR, ["const char *"] = PTR, ["void *"] = PTR,
    ["struct timeval *"] = PTR, ["char **"] = PTR, ["int (*)(int)"] = PTR,
  }
  cdef(LIBC_DECLS)
  for name, size in pairs(sizes) do eq(alien.sizeof(name), size, "sizeof " .. name) end
  local b = alien.buffer(8)
  b:set(1, 4000000000, "unsigned int")
  eq(b:get(1, "unsigned int"), 4000000000)
  eq(b:get(1, "int"), 4000000000 - 2^32)
end)

test("qsort with a function-pointer typedef and a Lua comparator", function()
  cdef(LIBC_DECLS)
  eq(alien.sizeof("cmp_t"), PTR)
  local calls = 0
  local ascending = alien.callback(function(a, b)
    calls = calls + 1
    local x, y = alien.buffer(a):get(1, "int"), alien.buffer(b):get(1, "int")
    return x < y and -1 or (x > y and 1 or 0)
  end, "int", "pointer", "pointer")
  local values = { 4, 5, 3, 2, 6, 1, -7, 100, 0, 42 }
  local nums = alien.array("int", values)
  libc.qsort(nums.buffer, nums.length, nums.size, ascending)
  assert(calls > 0, "the comparator ran")
  local sorted = {}
  for i = 1, #values do sorted[i] = values[i] end
  table.sort(sorted)
  for i = 1, #values do eq(nums[i], sorted[i], "element " .. i) end
  -- the comparator's argument types spelled in C
  local descending = alien.callback(function(a, b)
    return alien.toint(b) - alien.toint(a)
  end, "int", "const void *", "const void *")
  libc.qsort(nums.buffer, nums.length, nums.size, descending)
  for i = 1, #values do eq(nums[i], sorted[#values + 1 - i], "descending " .. i) end
end)

test("strlen, strchr and variadic snprintf declared by cdef", function()
  cdef(LIBC_DECLS)
  eq(libc.strlen("hello"), 5)
  eq(libc.strlen(""), 0)
  eq(libc.strlen(("x"):rep(1000)), 1000)
  eq(libc.strchr("hello", ("l"):byte()), "llo", "a char * result is a string")
  eq(libc.strchr("hello", ("z"):byte()), nil, "NULL is nil")
  local out = alien.buffer(64)
  eq(libc.snprintf(out, 64, "%d-%s-%.2f", 42, "xy", 1.5), 10)
  eq(out:tostring(), "42-xy-1.50")
  eq(libc.snprintf(out, 64, "%lld|%c|%s", 1099511627776, 65, "end"), 19)
  eq(out:tostring(), "1099511627776|A|end")
  eq(libc.snprintf(out, 4, "%s", "truncated"), 9)
  eq(out:tostring(), "tru")
  eq(libc.snprintf(nil, 0, "%d", 12345), 5, "NULL for char *")
end)

test("a typedef'd struct with anonymous and tagless unions and arrays has C's layout", function()
  cdef(REC_DECLS)
  eq(alien.sizeof("tl_cd_rec"), C("sizeof rec"))
  eq(alien.sizeof("struct tl_cd_rec"), C("sizeof rec"))
  eq(alien.align("tl_cd_rec"), C("alignof rec"))
  eq(alien.sizeof("tl_cd_kind"), C("sizeof kind"))
  eq(alien.sizeof("enum tl_cd_kind"), C("sizeof kind"))
  eq(alien.sizeof("struct tl_cd_color"), C("sizeof color"))
  for _, f in ipairs { "tag", "kind", "word", "vals", "color", "big", "name", "next" } do
    eq(alien.offsetof("tl_cd_rec", f), C("offsetof rec." .. f), "offsetof " .. f)
  end
  local T = alien.typeof("tl_cd_rec")
  eq(T.size, C("sizeof rec"))
  eq(T, alien.typeof("struct tl_cd_rec"), "the typedef and the tag are one type")
  eq(T.offsets.word, C("offsetof rec.word"))
end)

test("an anonymous union's members are the struct's own", function()
  cdef(REC_DECLS)
  for _, f in ipairs { "i", "d", "text" } do
    eq(alien.offsetof("tl_cd_rec", f), C("offsetof rec." .. f), "offsetof " .. f)
  end
  local r = alien.new("tl_cd_rec")
  r.d = 2.5
  eq(r.d, 2.5)
  r.i = 7
  eq(r.i, 7)
  r.text = "abc"
  eq(r.text:tostring(), "abc")
  eq(r.i % 256, ("a"):byte(), "i and text share their first byte")
end)

test("C fills a cdef struct through a pointer", function()
  cdef(REC_DECLS)
  local r = alien.new("tl_cd_rec")
  lib.tl_cd_rec_fill(r, 3)
  eq(r.tag, ("R"):byte())
  eq(r.kind, 4)
  eq(r.kind, constant("TL_CD_DOUBLE"))
  eq(r.d, 3.25)
  eq(r.word.u32, 0x00020001)
  eq(r.word.u16[1] + r.word.u16[2], 3)
  eq(#r.vals, 5)
  for i = 1, 5 do eq(r.vals[i], 3 * i, "vals[" .. i .. "]") end
  eq(r.color.r, 10); eq(r.color.g, 20); eq(r.color.b, 250)
  eq(r.big, 3 * 2^40)
  eq(r.next, r():topointer(), "next points at the struct itself")
  eq(lib.tl_cd_rec_name(r), "filled", "a const char * result")
  eq(lib.tl_cd_rec_name(nil), nil, "NULL in and out")
end)

test("C reads a cdef struct Lua filled", function()
  cdef(REC_DECLS)
  local r = alien.new("struct tl_cd_rec")
  r.tag = 5
  r.kind = constant("TL_CD_INT")
  r.i = 7
  r.word.u32 = 9
  r.vals = { 1, 2, 3, 4, 5 }
  r.color = { r = 1, g = 2, b = 3 }
  r.big = 4
  r.name = "abcd"
  r.next = r()
  local expected = 5 + 10 * 3 + 100 * 7 + 1000 * 9 + 10000 * (1 + 4 + 9 + 16 + 25)
                   + 1e6 * 1 + 2e6 * 2 + 3e6 * 3 + 1e9 * 4 + 7e8 * 4 + 0.5
  eq(lib.tl_cd_rec_sum(r), expected)
  eq(lib.tl_cd_rec_name(r), "abcd")
  r.kind = constant("TL_CD_TEXT")
  r.text = "hello"
  r.next = nil
  eq(lib.tl_cd_rec_sum(r), expected - 0.5 - 700 + 500 + 50)
end)

test("cdef structs and enums by value, in and out", function()
  cdef(REC_DECLS)
  local m = lib.tl_cd_rec_make(5)
  eq(m.tag, ("R"):byte())
  eq(m.d, 5.25)
  eq(m.vals[5], 25)
  eq(m.color.b, 250)
  eq(m.big, 5 * 2^40)
  eq(m.next, nil)
  eq(lib.tl_cd_rec_name(m), "filled", "the returned instance as a pointer")
  eq(lib.tl_cd_color_sum { r = 1, g = 2, b = 3 }, 14)
  eq(lib.tl_cd_color_sum(alien.new("struct tl_cd_color", { r = 10, g = 20, b = 30 })), 140)
  eq(lib.tl_cd_kind_code(constant("TL_CD_TEXT")), 80)
  eq(lib.tl_cd_kind_code(0), 0)
  eq(lib.tl_cd_kind_next(3), 4)
  eq(lib.tl_cd_kind_next(4), 8)
end)

test("enum constants with explicit values and constant expressions", function()
  cdef(LIBC_DECLS)
  cdef [[
    enum tl_cd_colors { TL_RED, TL_GREEN = 5, TL_BLUE };
    enum tl_cd_flags {
      TL_F_A = 1 << 0, TL_F_B = 1 << 3, TL_F_AB = TL_F_A | TL_F_B,
      TL_F_SIZE = sizeof(int) * 2, TL_F_PSIZE = sizeof(void *), TL_F_TSIZE = sizeof(struct timeval),
      TL_F_CAST = (int)7 + (unsigned char)1,
      TL_F_NEG = -4, TL_F_AFTER, TL_F_EXPR = (TL_F_B + 2) * 3 - TL_F_A, TL_F_SHIFT = TL_F_EXPR >> 1,
      TL_F_NOT = ~0, TL_F_MOD = 17 % 5, TL_F_XOR = 6 ^ 3, TL_F_AND = 0xff & 0x0f, TL_F_DIV = 100 / 7,
      TL_F_HEX = 0x1F, TL_F_OCT = 010, TL_F_GREEN = TL_GREEN + 1,
    };
  ]]
  eq(constant("TL_RED"), 0); eq(constant("TL_GREEN"), 5); eq(constant("TL_BLUE"), 6)
  local want = {
    TL_F_A = 1, TL_F_B = 8, TL_F_AB = 9, TL_F_SIZE = 8, TL_F_PSIZE = PTR, TL_F_TSIZE = 2 * LONG,
    TL_F_CAST = 8, TL_F_NEG = -4, TL_F_AFTER = -3, TL_F_EXPR = 29, TL_F_SHIFT = 14, TL_F_NOT = -1,
    TL_F_MOD = 2, TL_F_XOR = 5, TL_F_AND = 15, TL_F_DIV = 14, TL_F_HEX = 31, TL_F_OCT = 8, TL_F_GREEN = 6,
  }
  for name, value in pairs(want) do eq(constant(name), value, name) end
  eq(constant("TL_CD_NO_SUCH_CONSTANT"), nil)
  eq(alien.sizeof("enum tl_cd_flags"), 4)
  -- enum constants size arrays
  cdef("struct tl_cd_enum_arr { char a[TL_BLUE]; enum tl_cd_colors c; int b[TL_F_B >> 2]; };")
  eq(alien.sizeof("struct tl_cd_enum_arr"), 8 + 4 + 8)
  eq(alien.offsetof("struct tl_cd_enum_arr", "b"), 12)
end)

test("more constant expressions: suffixes, characters, conditions, comparisons", function()
  cdef(REC_DECLS)
  cdef [[
    enum tl_cd_more {
      TL_M_U = 1U << 4, TL_M_UL = 0x10UL, TL_M_LL = 3LL, TL_M_CHAR = 'A', TL_M_ESC = '\n',
      TL_M_COND = 2 > 1 ? 10 : 20, TL_M_NOT = !0, TL_M_AND = 1 && 0, TL_M_OR = 0 || 3,
      TL_M_EQ = (3 == 3) + (2 != 2), TL_M_LE = (1 <= 2) + (2 >= 3) + (1 < 0),
      TL_M_LLSIZE = sizeof(long long), TL_M_LONGCAST = (long)-1, TL_M_NESTED = ((((1 + 2)))) * ((3)),
      TL_M_SIZEOFC = sizeof(struct tl_cd_color), TL_M_MINUS = - - 5, TL_M_PLUS = +3,
    };
  ]]
  local want = {
    TL_M_U = 16, TL_M_UL = 16, TL_M_LL = 3, TL_M_CHAR = 65, TL_M_ESC = 10, TL_M_COND = 10, TL_M_NOT = 1,
    TL_M_AND = 0, TL_M_OR = 1, TL_M_EQ = 1, TL_M_LE = 1, TL_M_LLSIZE = 8, TL_M_LONGCAST = -1, TL_M_NESTED = 9,
    TL_M_SIZEOFC = 3, TL_M_MINUS = 5, TL_M_PLUS = 3,
  }
  for name, value in pairs(want) do eq(constant(name), value, name) end
end)

test("packed and aligned attributes give C's layout", function()
  cdef(PACK_DECLS)
  eq(alien.sizeof("struct tl_cd_packed"), C("sizeof packed"))
  eq(alien.align("struct tl_cd_packed"), C("alignof packed"))
  eq(alien.offsetof("struct tl_cd_packed", "i"), C("offsetof packed.i"))
  eq(alien.offsetof("struct tl_cd_packed", "s"), C("offsetof packed.s"))
  eq(alien.offsetof("struct tl_cd_packed", "d"), C("offsetof packed.d"))
  eq(alien.sizeof("struct tl_cd_packed_b"), C("sizeof packed_b"))
  eq(alien.offsetof("struct tl_cd_packed_b", "x"), C("offsetof packed_b.x"))
  eq(alien.sizeof("tl_cd_pk3"), C("sizeof pk3"))
  eq(alien.align("tl_cd_pk3"), C("alignof pk3"))
  eq(alien.sizeof("struct tl_cd_al16"), C("sizeof al16"))
  eq(alien.align("struct tl_cd_al16"), C("alignof al16"))
  eq(alien.sizeof("struct tl_cd_hold"), C("sizeof hold"))
  eq(alien.align("struct tl_cd_hold"), C("alignof hold"))
  eq(alien.offsetof("struct tl_cd_hold", "p"), C("offsetof hold.p"))
  eq(alien.offsetof("struct tl_cd_hold", "a"), C("offsetof hold.a"))
  local p = alien.new("struct tl_cd_packed", { c = 1, i = 1000, s = 20, d = 300.75 })
  eq(p.i, 1000); eq(p.d, 300.75)
  eq(lib.tl_cd_packed_sum(p), 1321)
  local h = alien.new("struct tl_cd_hold")
  h.p.i = 5; h.p.d = 2
  eq(lib.tl_cd_packed_sum(h.p), 7, "a packed struct nested at an odd offset")
end)

test("an aligned attribute on a field gives C's layout", function()
  cdef("struct tl_cd_falign { char c; int i __attribute__((aligned(8))); };")
  eq(alien.sizeof("struct tl_cd_falign"), C("sizeof falign"))
  eq(alien.align("struct tl_cd_falign"), C("alignof falign"))
  eq(alien.offsetof("struct tl_cd_falign", "i"), C("offsetof falign.i"))
end)

test("function pointers: parameters, typedefs of function types, asm labels", function()
  cdef(FN_DECLS)
  local plus_one = alien.callback(function(x) return x + 1 end, "int", "int")
  eq(lib.tl_cd_apply(plus_one, 20), 42)
  eq(lib.tl_cd_apply(nil, 20), -1, "nil is NULL")
  eq(lib.tl_cd_apply_alias(plus_one, 1), 4, "the __asm__ label is the symbol")
  local square = alien.callback(function(x) return x * x end, "int", "int")
  eq(lib.tl_cd_apply_alias(square, 5), 50)
end)

test("a struct with a function-pointer field", function()
  cdef(FN_DECLS)
  eq(alien.sizeof("struct tl_cd_ops"), C("sizeof ops"))
  eq(alien.offsetof("struct tl_cd_ops", "bias"), C("offsetof ops.bias"))
  local mul = alien.callback(function(a, b) return a * b end, "int", "int", "int")
  local ops = alien.new("struct tl_cd_ops")
  ops.add = mul
  ops.bias = 5
  eq(lib.tl_cd_ops_call(ops, 6, 7), 47)
end)

test("arrays in parameters, qualifiers and fixed-width integers", function()
  cdef(FN_DECLS)
  local a = alien.array("int", { 1, 2, 3, 4, 5 })
  eq(lib.tl_cd_sum_ints(a.buffer, 5), 15)
  eq(lib.tl_cd_sum_ints(a.buffer, 2), 3)
  local v = alien.buffer(alien.sizeof("int"))
  v:set(1, 40, "int")
  eq(lib.tl_cd_qual(v, 2), 42)
  local want = 200 + 2 * -100 + 3 * 60000 + 4 * -30000 + 5 * 4000000000 + 6 * -2000000000
               + 7 * 2^40 + 8 * -2^40
  eq(lib.tl_cd_fixed(200, -100, 60000, -30000, 4000000000, -2000000000, 2^40, -2^40), want)
  eq(lib.tl_va_mixed("ids", 4, 0.5, "ab"), 4 + 1 + 6, "a variadic test-library function")
end)

test("alien.new, alien.offsetof and alien.typeof", function()
  cdef [[
    struct tl_cd_point { int x, y; };
    typedef struct tl_cd_point tl_cd_point_t;
    union tl_cd_num { int i; float f; double d; unsigned char bytes[8]; };
  ]]
  local T = alien.typeof("struct tl_cd_point")
  eq(type(T), "table")
  eq(T, alien.typeof("tl_cd_point_t"))
  eq(T.size, 8); eq(T.offsets.y, 4)
  eq(alien.typeof("struct tl_cd_point").size, alien.sizeof("struct tl_cd_point"))
  eq(T, alien.defstruct { { "x", "int" }, { "y", "int" } }, "the same table as defstruct gives")
  eq(alien.typeof(T), T, "a struct type is its own type")
  local p = alien.new("struct tl_cd_point", { x = 3, y = 4 })
  eq(p.x, 3); eq(p.y, 4)
  local q = alien.new(T, p)
  eq(q.x, 3); eq(q.y, 4)
  q.y = 9
  eq(p.y, 4, "new copies its init instance")
  local z = alien.new("tl_cd_point_t")
  eq(z.x, 0); eq(z.y, 0)
  local w = T:new()
  w.x = 1
  eq(alien.offsetof("struct tl_cd_point", "y"), 4)
  eq(alien.offsetof(T, "x"), 0)
  eq(alien.offsetof("tl_cd_point_t", "y"), 4)
  raises(function() alien.offsetof(T, "z") end, "z")
  local U = alien.typeof("union tl_cd_num")
  eq(U.size, 8)
  eq(alien.sizeof("union tl_cd_num"), 8)
  eq(alien.offsetof("union tl_cd_num", "d"), 0)
  local u = alien.new("union tl_cd_num")
  u.f = 1.0
  eq(u.bytes[4], 0x3f)
  eq(u.bytes[3], 0x80)
end)

test("nested, forward and self-referential declarations", function()
  cdef [[
    struct tl_cd_fwd;
    typedef struct tl_cd_fwd tl_cd_fwd_t;
    struct tl_cd_node { int value; struct tl_cd_node *next; tl_cd_fwd_t *opaque; };
    struct tl_cd_outer { struct tl_cd_inner { short a; char b; } in; int after; struct { int x; } anon; };
    typedef int tl_cd_int_t, *tl_cd_intp_t, tl_cd_vec3[3];
    struct tl_cd_grid { tl_cd_vec3 v; int m[2][3]; char name[4 * sizeof(int)]; };
  ]]
  eq(alien.sizeof("struct tl_cd_node"), 3 * PTR)
  raises(function() alien.sizeof("struct tl_cd_fwd") end)
  eq(alien.sizeof("struct tl_cd_inner"), 4)
  eq(alien.sizeof("struct tl_cd_outer"), 12)
  eq(alien.offsetof("struct tl_cd_outer", "after"), 4)
  eq(alien.offsetof("struct tl_cd_outer", "anon"), 8)
  eq(alien.sizeof("tl_cd_int_t"), 4)
  eq(alien.sizeof("tl_cd_intp_t"), PTR)
  eq(alien.sizeof("struct tl_cd_grid"), 12 + 24 + 16)
  eq(alien.offsetof("struct tl_cd_grid", "name"), 36)
  cdef("struct tl_cd_fwd { int a, b; };")
  eq(alien.sizeof("tl_cd_fwd_t"), 8, "completed later")
  local n = alien.new("struct tl_cd_node")
  n.value = 3
  n.next = n()
  eq(n.next, n():topointer())
  local o = alien.new("struct tl_cd_outer")
  o["in"].b = 7
  eq(o["in"].b, 7)
end)

test("an array typedef has the array's size, as C's sizeof", function()
  cdef("typedef int tl_cd_int_t, *tl_cd_intp_t, tl_cd_vec3[3]; enum { TL_CD_VEC3_SIZE = sizeof(tl_cd_vec3) };")
  eq(constant("TL_CD_VEC3_SIZE"), 12, "sizeof inside cdef")
  eq(alien.sizeof("tl_cd_vec3"), 12, "alien.sizeof")
end)

test("redefining identically is fine, a conflict is an error", function()
  local src = [[
    struct tl_cd_same { int a; double b; };
    typedef struct tl_cd_same tl_cd_same_t;
    enum tl_cd_same_e { TL_SAME_A = 1, TL_SAME_B };
    int tl_add(int a, int b);
    typedef int tl_cd_same_int;
  ]]
  cdef(src)
  cdef(src)
  cdef("int tl_add(int x, int y);")
  cdef("int tl_add(int, int);")
  cdef("typedef signed int tl_cd_same_int;")
  cdef("struct tl_cd_same;")
  eq(lib.tl_add(2, 3), 5)
  raises(function() cdef("struct tl_cd_same { int a; float b; };") end)
  raises(function() cdef("struct tl_cd_same { int a; double c; };") end)
  raises(function() cdef("typedef long tl_cd_same_t;") end)
  raises(function() cdef("typedef unsigned tl_cd_same_int;") end)
  raises(function() cdef("enum tl_cd_other_e { TL_SAME_A = 2 };") end)
  raises(function() cdef("double tl_add(double a, double b);") end)
  raises(function() cdef("int tl_add(int a, int b, int c);") end)
  raises(function() cdef("int tl_add(int a, ...);") end)
  -- the first definitions stand
  eq(alien.sizeof("struct tl_cd_same"), 16)
  eq(alien.offsetof("tl_cd_same_t", "b"), 8)
  eq(constant("TL_SAME_A"), 1)
  eq(constant("TL_SAME_B"), 2)
  eq(lib.tl_add(20, 22), 42)
end)

test("an enum redefined with another constant is a conflict", function()
  cdef("enum tl_cd_same_e2 { TL_SAME2_A = 1, TL_SAME2_B };")
  cdef("enum tl_cd_same_e2 { TL_SAME2_A = 1, TL_SAME2_B };")
  raises(function() cdef("enum tl_cd_same_e2 { TL_SAME2_A = 1, TL_SAME2_B, TL_SAME2_C };") end)
  raises(function() cdef("enum tl_cd_same_e2 { TL_SAME2_A = 1 };") end)
end)

test("a conflict's message names what conflicts", function()
  cdef("struct tl_cd_named { int a; };")
  raises(function() cdef("struct tl_cd_named { char a; };") end, "tl_cd_named")
  cdef("typedef int tl_cd_named_t;")
  raises(function() cdef("typedef char tl_cd_named_t;") end, "tl_cd_named_t")
end)

test("types re-types a function cdef declared", function()
  cdef(FN_DECLS)
  local f = lib.tl_cd_sum_ints
  local a = alien.array("int", { 10, 20, 30 })
  eq(f(a.buffer, 3), 60)
  f:types("int", "pointer", "int")
  eq(f(a.buffer, 2), 30)
  f:types("int", "const int *", "int")
  eq(f(a.buffer, 3), 60)
end)

test("GNU extensions that headers contain are skipped or used", function()
  cdef [[
    __extension__ typedef long long tl_cd_gnu_ll;
    __extension__ typedef unsigned long long int tl_cd_gnu_ull;
    extern int tl_cd_gnu_add (int __a, int __b) __asm__ ("" "tl_add") __attribute__ ((__nothrow__ , __leaf__)) __attribute__ ((__warn_unused_result__));
    static __inline int tl_cd_gnu_inline (int __x) { if (__x) { return __x + 1; } return 0; }
    extern __inline __attribute__ ((__gnu_inline__)) int tl_cd_gnu_inline2 (const char *__s) { return (int) __builtin_strlen (__s); }
    _Static_assert (sizeof (int) == 4, "int is 4 bytes");
    typedef __builtin_va_list tl_cd_gnu_va;
    struct tl_cd_gnu_s { int __a; char *__restrict __p; __signed__ char __c; } __attribute__ ((__may_alias__));
    extern const volatile int tl_cd_gnu_var;
    extern int tl_cd_gnu_f (char *__restrict __s, const void *__restrict __p, int (*__cb) (void *__restrict)) __attribute__ ((__nonnull__ (1, 2)));
    __asm__ (".globl tl_cd_gnu_nothing");
    extern __const char *__volatile__ tl_cd_gnu_g (void) __attribute__ ((__pure__, __deprecated__ ("old")));
    enum __attribute__ ((__packed__)) tl_cd_gnu_small { TL_GNU_SMALL = 1 };
    struct tl_cd_gnu_t { long __x; } __attribute__ ((__aligned__ (16)));
  ]]
  eq(alien.sizeof("tl_cd_gnu_ll"), 8)
  eq(alien.sizeof("tl_cd_gnu_ull"), 8)
  eq(lib.tl_cd_gnu_add(2, 3), 5, "the label (two string pieces) is the symbol")
  eq(alien.sizeof("struct tl_cd_gnu_s"), 8 + PTR + PTR)
  eq(alien.offsetof("struct tl_cd_gnu_s", "__c"), 8 + PTR)
  eq(alien.sizeof("struct tl_cd_gnu_t"), 16)
  eq(alien.align("struct tl_cd_gnu_t"), 16)
  eq(constant("TL_GNU_SMALL"), 1)
end)

test("alien.default: a function first looked up after cdef is typed", function()
  -- strrchr is looked up nowhere else in the suite (see libc above)
  cdef("char *strrchr(const char *s, int c);")
  eq(alien.default.strrchr("a/b/c", ("/"):byte()), "/c")
  eq(alien.default.strrchr("abc", ("/"):byte()), nil)
end)

-- Last in this file: it declares size_t as <stddef.h> does, for the rest of the suite.
test("a header's typedef of size_t is the built-in size_t", function()
  -- what happens when a header comes after a declaration that used the built-in name
  cdef("int tl_cd_bi1(size_t n, uint32_t u, const char *s);")
  cdef("typedef unsigned long size_t; typedef unsigned int uint32_t;")
  cdef("int tl_cd_bi1(size_t n, uint32_t u, const char *s);")
  cdef("int tl_cd_bi1(unsigned long n, unsigned int u, const char *s);")
  eq(alien.sizeof("size_t"), PTR)
end)

test("alien.new(T, init) zeroes the fields init leaves out, as a C initializer does", function()
  alien.cdef "struct tl_partial { int x, y; double d; struct { int a, b; } in; int arr[3]; };"
  local p = alien.new("struct tl_partial", { x = 7, arr = { 5 } })
  eq(p.x, 7); eq(p.y, 0); eq(p.d, 0); eq(p["in"].a, 0); eq(p.arr[1], 5); eq(p.arr[2], 0)
  local q = alien.new("struct tl_partial", { ["in"] = { b = 3 } })
  eq(q["in"].a, 0); eq(q["in"].b, 3)
  raises(function() alien.new("struct tl_partial", { z = 1 }) end, "bad argument #2 to 'new'", "z")
  -- a by-value argument still wants every field: test_13_composite_misuse.lua
end)
