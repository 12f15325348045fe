/*
 * Typed trampolines: C functions, compiled here, that a callback with a
 * direct plan gives C as its address instead of its libffi closure's code.
 * libffi's closure saves every argument register and classifies the
 * arguments again on each call; a trampoline is an ordinary C function, so
 * C calls it as cheaply as any other.
 *
 * One trampoline serves every plain signature of its result class: it is
 * declared with all the argument registers a direct plan can use (6 integer,
 * 8 floating-point), and the callback's plan says which of them C set. That
 * is exactly how the x86-64 System V and AArch64 ABIs pass such arguments
 * (the ones the direct plans are made for, DirectCall.swift); registers C did
 * not set are read and ignored. A pool of them per result class (integer
 * register or floating-point register) is shared by all Lua states of the
 * process; a slot is claimed atomically and freed when the callback is
 * collected. With none free, the callback keeps its closure.
 */

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(_WIN32)
#define ALIEN_HAVE_TRAMPOLINES 1
#define ALIEN_TRAMPOLINES 64        /* per result class */

enum { ALIEN_TRAMPOLINE_INTEGER, ALIEN_TRAMPOLINE_DOUBLE, ALIEN_TRAMPOLINE_CLASSES };

/* The callback each trampoline runs; NULL when the slot is free. */
static void *alien_trampoline_owner[ALIEN_TRAMPOLINE_CLASSES][ALIEN_TRAMPOLINES];

typedef union { int64_t i; double d; } alien_trampoline_result;

/* The result class a callback's plan needs; -1 when it has no plain plan. */
static int alien_trampoline_class(const alien_function_head *f) {
    if (f->direct != ALIEN_DIRECT_INTEGERS && f->direct != ALIEN_DIRECT_DOUBLES) return -1;
    return f->result == ALIEN_KIND_DOUBLE ? ALIEN_TRAMPOLINE_DOUBLE : ALIEN_TRAMPOLINE_INTEGER;
}

/* A call of trampoline `slot`: the callback's arguments are the registers its
   plan names; the result is zero when the slot is free or the callback was
   re-typed to a signature without a plan (C called it by its old type). */
__attribute__((noinline)) static void alien_trampoline_run(int class, int slot, int64_t *a, double *d,
                                                           alien_trampoline_result *result) {
    const alien_function_head *f =
        (const alien_function_head *)__atomic_load_n(&alien_trampoline_owner[class][slot], __ATOMIC_ACQUIRE);
    alien_callback_arguments arguments = { NULL, a, d };
    void *pointers[ALIEN_DIRECT_MAXDOUBLES];
    result->i = 0;
    if (f == NULL || alien_trampoline_class(f) < 0) return;
    if (!alien_callback_is_direct(f)) {   /* direct calls off: the core reads them as libffi gives them */
        int i;
        for (i = 0; i < f->count; i++)    /* little-endian: a narrower kind reads the low bytes */
            pointers[i] = f->direct == ALIEN_DIRECT_DOUBLES ? (void *)&d[i] : (void *)&a[i];
        arguments.pointers = pointers;
    }
    alien_callback_invoke((void *)f, &arguments, result);
}

#define ALIEN_TRAMPOLINE_PARAMETERS int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, \
    double d0, double d1, double d2, double d3, double d4, double d5, double d6, double d7
#define ALIEN_TRAMPOLINE_BODY(class, slot) \
    int64_t a[ALIEN_DIRECT_MAXINTEGERS] = { a0, a1, a2, a3, a4, a5 }; \
    double d[ALIEN_DIRECT_MAXDOUBLES] = { d0, d1, d2, d3, d4, d5, d6, d7 }; \
    alien_trampoline_result result; \
    alien_trampoline_run(class, slot, a, d, &result);

/* Trampoline `name` runs slot `slot` (names are octal digit pairs). */
#define ALIEN_TRAMPOLINE_PAIR(name, slot) \
    static int64_t alien_trampoline_i##name(ALIEN_TRAMPOLINE_PARAMETERS) { \
        ALIEN_TRAMPOLINE_BODY(ALIEN_TRAMPOLINE_INTEGER, slot) return result.i; } \
    static double alien_trampoline_d##name(ALIEN_TRAMPOLINE_PARAMETERS) { \
        ALIEN_TRAMPOLINE_BODY(ALIEN_TRAMPOLINE_DOUBLE, slot) return result.d; }

