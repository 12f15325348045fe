/*
 * The direct path: calls by the plan the core left in a function's head
 * (alien_function_head), through a typed C function pointer instead of libffi.
 *
 * Contract: a direct call does exactly what the core would do for the same
 * arguments: the same narrowing and extension (the kind table), the same
 * results, the same errno capture and callback protocol. On any value it
 * does not expect (not a plain number, light userdata, string, nil, or for a
 * pointer or string one of alien's buffers or functions, of the planned kind;
 * a wrong argument count; direct calls switched off) it does
 * nothing and hands the whole call to the core, which has every conversion
 * and error message. The core only plans signatures for which a typed call
 * is the same call on the platform's C ABI (DirectCall.swift).
 */

typedef int64_t (*alien_i0)(void);
typedef int64_t (*alien_i1)(int64_t);
typedef int64_t (*alien_i2)(int64_t, int64_t);
typedef int64_t (*alien_i3)(int64_t, int64_t, int64_t);
typedef int64_t (*alien_i4)(int64_t, int64_t, int64_t, int64_t);
typedef int64_t (*alien_i5)(int64_t, int64_t, int64_t, int64_t, int64_t);
typedef int64_t (*alien_i6)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t);
typedef double (*alien_di0)(void);
typedef double (*alien_di1)(int64_t);
typedef double (*alien_di2)(int64_t, int64_t);
typedef double (*alien_di3)(int64_t, int64_t, int64_t);
typedef double (*alien_di4)(int64_t, int64_t, int64_t, int64_t);
typedef double (*alien_di5)(int64_t, int64_t, int64_t, int64_t, int64_t);
typedef double (*alien_di6)(int64_t, int64_t, int64_t, int64_t, int64_t, int64_t);
typedef int64_t (*alien_id1)(double);
typedef int64_t (*alien_id2)(double, double);
typedef int64_t (*alien_id3)(double, double, double);
typedef int64_t (*alien_id4)(double, double, double, double);
typedef int64_t (*alien_id5)(double, double, double, double, double);
typedef int64_t (*alien_id6)(double, double, double, double, double, double);
typedef int64_t (*alien_id7)(double, double, double, double, double, double, double);
typedef int64_t (*alien_id8)(double, double, double, double, double, double, double, double);
typedef double (*alien_d1)(double);
typedef double (*alien_d2)(double, double);
typedef double (*alien_d3)(double, double, double);
typedef double (*alien_d4)(double, double, double, double);
typedef double (*alien_d5)(double, double, double, double, double);
typedef double (*alien_d6)(double, double, double, double, double, double);
typedef double (*alien_d7)(double, double, double, double, double, double, double);
typedef double (*alien_d8)(double, double, double, double, double, double, double, double);

