/* alien's own C test library: functions over every type of SPEC section 3,
   long mixed argument lists, ref out-parameters, NULL handling and errno.
   Built by the test run (Makefile: build/testlib/libalientest.so). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Identity over every type: what goes in must come back. */
signed char tl_byte(signed char x) { return x; }
unsigned char tl_char(unsigned char x) { return x; }
short tl_short(short x) { return x; }
unsigned short tl_ushort(unsigned short x) { return x; }
int tl_int(int x) { return x; }
unsigned int tl_uint(unsigned int x) { return x; }
long tl_long(long x) { return x; }
unsigned long tl_ulong(unsigned long x) { return x; }
long long tl_longlong(long long x) { return x; }
unsigned long long tl_ulonglong(unsigned long long x) { return x; }
ptrdiff_t tl_ptrdiff_t(ptrdiff_t x) { return x; }
size_t tl_size_t(size_t x) { return x; }
float tl_float(float x) { return x; }
double tl_double(double x) { return x; }
const char *tl_string(const char *x) { return x; }
void *tl_pointer(void *x) { return x; }

/* Arithmetic done in C, so a wrong conversion shows. */
int tl_add(int a, int b) { return a + b; }
double tl_addd(double a, double b) { return a + b; }
float tl_mulf(float a, float b) { return a * b; }
long long tl_ll_mul(long long a, long long b) { return a * b; }
unsigned long long tl_ull_add(unsigned long long a, unsigned long long b) { return a + b; }
unsigned long long tl_ull_max(void) { return ULLONG_MAX; }
long long tl_ll_min(void) { return LLONG_MIN; }
long long tl_ll_max(void) { return LLONG_MAX; }
unsigned int tl_uint_max(void) { return UINT_MAX; }
/* Narrowing done by C: what a return of each width looks like. */
signed char tl_byte_of(int x) { return (signed char)x; }
unsigned char tl_char_of(int x) { return (unsigned char)x; }
short tl_short_of(int x) { return (short)x; }
unsigned short tl_ushort_of(int x) { return (unsigned short)x; }
/* The argument as C received it, widened: shows argument wrapping. */
int tl_byte_arg(signed char x) { return x; }
int tl_char_arg(unsigned char x) { return x; }
int tl_short_arg(short x) { return x; }
long long tl_uint_arg(unsigned int x) { return x; }

void tl_void(void) {}
static int counter;
void tl_bump(int by) { counter += by; }
int tl_counter(void) { return counter; }

/* 20 arguments, integers and doubles alternating, more than the registers
   of either class hold; each is weighted by its position so order shows. */
double tl_mixed20(int a1, double a2, long a3, float a4, short a5, double a6,
                  long long a7, double a8, unsigned char a9, double a10,
                  int a11, double a12, long a13, double a14, signed char a15,
                  double a16, unsigned a17, double a18, size_t a19, double a20) {
    return 1 * a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8
         + 9 * a9 + 10 * a10 + 11 * a11 + 12 * a12 + 13 * a13 + 14 * a14 + 15 * a15
         + 16 * a16 + 17 * a17 + 18 * a18 + 19 * (double)a19 + 20 * a20;
}

/* 12 integers: the last six go on the stack. */
long tl_sum12(long a, long b, long c, long d, long e, long f,
              long g, long h, long i, long j, long k, long l) {
    return a + 2*b + 3*c + 4*d + 5*e + 6*f + 7*g + 8*h + 9*i + 10*j + 11*k + 12*l;
}

/* ref out-parameters */
void tl_ref_int(int *p) { *p = *p * 2 + 1; }
int tl_ref_mixed(int *a, double *b, unsigned char *c, unsigned *d) {
    *a += 1; *b *= 2; *c = (unsigned char)(*c + 1); *d = *d * 3;
    return 7;
}
int tl_divmod(int a, int b, int *quotient, int *remainder) {
    if (b == 0) return 0;
    *quotient = a / b; *remainder = a % b;
    return 1;
}

/* NULL handling */
int tl_is_null(const void *p) { return p == NULL; }
const char *tl_null_string(void) { return NULL; }
void *tl_null_pointer(void) { return NULL; }
const char *tl_hello(void) { return "hello"; }
size_t tl_strlen(const char *s) { return s ? strlen(s) : (size_t)-1; }
int tl_first_byte(const unsigned char *p) { return p ? p[0] : -1; }

/* errno */
int tl_fail_with(int e) { errno = e; return -1; }

/* function pointers */
typedef int (*tl_binop)(int, int);
tl_binop tl_get_adder(void) { return tl_add; }