#define ALIEN_TRAMPOLINE_EIGHT(X, n) X(n##0, n * 8 + 0) X(n##1, n * 8 + 1) X(n##2, n * 8 + 2) X(n##3, n * 8 + 3) \
    X(n##4, n * 8 + 4) X(n##5, n * 8 + 5) X(n##6, n * 8 + 6) X(n##7, n * 8 + 7)
#define ALIEN_TRAMPOLINE_ALL(X) \
    ALIEN_TRAMPOLINE_EIGHT(X, 0) ALIEN_TRAMPOLINE_EIGHT(X, 1) ALIEN_TRAMPOLINE_EIGHT(X, 2) \
    ALIEN_TRAMPOLINE_EIGHT(X, 3) ALIEN_TRAMPOLINE_EIGHT(X, 4) ALIEN_TRAMPOLINE_EIGHT(X, 5) \
    ALIEN_TRAMPOLINE_EIGHT(X, 6) ALIEN_TRAMPOLINE_EIGHT(X, 7)

ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_PAIR)

#define ALIEN_TRAMPOLINE_INTEGER_CODE(name, slot) (void *)alien_trampoline_i##name,
#define ALIEN_TRAMPOLINE_DOUBLE_CODE(name, slot) (void *)alien_trampoline_d##name,
static void *const alien_trampoline_code[ALIEN_TRAMPOLINE_CLASSES][ALIEN_TRAMPOLINES] = {
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_INTEGER_CODE) },
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_DOUBLE_CODE) },
};
_Static_assert(ALIEN_TRAMPOLINES == 64, "the pool is written out as 8 x 8 slots");

/* Gives a new callback with a plain plan a trampoline, if one is free. */
static void alien_trampoline_take(alien_function_head *f) {
    int class = alien_trampoline_class(f), slot;
    if (class < 0) return;
    for (slot = 0; slot < ALIEN_TRAMPOLINES; slot++) {
        void *expected = NULL;
        if (__atomic_compare_exchange_n(&alien_trampoline_owner[class][slot], &expected, (void *)f, 0,
                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
            f->trampoline = alien_trampoline_code[class][slot];
            f->address = f->trampoline;
            return;
        }
    }
}

/* The slot of a trampoline's code, or -1 (class in *class). */
static int alien_trampoline_slot(const void *code, int *class) {
    int c, slot;
    for (c = 0; c < ALIEN_TRAMPOLINE_CLASSES; c++)
        for (slot = 0; slot < ALIEN_TRAMPOLINES; slot++)
            if (alien_trampoline_code[c][slot] == code) { *class = c; return slot; }
    return -1;
}

/* After f:types() on a callback: its address is its trampoline while the
   new signature suits it, else its closure (which the core has re-typed). */
static void alien_trampoline_retype(alien_function_head *f) {
    int class, slot;
    if (f->trampoline == NULL) return;
    slot = alien_trampoline_slot(f->trampoline, &class);
    f->address = slot >= 0 && alien_trampoline_class(f) == class ? f->trampoline : f->closure_code;
}

/* The callback is collected: its trampoline is free again (a call of it
   meanwhile returns zero, as a retired closure does). */
static void alien_trampoline_release(alien_function_head *f) {
    int class, slot;
    if (f->trampoline == NULL) return;
    slot = alien_trampoline_slot(f->trampoline, &class);
    if (slot >= 0) __atomic_store_n(&alien_trampoline_owner[class][slot], NULL, __ATOMIC_RELEASE);
    f->trampoline = NULL;
}
#else
static void alien_trampoline_take(alien_function_head *f) { (void)f; }
static void alien_trampoline_retype(alien_function_head *f) { (void)f; }
static void alien_trampoline_release(alien_function_head *f) { (void)f; }
#endif
