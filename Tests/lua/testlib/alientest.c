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
