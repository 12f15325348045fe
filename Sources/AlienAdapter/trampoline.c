/*
 * Typed trampolines: C functions, compiled here, that a callback with a
 * direct plan gives C as its address instead of its libffi closure's code.
 * libffi's closure saves every argument register and classifies the
 * arguments again on each call; a trampoline is an ordinary C function, so
 * C calls it as cheaply as any other.
 *
 * One trampoline serves every plain signature of its class: it is declared
 * with all the argument registers of its plan's kind (6 integer, or 8
 * floating-point) and the result register of its result's kind, and the
 * callback's plan says how many of the arguments C set and what they are.
 * That is exactly how the x86-64 System V and AArch64 ABIs pass such
 * arguments (the ones the direct plans are made for, DirectCall.swift);
 * registers C did not set are read and ignored. A pool of them per class is
 * shared by all Lua states of the process; a slot is claimed atomically and
 * freed when the callback is collected. With none free, the callback keeps
 * its closure.
 */

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(_WIN32)
#define ALIEN_TRAMPOLINES 64        /* per class */

/* Classes: the plan's argument kind (integer registers or floating-point
   ones) and the result's. */
enum {
    ALIEN_TRAMPOLINE_II, ALIEN_TRAMPOLINE_ID, ALIEN_TRAMPOLINE_DI, ALIEN_TRAMPOLINE_DD,
    ALIEN_TRAMPOLINE_CLASSES
};

/* The callback each trampoline runs; NULL when the slot is free. */
static void *alien_trampoline_owner[ALIEN_TRAMPOLINE_CLASSES][ALIEN_TRAMPOLINES];

typedef union { int64_t i; double d; } alien_trampoline_result;

/* The class a callback's plan needs; -1 when it has no plain plan. */
static int alien_trampoline_class(const alien_function_head *f) {
    int double_result = f->result == ALIEN_KIND_DOUBLE;
    if (f->direct == ALIEN_DIRECT_INTEGERS) return double_result ? ALIEN_TRAMPOLINE_ID : ALIEN_TRAMPOLINE_II;
    if (f->direct == ALIEN_DIRECT_DOUBLES) return double_result ? ALIEN_TRAMPOLINE_DD : ALIEN_TRAMPOLINE_DI;
    return -1;
}

/* A call of trampoline `slot` of `class`, with the argument registers of its
   kind (the other pointer is NULL). The result is zero when the slot is free
   or the callback was re-typed since C took this address (C calls it by its
   old type: its arguments are not where the new plan says). */
__attribute__((noinline)) static void alien_trampoline_run(int class, int slot, int64_t *a, double *d,
                                                           alien_trampoline_result *result) {
    const alien_function_head *f =
        (const alien_function_head *)__atomic_load_n(&alien_trampoline_owner[class][slot], __ATOMIC_ACQUIRE);
    alien_callback_arguments arguments = { NULL, a, d };
    void *pointers[ALIEN_DIRECT_MAXDOUBLES];
    result->i = 0;
    if (f == NULL || alien_trampoline_class(f) != class) return;
    if (!alien_callback_is_direct(f)) {   /* direct calls off: the core reads them as libffi gives them */
        int i;
        for (i = 0; i < f->count; i++)    /* little-endian: a narrower kind reads the low bytes */
            pointers[i] = d != NULL ? (void *)&d[i] : (void *)&a[i];
        arguments.pointers = pointers;
    }
    alien_callback_invoke((void *)f, &arguments, result);
}

#define ALIEN_TRAMPOLINE_INTEGERS int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5
#define ALIEN_TRAMPOLINE_DOUBLES double d0, double d1, double d2, double d3, double d4, double d5, double d6, double d7
#define ALIEN_TRAMPOLINE_FROM_INTEGERS(class, slot) \
    int64_t a[ALIEN_DIRECT_MAXINTEGERS] = { a0, a1, a2, a3, a4, a5 }; \
    alien_trampoline_result result; \
    alien_trampoline_run(class, slot, a, NULL, &result);
#define ALIEN_TRAMPOLINE_FROM_DOUBLES(class, slot) \
    double d[ALIEN_DIRECT_MAXDOUBLES] = { d0, d1, d2, d3, d4, d5, d6, d7 }; \
    alien_trampoline_result result; \
    alien_trampoline_run(class, slot, NULL, d, &result);

/* The four trampolines of slot `slot`, named by `name` (octal digit pairs). */
#define ALIEN_TRAMPOLINE_SET(name, slot) \
    static int64_t alien_trampoline_ii##name(ALIEN_TRAMPOLINE_INTEGERS) { \
        ALIEN_TRAMPOLINE_FROM_INTEGERS(ALIEN_TRAMPOLINE_II, slot) return result.i; } \
    static double alien_trampoline_id##name(ALIEN_TRAMPOLINE_INTEGERS) { \
        ALIEN_TRAMPOLINE_FROM_INTEGERS(ALIEN_TRAMPOLINE_ID, slot) return result.d; } \
    static int64_t alien_trampoline_di##name(ALIEN_TRAMPOLINE_DOUBLES) { \
        ALIEN_TRAMPOLINE_FROM_DOUBLES(ALIEN_TRAMPOLINE_DI, slot) return result.i; } \
    static double alien_trampoline_dd##name(ALIEN_TRAMPOLINE_DOUBLES) { \
        ALIEN_TRAMPOLINE_FROM_DOUBLES(ALIEN_TRAMPOLINE_DD, slot) return result.d; }

#define ALIEN_TRAMPOLINE_EIGHT(X, n) X(n##0, n * 8 + 0) X(n##1, n * 8 + 1) X(n##2, n * 8 + 2) X(n##3, n * 8 + 3) \
    X(n##4, n * 8 + 4) X(n##5, n * 8 + 5) X(n##6, n * 8 + 6) X(n##7, n * 8 + 7)
#define ALIEN_TRAMPOLINE_ALL(X) \
    ALIEN_TRAMPOLINE_EIGHT(X, 0) ALIEN_TRAMPOLINE_EIGHT(X, 1) ALIEN_TRAMPOLINE_EIGHT(X, 2) \
    ALIEN_TRAMPOLINE_EIGHT(X, 3) ALIEN_TRAMPOLINE_EIGHT(X, 4) ALIEN_TRAMPOLINE_EIGHT(X, 5) \
    ALIEN_TRAMPOLINE_EIGHT(X, 6) ALIEN_TRAMPOLINE_EIGHT(X, 7)

ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_SET)

#define ALIEN_TRAMPOLINE_II_CODE(name, slot) (void *)alien_trampoline_ii##name,
#define ALIEN_TRAMPOLINE_ID_CODE(name, slot) (void *)alien_trampoline_id##name,
#define ALIEN_TRAMPOLINE_DI_CODE(name, slot) (void *)alien_trampoline_di##name,
#define ALIEN_TRAMPOLINE_DD_CODE(name, slot) (void *)alien_trampoline_dd##name,
static void *const alien_trampoline_code[ALIEN_TRAMPOLINE_CLASSES][ALIEN_TRAMPOLINES] = {
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_II_CODE) },
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_ID_CODE) },
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_DI_CODE) },
    { ALIEN_TRAMPOLINE_ALL(ALIEN_TRAMPOLINE_DD_CODE) },
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