/* memory filled by C */
void tl_fill_ints(int *p, int n) { for (int i = 0; i < n; i++) p[i] = (i + 1) * 10; }
double tl_sum_doubles(const double *p, int n) { double s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
void tl_write_string(char *dst, const char *src) { strcpy(dst, src); }
static int static_ints[4] = { 7, 8, 9, 10 };
int *tl_static_ints(void) { return static_ints; }
static const char *static_strings[3] = { "one", "two", "three" };
const char **tl_static_strings(void) { return static_strings; }
size_t tl_total_length(const char **strings, int n) {
    size_t total = 0;
    for (int i = 0; i < n; i++) total += strings[i] ? strlen(strings[i]) : 0;
    return total;
}

/* callbacks */
int tl_call_n(int (*cb)(int), int n) { int s = 0; for (int i = 1; i <= n; i++) s += cb(i); return s; }
int tl_call_counting(int (*cb)(int), int n, int *calls) {
    int s = 0;
    for (int i = 1; i <= n; i++) { (*calls)++; s += cb(i); }
    return s;
}
double tl_call_mixed(double (*cb)(int, double, long, float, short, double, unsigned char, double,
                                  long long, double, int, double)) {
    return cb(1, 2.5, 3, 4.5f, 5, 6.5, 7, 8.5, 9, 10.5, 11, 12.5);
}
typedef int (*tl_binop_cb)(int, int);
static tl_binop_cb stored_cb;
void tl_store(tl_binop_cb cb) { stored_cb = cb; }
tl_binop_cb tl_stored(void) { return stored_cb; }
int tl_call_stored(int a, int b) { return stored_cb ? stored_cb(a, b) : -1; }
signed char tl_call_byte(signed char (*cb)(void)) { return cb(); }
unsigned char tl_call_char(unsigned char (*cb)(void)) { return cb(); }
short tl_call_short(short (*cb)(void)) { return cb(); }
unsigned int tl_call_uint(unsigned int (*cb)(void)) { return cb(); }
long long tl_call_ll(long long (*cb)(long long), long long x) { return cb(x); }
unsigned long long tl_call_ull(unsigned long long (*cb)(unsigned long long), unsigned long long x) { return cb(x); }
float tl_call_float(float (*cb)(float), float x) { return cb(x); }
double tl_call_double(double (*cb)(double), double x) { return cb(x); }
size_t tl_call_string(const char *(*cb)(const char *), const char *s) { const char *r = cb(s); return r ? strlen(r) : 999; }
void *tl_call_pointer(void *(*cb)(void *), void *p) { return cb(p); }
int tl_call_ref(int (*cb)(int *, double *)) { int i = 5; double d = 2.5; return cb(&i, &d); }
void tl_call_void(void (*cb)(int), int x) { cb(x); }
/* Every argument register a typed trampoline reads, and narrow kinds whose
   registers' upper bits C leaves as they are. */
long tl_call_i6(long (*cb)(long, long, long, long, long, long)) { return cb(-1, 2, -3, 4, -5, 6); }
double tl_call_d8(double (*cb)(double, double, double, double, double, double, double, double)) {
    return cb(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5);
}
int tl_call_narrow(int (*cb)(signed char, unsigned short, unsigned char, short), long junk) {
    /* junk in the registers first: a call that leaves its high bits set */
    volatile long j = junk; (void)j;
    return cb((signed char)-2, (unsigned short)65535, (unsigned char)200, (short)-300);
}

/* structs */
#include <stdint.h>
struct tl_padded { short a; long b; short c; long d; };
struct tl_mixed { char c; double d; int i; float f; unsigned char u; long long ll; void *p; };
size_t tl_padded_size(void) { return sizeof(struct tl_padded); }
size_t tl_padded_offset(int field) {
    switch (field) {
    case 1: return offsetof(struct tl_padded, a); case 2: return offsetof(struct tl_padded, b);
    case 3: return offsetof(struct tl_padded, c); default: return offsetof(struct tl_padded, d);
    }
}
size_t tl_mixed_size(void) { return sizeof(struct tl_mixed); }
size_t tl_mixed_offset(int field) {
    switch (field) {
    case 1: return offsetof(struct tl_mixed, c); case 2: return offsetof(struct tl_mixed, d);
    case 3: return offsetof(struct tl_mixed, i); case 4: return offsetof(struct tl_mixed, f);
    case 5: return offsetof(struct tl_mixed, u); case 6: return offsetof(struct tl_mixed, ll);
    default: return offsetof(struct tl_mixed, p);
    }
}
void tl_padded_fill(struct tl_padded *s) { s->a = 1; s->b = -2; s->c = 3; s->d = 40000000000L; }
long tl_padded_sum(const struct tl_padded *s) { return s->a + s->b + s->c + s->d; }
struct tl_padded *tl_padded_static(void) { static struct tl_padded s = { 7, 8, 9, 10 }; return &s; }
/* big-endian uint32 and a record as a C program would write them */
void tl_write_record(unsigned char *p) {
    p[0] = 0x12; p[1] = 0x34; p[2] = 0x56; p[3] = 0x78;     /* >I4 */
    int16_t h = -2; memcpy(p + 4, &h, 2);                     /* <h (little-endian host) */
    double d = 2.5; memcpy(p + 8, &d, 8);                     /* d at 8 (aligned by !8) */
}

/* direct calls: every argument position weighted, so order and width show */
long tl_sum6(long a, long b, long c, long d, long e, long f) { return a + 2*b + 3*c + 4*d + 5*e + 6*f; }
long long tl_mix6(signed char a, unsigned char b, short c, unsigned short d, int e, unsigned f) {
    return a + 2LL * b + 3LL * c + 4LL * d + 5LL * e + 6LL * f;
}
double tl_dsum8(double a, double b, double c, double d, double e, double f, double g, double h) {
    return a + 2*b + 3*c + 4*d + 5*e + 6*f + 7*g + 8*h;
}
double tl_halve(long x) { return x / 2.0; }
int tl_trunc(double x) { return (int)x; }

/* ---- SPEC section 13: composite C types ---------------------------------
   Layouts the C compiler decides (sizeof, _Alignof, offsetof of each field in
   declaration order), for test_13_composite_layout.lua. */
#include <stdarg.h>
#include <stdio.h>
struct tl_point { int x, y; };
struct tl_rect { struct tl_point tl, br; };
struct tl_l3 { char c; struct tl_point p; double d; };
struct tl_l4 { char tag; int vals[3]; short s; };
struct tl_l5 { char c; struct tl_point pts[3]; char d; };
struct tl_l6 { char name[13]; double x; char t[3]; };
union tl_u7 { char c; int i; double d; char bytes[11]; };
#pragma pack(push, 1)
struct tl_l8 { char c; int i; short s; double d; long long ll; };
#pragma pack(pop)
#pragma pack(push, 2)
struct tl_l9 { char c; int i; char c2; double d; float f; };
#pragma pack(pop)
struct tl_l10 { double d; char c; };
struct tl_l11 { char c; short s; char c2; float f; char c3; long long ll; char c4; void *p;
                char c5; float fl; double dd; };
struct tl_l12 { char a; union tl_u7 u; char b; };
struct tl_l13 { short s; struct tl_l10 inner[2]; char c; };
#pragma pack(push, 1)
struct tl_l14 { char c; struct tl_point p; short s[3]; };
#pragma pack(pop)
#pragma pack(push, 4)
struct tl_l15 { char c; double d; long long ll; short s; };
#pragma pack(pop)
struct tl_l16 { char c; struct tl_l8 packed; char d; };
#pragma pack(push, 1)
union tl_u17 { char c[5]; int i; };
#pragma pack(pop)
union tl_u18 { struct tl_point p; long long ll; float f[3]; };
struct tl_l19 { char c; unsigned short us; long l; unsigned long ul; ptrdiff_t pd; size_t sz;
                signed char b; unsigned int ui; };
#pragma pack(push, 8)
struct tl_l20 { char c; double d; int i; };
#pragma pack(pop)
#pragma pack(push, 2)
struct tl_l21 { char c; struct tl_l10 x; };
#pragma pack(pop)
struct tl_l22 { struct tl_rect r[2]; union tl_u18 u; char tail; };

#define TL_NLAYOUTS 22
#define TL_O(T, f) offsetof(T, f)
static const size_t tl_layout_sizes[TL_NLAYOUTS + 1][2] = {
    { 0, 0 },
    { sizeof(struct tl_point), _Alignof(struct tl_point) },
    { sizeof(struct tl_rect), _Alignof(struct tl_rect) },
    { sizeof(struct tl_l3), _Alignof(struct tl_l3) },
    { sizeof(struct tl_l4), _Alignof(struct tl_l4) },
    { sizeof(struct tl_l5), _Alignof(struct tl_l5) },
    { sizeof(struct tl_l6), _Alignof(struct tl_l6) },
    { sizeof(union tl_u7), _Alignof(union tl_u7) },
    { sizeof(struct tl_l8), _Alignof(struct tl_l8) },
    { sizeof(struct tl_l9), _Alignof(struct tl_l9) },
    { sizeof(struct tl_l10), _Alignof(struct tl_l10) },
    { sizeof(struct tl_l11), _Alignof(struct tl_l11) },
    { sizeof(struct tl_l12), _Alignof(struct tl_l12) },
    { sizeof(struct tl_l13), _Alignof(struct tl_l13) },
    { sizeof(struct tl_l14), _Alignof(struct tl_l14) },
    { sizeof(struct tl_l15), _Alignof(struct tl_l15) },
    { sizeof(struct tl_l16), _Alignof(struct tl_l16) },
    { sizeof(union tl_u17), _Alignof(union tl_u17) },
    { sizeof(union tl_u18), _Alignof(union tl_u18) },
    { sizeof(struct tl_l19), _Alignof(struct tl_l19) },
    { sizeof(struct tl_l20), _Alignof(struct tl_l20) },
    { sizeof(struct tl_l21), _Alignof(struct tl_l21) },
    { sizeof(struct tl_l22), _Alignof(struct tl_l22) },
};
/* Each row: the field count, then the offsets in declaration order. */
static const size_t tl_layout_offsets[TL_NLAYOUTS + 1][12] = {
    { 0 },
    { 2, TL_O(struct tl_point, x), TL_O(struct tl_point, y) },
    { 2, TL_O(struct tl_rect, tl), TL_O(struct tl_rect, br) },
    { 3, TL_O(struct tl_l3, c), TL_O(struct tl_l3, p), TL_O(struct tl_l3, d) },
    { 3, TL_O(struct tl_l4, tag), TL_O(struct tl_l4, vals), TL_O(struct tl_l4, s) },
    { 3, TL_O(struct tl_l5, c), TL_O(struct tl_l5, pts), TL_O(struct tl_l5, d) },
    { 3, TL_O(struct tl_l6, name), TL_O(struct tl_l6, x), TL_O(struct tl_l6, t) },
    { 4, TL_O(union tl_u7, c), TL_O(union tl_u7, i), TL_O(union tl_u7, d), TL_O(union tl_u7, bytes) },
    { 5, TL_O(struct tl_l8, c), TL_O(struct tl_l8, i), TL_O(struct tl_l8, s), TL_O(struct tl_l8, d),
         TL_O(struct tl_l8, ll) },
    { 5, TL_O(struct tl_l9, c), TL_O(struct tl_l9, i), TL_O(struct tl_l9, c2), TL_O(struct tl_l9, d),
         TL_O(struct tl_l9, f) },
    { 2, TL_O(struct tl_l10, d), TL_O(struct tl_l10, c) },
    { 11, TL_O(struct tl_l11, c), TL_O(struct tl_l11, s), TL_O(struct tl_l11, c2), TL_O(struct tl_l11, f),
          TL_O(struct tl_l11, c3), TL_O(struct tl_l11, ll), TL_O(struct tl_l11, c4), TL_O(struct tl_l11, p),
          TL_O(struct tl_l11, c5), TL_O(struct tl_l11, fl), TL_O(struct tl_l11, dd) },
    { 3, TL_O(struct tl_l12, a), TL_O(struct tl_l12, u), TL_O(struct tl_l12, b) },
    { 3, TL_O(struct tl_l13, s), TL_O(struct tl_l13, inner), TL_O(struct tl_l13, c) },
    { 3, TL_O(struct tl_l14, c), TL_O(struct tl_l14, p), TL_O(struct tl_l14, s) },
    { 4, TL_O(struct tl_l15, c), TL_O(struct tl_l15, d), TL_O(struct tl_l15, ll), TL_O(struct tl_l15, s) },
    { 3, TL_O(struct tl_l16, c), TL_O(struct tl_l16, packed), TL_O(struct tl_l16, d) },
    { 2, TL_O(union tl_u17, c), TL_O(union tl_u17, i) },
    { 3, TL_O(union tl_u18, p), TL_O(union tl_u18, ll), TL_O(union tl_u18, f) },
    { 8, TL_O(struct tl_l19, c), TL_O(struct tl_l19, us), TL_O(struct tl_l19, l), TL_O(struct tl_l19, ul),
         TL_O(struct tl_l19, pd), TL_O(struct tl_l19, sz), TL_O(struct tl_l19, b), TL_O(struct tl_l19, ui) },
    { 3, TL_O(struct tl_l20, c), TL_O(struct tl_l20, d), TL_O(struct tl_l20, i) },
    { 2, TL_O(struct tl_l21, c), TL_O(struct tl_l21, x) },
    { 3, TL_O(struct tl_l22, r), TL_O(struct tl_l22, u), TL_O(struct tl_l22, tail) },
};
int tl_layout_count(void) { return TL_NLAYOUTS; }
size_t tl_layout_size(int which) { return which >= 1 && which <= TL_NLAYOUTS ? tl_layout_sizes[which][0] : 0; }
size_t tl_layout_align(int which) { return which >= 1 && which <= TL_NLAYOUTS ? tl_layout_sizes[which][1] : 0; }
int tl_layout_fields(int which) { return which >= 1 && which <= TL_NLAYOUTS ? (int)tl_layout_offsets[which][0] : -1; }
size_t tl_layout_offset(int which, int field) {
    if (which < 1 || which > TL_NLAYOUTS || field < 1 || (size_t)field > tl_layout_offsets[which][0])
        return (size_t)-1;
    return tl_layout_offsets[which][field];
}
/* Instances filled and read by C. */
void tl_l5_fill(struct tl_l5 *s) {
    s->c = 'A'; s->d = 'Z';
    for (int i = 0; i < 3; i++) { s->pts[i].x = 10 * (i + 1); s->pts[i].y = -(i + 1); }
}
long tl_l5_sum(const struct tl_l5 *s) {
    long sum = s->c + s->d;
    for (int i = 0; i < 3; i++) sum += (i + 1) * (s->pts[i].x + 2L * s->pts[i].y);
    return sum;
}
size_t tl_l6_name_len(const struct tl_l6 *s) { return strnlen(s->name, sizeof s->name); }
double tl_l8_sum(const struct tl_l8 *s) { return s->c + 2.0 * s->i + 3.0 * s->s + 4.0 * s->d + 5.0 * s->ll; }
void tl_l8_fill(struct tl_l8 *s) { s->c = 1; s->i = -2; s->s = 3; s->d = 4.5; s->ll = 5000000000LL; }
long tl_l22_sum(const struct tl_l22 *s) {
    long sum = s->tail;
    for (int i = 0; i < 2; i++)
        sum += (i + 1) * (s->r[i].tl.x + 2L * s->r[i].tl.y + 3L * s->r[i].br.x + 4L * s->r[i].br.y);
    return sum + s->u.ll;
}

/* By value: structs of 1 to 100 bytes. Each struct's elements, flattened in
   declaration order (nested structs and arrays expanded), are numbered i = 1..n:
   tl_T_make(seed) sets element i to seed + i; tl_T_sum(s) is the sum of
   i * element i; tl_T_twice(s) doubles every element; tl_call_T(f, seed) calls
   f(tl_T_make(seed), seed) and returns tl_T_sum of what f returned. */
struct tl_s1 { unsigned char a; };
struct tl_s2 { unsigned char a, b; };
struct tl_s3 { unsigned char a, b, c; };
struct tl_s4 { short a, b; };
struct tl_s4f { float a; };
struct tl_s8 { int a, b; };
struct tl_s8f { float a, b; };
struct tl_s12 { int a, b, c; };
struct tl_s12f { float a, b, c; };
struct tl_s16d { double a, b; };
struct tl_s16m { int a; double b; };
struct tl_s16n { struct tl_s8 p; float x, y; };
struct tl_s17 { unsigned char c[17]; };
struct tl_s24 { double a; long long b; int c; };
struct tl_s24n { struct tl_s8 p[2]; double d; };
struct tl_s32 { double a, b, c, d; };
struct tl_s100 { int v[25]; };

#define TL_E1(s, X) X((s).a)
#define TL_E2(s, X) X((s).a); X((s).b)
#define TL_E3(s, X) X((s).a); X((s).b); X((s).c)
#define TL_E4(s, X) X((s).a); X((s).b); X((s).c); X((s).d)
#define TL_E16M(s, X) TL_E2(s, X)
#define TL_E16N(s, X) X((s).p.a); X((s).p.b); X((s).x); X((s).y)
#define TL_E17(s, X) for (int k_ = 0; k_ < 17; k_++) X((s).c[k_])
#define TL_E24N(s, X) for (int k_ = 0; k_ < 2; k_++) { X((s).p[k_].a); X((s).p[k_].b); } X((s).d)
#define TL_E100(s, X) for (int k_ = 0; k_ < 25; k_++) X((s).v[k_])

#define TL_MAKE_X(lv) (i_++, (lv) = (__typeof__(lv))(seed + i_))
#define TL_SUM_X(lv) (i_++, sum_ += i_ * (double)(lv))
#define TL_TWICE_X(lv) ((lv) = (__typeof__(lv))((lv) * 2))
#define TL_BYVALUE(T, EACH) \
    struct tl_##T tl_##T##_make(int seed) { \
        struct tl_##T s; int i_ = 0; memset(&s, 0, sizeof s); EACH(s, TL_MAKE_X); return s; } \
    double tl_##T##_sum(struct tl_##T s) { double sum_ = 0; int i_ = 0; EACH(s, TL_SUM_X); return sum_; } \
    struct tl_##T tl_##T##_twice(struct tl_##T s) { EACH(s, TL_TWICE_X); return s; } \
    size_t tl_##T##_size(void) { return sizeof(struct tl_##T); } \
    double tl_call_##T(struct tl_##T (*f)(struct tl_##T, int), int seed) { \
        return tl_##T##_sum(f(tl_##T##_make(seed), seed)); }

TL_BYVALUE(s1, TL_E1)
TL_BYVALUE(s2, TL_E2)
TL_BYVALUE(s3, TL_E3)
TL_BYVALUE(s4, TL_E2)
TL_BYVALUE(s4f, TL_E1)
TL_BYVALUE(s8, TL_E2)
TL_BYVALUE(s8f, TL_E2)
TL_BYVALUE(s12, TL_E3)
TL_BYVALUE(s12f, TL_E3)
TL_BYVALUE(s16d, TL_E2)
TL_BYVALUE(s16m, TL_E16M)
TL_BYVALUE(s16n, TL_E16N)
TL_BYVALUE(s17, TL_E17)
TL_BYVALUE(s24, TL_E3)
TL_BYVALUE(s24n, TL_E24N)
TL_BYVALUE(s32, TL_E4)
TL_BYVALUE(s100, TL_E100)

/* Explicit constructors, and a struct result from scalar and struct arguments. */
struct tl_s16d tl_s16d_of(double a, double b) { struct tl_s16d s = { a, b }; return s; }
struct tl_s32 tl_s32_from(double a, struct tl_s16d b, double c) { struct tl_s32 s = { a, b.a, b.b, c }; return s; }
struct tl_s12f tl_s12f_of(float a, float b, float c) { struct tl_s12f s = { a, b, c }; return s; }
/* Several structs mixed with scalars, each weighted by its position. */
double tl_bv_mixed(int a, struct tl_s3 b, double c, struct tl_s16d d, struct tl_s12f e, long f,
                   struct tl_s100 g, float h, struct tl_s16m i) {
    return a + 2 * tl_s3_sum(b) + 3 * c + 4 * tl_s16d_sum(d) + 5 * tl_s12f_sum(e) + 6.0 * f
         + 7 * tl_s100_sum(g) + 8 * h + 9 * tl_s16m_sum(i);
}
/* More struct arguments than registers: some go on the stack. */
double tl_bv_many16d(struct tl_s16d a, struct tl_s16d b, struct tl_s16d c, struct tl_s16d d,
                     struct tl_s16d e, struct tl_s16d f) {
    return tl_s16d_sum(a) + 2 * tl_s16d_sum(b) + 3 * tl_s16d_sum(c) + 4 * tl_s16d_sum(d)
         + 5 * tl_s16d_sum(e) + 6 * tl_s16d_sum(f);
}
double tl_bv_spill(double d1, double d2, double d3, double d4, double d5, double d6, double d7,
                   int i1, int i2, int i3, int i4, struct tl_s16m m, struct tl_s12 t, double d8,
                   struct tl_s8f q) {
    return d1 + 2*d2 + 3*d3 + 4*d4 + 5*d5 + 6*d6 + 7*d7 + 8.0*i1 + 9.0*i2 + 10.0*i3 + 11.0*i4
         + 13 * tl_s16m_sum(m) + 14 * tl_s12_sum(t) + 15 * d8 + 16 * tl_s8f_sum(q);
}
/* A 16-byte struct whose first eightbyte is the sixth integer register and
   whose second is an SSE register: libffi before 3.4.7 (PR #848) copied 16
   bytes into the sixth integer slot and clobbered the first SSE register (d1). */
double tl_bv_sixth_gpr(double d1, int i1, int i2, int i3, int i4, int i5, struct tl_s16m m) {
    return d1 * 1000 + i1 + i2 + i3 + i4 + i5 + m.a * 10 + m.b;
}
/* Unions by value: the ABI classifies a union by all its members. */
union tl_u8 { double d; long long l; };
union tl_u4 { float f; int i; };
union tl_ud { double d; float f; };
union tl_u8 tl_u8_of_double(double d) { union tl_u8 u; u.d = d; return u; }
union tl_u8 tl_u8_of_ll(long long l) { union tl_u8 u; u.l = l; return u; }
double tl_u8_double(union tl_u8 u) { return u.d; }
long long tl_u8_ll(union tl_u8 u) { return u.l; }
union tl_u4 tl_u4_of_int(int i) { union tl_u4 u; u.i = i; return u; }
int tl_u4_int(union tl_u4 u) { return u.i; }
float tl_u4_float(union tl_u4 u) { return u.f; }
union tl_ud tl_ud_of_double(double d) { union tl_ud u; u.d = d; return u; }
double tl_ud_double(union tl_ud u) { return u.d; }
struct tl_tagged { int tag; union tl_u8 u; };
struct tl_tagged tl_tagged_of(int tag, double d) { struct tl_tagged t; t.tag = tag; t.u.d = d; return t; }
double tl_tagged_value(struct tl_tagged t) { return t.tag == 1 ? t.u.d : (double)t.u.l; }
long long tl_call_u8(union tl_u8 (*f)(union tl_u8), long long x) { union tl_u8 u; u.l = x; return f(u).l; }
/* A callback taking several structs and scalars. */
double tl_call_mixed_structs(double (*f)(int, struct tl_s3, double, struct tl_s16m, struct tl_s100, float,
                                         struct tl_s12f)) {
    return f(7, tl_s3_make(1), 2.5, tl_s16m_make(2), tl_s100_make(3), 0.5f, tl_s12f_make(4));
}
/* A callback returning a struct made from scalars. */
double tl_call_s16d_of(struct tl_s16d (*f)(double, double), double a, double b) {
    struct tl_s16d s = f(a, b);
    return s.a * 10 + s.b;
}
/* A callback called many times, its results accumulated. */
double tl_call_s32_n(struct tl_s32 (*f)(int), int n) {
    double sum = 0;
    for (int i = 1; i <= n; i++) sum += tl_s32_sum(f(i));
    return sum;
}

/* ref out-parameters of every scalar type: each is changed as its name says. */
void tl_ref_long(long *p) { *p = *p * 3 - 1; }
void tl_ref_ulong(unsigned long *p) { *p = *p + 1; }
void tl_ref_size_t(size_t *p) { *p = *p + 1000; }
void tl_ref_ptrdiff_t(ptrdiff_t *p) { *p = -*p; }
void tl_ref_longlong(long long *p) { *p = *p * -2; }
void tl_ref_ulonglong(unsigned long long *p) { *p = *p * 2; }
void tl_ref_float(float *p) { *p = *p / 4; }
void tl_ref_short(short *p) { *p = (short)(*p - 1); }
void tl_ref_ushort(unsigned short *p) { *p = (unsigned short)(*p + 1); }
void tl_ref_byte(signed char *p) { *p = (signed char)(-*p); }
void tl_ref_advance(void **p, int n) { *p = (char *)*p + n; }
void tl_ref_set_null(void **p) { *p = NULL; }
int tl_ref_all(signed char *b, unsigned char *c, short *s, unsigned short *us, int *i, unsigned *ui,
               long *l, unsigned long *ul, long long *ll, unsigned long long *ull, ptrdiff_t *pd,
               size_t *sz, float *f, double *d, void **p) {
    *b = (signed char)(*b + 1); *c = (unsigned char)(*c + 2); *s = (short)(*s + 3);
    *us = (unsigned short)(*us + 4); *i += 5; *ui += 6; *l += 7; *ul += 8; *ll += 9; *ull += 10;
    *pd += 11; *sz += 12; *f += 13; *d += 14; *p = (char *)*p + 15;
    return 15;
}
/* A size reported through an out-parameter, as many C APIs do. */
int tl_measure(const char *s, size_t *len, long *words) {
    size_t n = strlen(s); long w = 0; int in = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] == ' ') in = 0; else if (!in) { in = 1; w++; }
    }
    *len = n; *words = w;
    return 0;
}

