/* The C functions the benchmark calls: trivial, so the cost measured is the
   cost of getting there and back. Built as bench/build/libbench.so. */
#include <string.h>

struct d2 { double a, b; };

int add1(int x) { return x + 1; }
double addd(double a, double b) { return a + b; }
long sum6(long a, long b, long c, long d, long e, long f) { return a + b + c + d + e + f; }
void *idp(void *p) { return p; }
size_t slen(const char *s) { return strlen(s); }
int first(const unsigned char *p) { return p[0]; }
void refinc(int *p) { *p += 1; }
int calln(int (*cb)(int), int n) { int s = 0; for (int i = 0; i < n; i++) s += cb(i); return s; }
double sum2d(struct d2 s) { return s.a + s.b; }
struct d2 mk2d(double a, double b) { struct d2 s = { a, b }; return s; }