/* Calls through a typed pointer; the result is in *ri or *rd, by the result kind. */
static inline __attribute__((always_inline)) void alien_direct_invoke(const alien_function_head *f, const int64_t *a, const double *d,
                                int64_t *ri, double *rd) {
    void *p = f->address;
    int dr = f->result == ALIEN_KIND_DOUBLE;
    if (f->direct != ALIEN_DIRECT_DOUBLES) {            /* INTEGERS or REFS */
        switch (f->count) {
        case 0: if (dr) *rd = ((alien_di0)p)(); else *ri = ((alien_i0)p)(); break;
        case 1: if (dr) *rd = ((alien_di1)p)(a[0]); else *ri = ((alien_i1)p)(a[0]); break;
        case 2: if (dr) *rd = ((alien_di2)p)(a[0], a[1]); else *ri = ((alien_i2)p)(a[0], a[1]); break;
        case 3: if (dr) *rd = ((alien_di3)p)(a[0], a[1], a[2]); else *ri = ((alien_i3)p)(a[0], a[1], a[2]); break;
        case 4: if (dr) *rd = ((alien_di4)p)(a[0], a[1], a[2], a[3]); else *ri = ((alien_i4)p)(a[0], a[1], a[2], a[3]); break;
        case 5: if (dr) *rd = ((alien_di5)p)(a[0], a[1], a[2], a[3], a[4]);
                else *ri = ((alien_i5)p)(a[0], a[1], a[2], a[3], a[4]);
                break;
        default: if (dr) *rd = ((alien_di6)p)(a[0], a[1], a[2], a[3], a[4], a[5]);
                 else *ri = ((alien_i6)p)(a[0], a[1], a[2], a[3], a[4], a[5]);
                 break;
        }
    } else {
        switch (f->count) {
        case 1: if (dr) *rd = ((alien_d1)p)(d[0]); else *ri = ((alien_id1)p)(d[0]); break;
        case 2: if (dr) *rd = ((alien_d2)p)(d[0], d[1]); else *ri = ((alien_id2)p)(d[0], d[1]); break;
        case 3: if (dr) *rd = ((alien_d3)p)(d[0], d[1], d[2]); else *ri = ((alien_id3)p)(d[0], d[1], d[2]); break;
        case 4: if (dr) *rd = ((alien_d4)p)(d[0], d[1], d[2], d[3]); else *ri = ((alien_id4)p)(d[0], d[1], d[2], d[3]); break;
        case 5: if (dr) *rd = ((alien_d5)p)(d[0], d[1], d[2], d[3], d[4]);
                else *ri = ((alien_id5)p)(d[0], d[1], d[2], d[3], d[4]);
                break;
        case 6: if (dr) *rd = ((alien_d6)p)(d[0], d[1], d[2], d[3], d[4], d[5]);
                else *ri = ((alien_id6)p)(d[0], d[1], d[2], d[3], d[4], d[5]);
                break;
        case 7: if (dr) *rd = ((alien_d7)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
                else *ri = ((alien_id7)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
                break;
        default: if (dr) *rd = ((alien_d8)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
                 else *ri = ((alien_id8)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
                 break;
        }
    }
}

/* Pushes a direct call's result (one value). One switch, generated from the
   kind table, narrows it (U64 is pushed as unsigned: on Luas without
   integers that differs). */
static inline __attribute__((always_inline)) int alien_direct_pushresult(lua_State *L, int result, int64_t ri, double rd) {
    switch (result) {
    case ALIEN_KIND_VOID: lua_pushnil(L); return 1;   /* one nil, as the original returned */
    case ALIEN_KIND_DOUBLE: lua_pushnumber(L, (lua_Number)rd); return 1;
#define ALIEN_DIRECT_RESULT(name, ctype) case ALIEN_KIND_##name: \
    if (ALIEN_KIND_##name == ALIEN_KIND_U64) alien_pushuint64(L, (uint64_t)ri); \
    else alien_pushint64(L, (int64_t)(ctype)ri); \
    return 1;
    ALIEN_INTEGER_KINDS(ALIEN_DIRECT_RESULT)
#undef ALIEN_DIRECT_RESULT
    default:                                   /* an address: POINTER or STRING */
        if (ri == 0) lua_pushnil(L);
        else if (result == ALIEN_KIND_STRING) lua_pushstring(L, (const char *)(intptr_t)ri);
        else lua_pushlightuserdata(L, (void *)(intptr_t)ri);
        return 1;
    }
}

/* A pointer or string argument given as one of alien's buffers or functions:
   the address the core would pass (a buffer's memory, a function's code), read
   from the object's head. Only for call arguments: the value stays on the
   stack, alive, for the whole call (a store into memory would have to pin it,
   which the core does). 0 for anything else, including a buffer with no
   memory and a finalized object (its kind is DEAD). */
static inline int alien_direct_object(lua_State *L, int idx, int kind, int64_t *out) {
    const alien_buffer_head *b;
    const alien_function_head *fn;
    if (kind != ALIEN_KIND_POINTER && kind != ALIEN_KIND_STRING) return 0;
    if ((b = alien_toobject(L, idx, ALIEN_OBJECT_BUFFER, sizeof *b)) != NULL) {
        if (b->data == NULL) return 0;
        *out = (int64_t)(intptr_t)b->data;
        return 1;
    }
    if ((fn = alien_toobject(L, idx, ALIEN_OBJECT_FUNCTION, sizeof *fn)) != NULL) {
        *out = (int64_t)(intptr_t)fn->address;
        return 1;
    }
    return 0;
}

/* gcc -Wmaybe-uninitialized (ci/cwarnings.sh) cannot see that a doubles plan
   has 1 to 8 arguments (DirectCall.swift), of which alien_direct_invoke reads
   only as many as the plan has; zeroing d on every call would cost the hot path. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/* A call by the direct plan of f, its arguments from stack index `first`
   on (2 after the function object, 1 in a bound function); -1 when an
   argument is not of the plain kind the plan expects. */
static inline __attribute__((always_inline)) int alien_direct_call(lua_State *L, const alien_function_head *f, int first) {
    int64_t a[ALIEN_DIRECT_MAXINTEGERS], ri = 0;
    double d[ALIEN_DIRECT_MAXDOUBLES], rd = 0;
    alien_frame frame;
    int i, result = f->result;                /* read now: a callback may re-type f during the call */
    int refs = 0;                             /* ref arguments: slots[] and their kinds, in order */
    uint64_t slots[ALIEN_DIRECT_MAXINTEGERS];
    unsigned char referent[ALIEN_DIRECT_MAXINTEGERS];
    if (f->direct == ALIEN_DIRECT_INTEGERS) {
        for (i = 0; i < f->count; i++)
            if (!alien_kind_tointeger(L, i + first, f->argument[i], &a[i])
                && !alien_direct_object(L, i + first, f->argument[i], &a[i])) return -1;
    } else if (f->direct == ALIEN_DIRECT_DOUBLES) {
        for (i = 0; i < f->count; i++)
            if (!alien_kind_todouble(L, i + first, &d[i])) return -1;
    } else {                                   /* REFS: a slot for each ref */
        for (i = 0; i < f->count; i++) {
            int kind = f->argument[i];
            if (kind & ALIEN_DIRECT_REF) {
                if (!alien_kind_to(L, i + first, kind & ~ALIEN_DIRECT_REF, &slots[refs])) return -1;
                a[i] = (int64_t)(intptr_t)&slots[refs];
                referent[refs++] = (unsigned char)(kind & ~ALIEN_DIRECT_REF);
            } else if (!alien_kind_tointeger(L, i + first, kind, &a[i])
                       && !alien_direct_object(L, i + first, kind, &a[i])) {
                return -1;
            }
        }
    }
    alien_enter(&frame, L, f->settings);
    alien_direct_invoke(f, a, d, &ri, &rd);
    alien_errno_value = errno;                 /* read right after C returned */
    alien_leave(&frame);
    if (refs > 0) {                            /* the result, then what C left in each ref */
        alien_direct_pushresult(L, result, ri, rd);
        for (i = 0; i < refs; i++) alien_kind_push(L, referent[i], &slots[i]);
        return 1 + refs;
    }
    return alien_direct_pushresult(L, result, ri, rd);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