/* Variadic functions. */
int tl_va_sum_ints(int n, ...) {
    va_list ap; int sum = 0;
    va_start(ap, n);
    for (int k = 1; k <= n; k++) sum += k * va_arg(ap, int);
    va_end(ap);
    return sum;
}
double tl_va_sum_doubles(int n, ...) {
    va_list ap; double sum = 0;
    va_start(ap, n);
    for (int k = 1; k <= n; k++) sum += k * va_arg(ap, double);
    va_end(ap);
    return sum;
}
long long tl_va_sum_ll(int n, ...) {
    va_list ap; long long sum = 0;
    va_start(ap, n);
    for (int k = 1; k <= n; k++) sum += va_arg(ap, long long);
    va_end(ap);
    return sum;
}
/* fmt letters: i int, u unsigned, l long, L long long, d double, s string
   (its length), p pointer (1 when not NULL); value k weighted by k. */
double tl_va_mixed(const char *fmt, ...) {
    va_list ap; double sum = 0;
    va_start(ap, fmt);
    for (int k = 1; fmt[k - 1]; k++) {
        switch (fmt[k - 1]) {
        case 'i': sum += k * (double)va_arg(ap, int); break;
        case 'u': sum += k * (double)va_arg(ap, unsigned); break;
        case 'l': sum += k * (double)va_arg(ap, long); break;
        case 'L': sum += k * (double)va_arg(ap, long long); break;
        case 'd': sum += k * va_arg(ap, double); break;
        case 's': { const char *s = va_arg(ap, const char *); sum += k * (double)(s ? strlen(s) : 1000); break; }
        case 'p': sum += k * (double)(va_arg(ap, void *) != NULL); break;
        default: sum += 1e9; break;
        }
    }
    va_end(ap);
    return sum;
}
/* The variable part after many fixed arguments (registers full). */
double tl_va_after_many(double a, double b, double c, double d, double e, double f, double g, double h,
                        long i, long j, long k, long l, long m, int n, ...) {
    va_list ap; double sum = a + b + c + d + e + f + g + h + i + j + k + l + m;
    va_start(ap, n);
    for (int x = 1; x <= n; x++) sum += x * va_arg(ap, double);
    va_end(ap);
    return sum;
}
/* vsnprintf behind a fixed prefix, as a logging API would. */
int tl_va_format(char *out, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Around libffi PR #848: a struct at each register boundary of x86-64 System V
   (its integer eightbyte in the sixth, fifth or no integer register; the SSE
   registers free, in use or full; a hidden struct-return pointer taking the
   first integer register). Each result weighs every argument differently. */
struct tl_s16dm { double a; int b; };
#define TL_M(m) ((m).a * 100000.0 + (m).b * 1000000.0)
double tl_bv_m_nosse(int i1, int i2, int i3, int i4, int i5, struct tl_s16m m) {
    return i1 + 2.0 * i2 + 3.0 * i3 + 4.0 * i4 + 5.0 * i5 + TL_M(m);
}
double tl_bv_m_ssefull(double d1, double d2, double d3, double d4, double d5, double d6, double d7, double d8,
                       int i1, int i2, int i3, int i4, int i5, struct tl_s16m m) {
    return d1 + 2 * d2 + 3 * d3 + 4 * d4 + 5 * d5 + 6 * d6 + 7 * d7 + 8 * d8
         + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 50.0 * i5 + TL_M(m);
}
double tl_bv_m_gprfull(double d1, int i1, int i2, int i3, int i4, int i5, int i6, struct tl_s16m m) {
    return d1 + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 50.0 * i5 + 60.0 * i6 + TL_M(m);
}
double tl_bv_m_fifth(double d1, int i1, int i2, int i3, int i4, struct tl_s16m m, int i6) {
    return d1 + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 60.0 * i6 + TL_M(m);
}
double tl_bv_dm_sixth(double d1, int i1, int i2, int i3, int i4, int i5, struct tl_s16dm m) {
    return d1 + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 50.0 * i5 + m.a * 100000.0 + m.b * 1000000.0;
}
double tl_bv_two_sixth(double d1, int i1, int i2, int i3, int i4, int i5, struct tl_s16m m, struct tl_s16m n,
                       double d2) {
    return d1 + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 50.0 * i5 + TL_M(m) + 7 * TL_M(n) + 3 * d2;
}
double tl_bv_s16n_sixth(double d1, int i1, int i2, int i3, int i4, int i5, struct tl_s16n n) {
    return d1 + 10.0 * i1 + 20.0 * i2 + 30.0 * i3 + 40.0 * i4 + 50.0 * i5
         + n.p.a * 1000.0 + n.p.b * 10000.0 + n.x * 100000.0 + n.y * 1000000.0;
}
struct tl_s32 tl_s32_sixth(double d1, int i1, int i2, int i3, int i4, struct tl_s16m m) {
    struct tl_s32 s = { d1, i1 + 2.0 * i2 + 3.0 * i3 + 4.0 * i4, m.a, m.b };
    return s;
}
double tl_call_sixth_gpr(double (*f)(double, int, int, int, int, int, struct tl_s16m)) {
    struct tl_s16m m = { 7, 0.5 };
    return f(1.5, 2, 3, 4, 5, 6, m);
}

/* SPEC section 14 (alien.cdef): declarations Tests/lua/test_14_cdef.lua reads
   with alien.cdef (the same text, written out there), and what this compiler
   makes of them, to compare: tl_cd_layout("sizeof rec") and the like. */
typedef enum tl_cd_kind { TL_CD_NONE, TL_CD_INT = 3, TL_CD_DOUBLE, TL_CD_TEXT = 1 << 3 } tl_cd_kind;
typedef struct tl_cd_rec {
    char tag;
    tl_cd_kind kind;
    union { int i; double d; char text[12]; };                /* anonymous member: i, d, text */
    union { unsigned short u16[2]; unsigned int u32; } word;  /* a tagless union, named */
    short vals[5];
    struct { unsigned char r, g, b; } color;
    long long big;
    const char *name;
    struct tl_cd_rec *next;
} tl_cd_rec;

/* What r holds, weighted so that a field read at a wrong offset shows. */
double tl_cd_rec_sum(const tl_cd_rec *r) {
    double sum = r->tag + 10.0 * r->kind;
    switch (r->kind) {
    case TL_CD_INT: sum += 100.0 * r->i; break;
    case TL_CD_DOUBLE: sum += 100.0 * r->d; break;
    case TL_CD_TEXT: sum += 100.0 * (double)strlen(r->text); break;
    default: break;
    }
    sum += 1000.0 * r->word.u32;
    for (int k = 0; k < 5; k++) sum += (k + 1) * 10000.0 * r->vals[k];
    sum += 1e6 * r->color.r + 2e6 * r->color.g + 3e6 * r->color.b;
    sum += 1e9 * (double)r->big;
    sum += r->name ? 7e8 * (double)strlen(r->name) : 0;
    sum += r->next == r ? 0.5 : 0;
    return sum;
}
/* Fills every field from k. */
void tl_cd_rec_fill(tl_cd_rec *r, int k) {
    r->tag = 'R';
    r->kind = TL_CD_DOUBLE;
    r->d = k + 0.25;
    r->word.u32 = 0x00020001u;   /* u16 = { 1, 2 } little-endian, { 2, 1 } big-endian */
    for (int i = 0; i < 5; i++) r->vals[i] = (short)(k * (i + 1));
    r->color.r = 10; r->color.g = 20; r->color.b = 250;
    r->big = (long long)k << 40;
    r->name = "filled";
    r->next = r;
}
tl_cd_rec tl_cd_rec_make(int k) {
    tl_cd_rec r;
    memset(&r, 0, sizeof r);
    tl_cd_rec_fill(&r, k);
    r.next = NULL;
    return r;
}
const char *tl_cd_rec_name(const tl_cd_rec *r) { return r ? r->name : NULL; }

struct tl_cd_color { unsigned char r, g, b; };
int tl_cd_color_sum(struct tl_cd_color c) { return c.r + 2 * c.g + 3 * c.b; }
int tl_cd_kind_code(tl_cd_kind k) { return (int)k * 10; }
tl_cd_kind tl_cd_kind_next(tl_cd_kind k) { return k == TL_CD_INT ? TL_CD_DOUBLE : TL_CD_TEXT; }

/* Layout attributes. */
struct tl_cd_packed { char c; int i; short s; double d; } __attribute__((packed));
struct __attribute__((packed)) tl_cd_packed_b { char c; long long x; };
typedef struct { char c; short s; } __attribute__((__packed__)) tl_cd_pk3;
struct tl_cd_al16 { char c; } __attribute__((aligned(16)));
struct tl_cd_falign { char c; int i __attribute__((aligned(8))); };
struct tl_cd_hold { char c; struct tl_cd_packed p; struct tl_cd_al16 a; };
int tl_cd_packed_sum(const struct tl_cd_packed *p) { return p->c + p->i + p->s + (int)p->d; }

/* Function pointers. */
typedef int tl_cd_unary(int);
int tl_cd_apply(int (*f)(int), int x) { return f ? f(x) * 2 : -1; }
struct tl_cd_ops { int (*add)(int, int); void *ctx; int bias; };
int tl_cd_ops_call(const struct tl_cd_ops *ops, int a, int b) { return ops->add(a, b) + ops->bias; }
/* Arrays in parameters are pointers. */
int tl_cd_sum_ints(const int vals[], int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += vals[i];
    return s;
}
int tl_cd_qual(const volatile int *restrict p, int const n) { return *p + n; }
double tl_cd_fixed(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g, int64_t h) {
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * (double)g + 8.0 * (double)h;
}

#define TL_CD(name, expr) if (strcmp(what, name) == 0) return (long)(expr);
/* sizeof, _Alignof and offsetof of the declarations above, by name; -1 for an unknown name. */
long tl_cd_layout(const char *what) {
    TL_CD("sizeof rec", sizeof(tl_cd_rec)) TL_CD("alignof rec", _Alignof(tl_cd_rec))
    TL_CD("offsetof rec.tag", offsetof(tl_cd_rec, tag)) TL_CD("offsetof rec.kind", offsetof(tl_cd_rec, kind))
    TL_CD("offsetof rec.i", offsetof(tl_cd_rec, i)) TL_CD("offsetof rec.d", offsetof(tl_cd_rec, d))
    TL_CD("offsetof rec.text", offsetof(tl_cd_rec, text)) TL_CD("offsetof rec.word", offsetof(tl_cd_rec, word))
    TL_CD("offsetof rec.vals", offsetof(tl_cd_rec, vals)) TL_CD("offsetof rec.color", offsetof(tl_cd_rec, color))
    TL_CD("offsetof rec.big", offsetof(tl_cd_rec, big)) TL_CD("offsetof rec.name", offsetof(tl_cd_rec, name))
    TL_CD("offsetof rec.next", offsetof(tl_cd_rec, next))
    TL_CD("sizeof rec.word", sizeof(((tl_cd_rec *)0)->word)) TL_CD("sizeof rec.color", sizeof(((tl_cd_rec *)0)->color))
    TL_CD("sizeof kind", sizeof(tl_cd_kind)) TL_CD("sizeof color", sizeof(struct tl_cd_color))
    TL_CD("sizeof packed", sizeof(struct tl_cd_packed)) TL_CD("alignof packed", _Alignof(struct tl_cd_packed))
    TL_CD("offsetof packed.i", offsetof(struct tl_cd_packed, i)) TL_CD("offsetof packed.s", offsetof(struct tl_cd_packed, s))
    TL_CD("offsetof packed.d", offsetof(struct tl_cd_packed, d))
    TL_CD("sizeof packed_b", sizeof(struct tl_cd_packed_b)) TL_CD("offsetof packed_b.x", offsetof(struct tl_cd_packed_b, x))
    TL_CD("sizeof pk3", sizeof(tl_cd_pk3)) TL_CD("alignof pk3", _Alignof(tl_cd_pk3))
    TL_CD("sizeof al16", sizeof(struct tl_cd_al16)) TL_CD("alignof al16", _Alignof(struct tl_cd_al16))
    TL_CD("sizeof falign", sizeof(struct tl_cd_falign)) TL_CD("alignof falign", _Alignof(struct tl_cd_falign))
    TL_CD("offsetof falign.i", offsetof(struct tl_cd_falign, i))
    TL_CD("sizeof hold", sizeof(struct tl_cd_hold)) TL_CD("alignof hold", _Alignof(struct tl_cd_hold))
    TL_CD("offsetof hold.p", offsetof(struct tl_cd_hold, p)) TL_CD("offsetof hold.a", offsetof(struct tl_cd_hold, a))
    TL_CD("sizeof ops", sizeof(struct tl_cd_ops)) TL_CD("offsetof ops.bias", offsetof(struct tl_cd_ops, bias))
    return -1;
}
#undef TL_CD

/* Bit-fields as gcc lays them out, for alien.cdef's reads and writes. */
struct tl_bits { unsigned a : 3; int b : 5; unsigned c : 30; unsigned char d; long long e : 40; int f : 1; };
size_t tl_bits_size(void) { return sizeof(struct tl_bits); }
void tl_bits_fill(struct tl_bits *s) { s->a = 5; s->b = -7; s->c = 123456789; s->d = 200; s->e = -123456789012LL; s->f = -1; }
int tl_bits_check(const struct tl_bits *s) {
    return s->a == 6 && s->b == 9 && s->c == 987654321 && s->d == 17 && s->e == 549755813882LL && s->f == 0;
}
