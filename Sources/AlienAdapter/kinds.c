/*
 * Conversions between Lua values and C memory, by value kind, generated from
 * the kind table in alien_bridge.h (the Swift core uses the same table, so
 * the direct path here and the libffi path there cannot disagree).
 * These take plain values only; anything else (a buffer for a pointer, a
 * number for a string, a string for a number) is left to the core, which
 * knows every conversion and its error message.
 */

static void alien_pushfunction(lua_State *L, void *address);

/* Pushes the value of `kind` stored in C memory at p (any alignment). */
static inline __attribute__((always_inline)) void alien_kind_push(lua_State *L, int kind, const void *p) {
    void *address;
#if LUA_VERSION_NUM < 503
    /* Numbers only: U64 is the one integer kind whose bits are not a signed value. */
    if (kind == ALIEN_KIND_U64) { uint64_t v; memcpy(&v, p, sizeof v); alien_pushuint64(L, v); return; }
#endif
    switch (kind) {
#define ALIEN_PUSH_INTEGER(name, ctype) \
    case ALIEN_KIND_##name: { ctype v; memcpy(&v, p, sizeof v); alien_pushint64(L, (int64_t)v); return; }
    ALIEN_INTEGER_KINDS(ALIEN_PUSH_INTEGER)
#undef ALIEN_PUSH_INTEGER
    case ALIEN_KIND_FLOAT: { float v; memcpy(&v, p, sizeof v); lua_pushnumber(L, (lua_Number)v); return; }
    case ALIEN_KIND_DOUBLE: { double v; memcpy(&v, p, sizeof v); lua_pushnumber(L, (lua_Number)v); return; }
    default: break;
    }
    memcpy(&address, p, sizeof address);
    if (address == NULL || kind == ALIEN_KIND_VOID) lua_pushnil(L);
    else if (kind == ALIEN_KIND_STRING) lua_pushstring(L, (const char *)address);
    else if (kind == ALIEN_KIND_CALLBACK) alien_pushfunction(L, address);
    else lua_pushlightuserdata(L, address);
}

/* The value at idx as an argument of `kind`, in a 64-bit register as C would
   pass it (narrowed to the kind, then sign- or zero-extended); for pointer
   and string kinds its address. 0 when the value is not of the plain kind. */
static inline __attribute__((always_inline))
int alien_kind_tointeger(lua_State *L, int idx, int kind, int64_t *out) {
    int64_t v;
    if (kind > ALIEN_KIND_U64) {                                /* pointers and strings */
        int t = lua_type(L, idx);
        if (t == LUA_TNIL) { *out = 0; return 1; }
        if (kind == ALIEN_KIND_POINTER && t == LUA_TLIGHTUSERDATA) {
            *out = (int64_t)(intptr_t)lua_touserdata(L, idx);
            return 1;
        }
        if (kind == ALIEN_KIND_STRING && t == LUA_TSTRING) {   /* a string already: no conversion */
            *out = (int64_t)(intptr_t)lua_tolstring(L, idx, NULL);
            return 1;
        }
        return 0;
    }
    if (!alien_tointeger64(L, idx, &v)) return 0;
    *out = alien_kind_widen(kind, v);
    return 1;
}

/* A plain Lua number as a double; 0 for anything else. */
static inline int alien_kind_todouble(lua_State *L, int idx, double *out) {
    if (lua_type(L, idx) != LUA_TNUMBER) return 0;
    *out = (double)lua_tonumber(L, idx);
    return 1;
}

/* Stores the value at idx in C memory at p as `kind` (integers, pointers
   and doubles); 0 when the value is not of the plain kind. */
static inline int alien_kind_to(lua_State *L, int idx, int kind, void *p) {
    int64_t v;
    double d;
    if (kind <= ALIEN_KIND_U64) {              /* the store keeps the low bits: no need to narrow first */
        if (!alien_tointeger64(L, idx, &v)) return 0;
        alien_kind_store(kind, p, v);
    } else if (kind == ALIEN_KIND_DOUBLE) {
        if (!alien_kind_todouble(L, idx, &d)) return 0;
        memcpy(p, &d, sizeof d);
    } else {
        if (kind != ALIEN_KIND_POINTER || !alien_kind_tointeger(L, idx, kind, &v)) return 0;
        memcpy(p, &v, sizeof(void *));
    }
    return 1;
}

static void alien_pushview(lua_State *L, const alien_ctype *type, int owner, size_t offset);
static void alien_pushcopy(lua_State *L, const alien_ctype *type, const void *bytes);
static void alien_pushctype(lua_State *L, const alien_ctype *type);

/* Pushes the values the core handed back. */
static int alien_push(lua_State *L, const alien_value *values, int count) {
    int i;
    luaL_checkstack(L, count, "alien: too many results");
    for (i = 0; i < count; i++) {
        const alien_value *v = &values[i];
        switch (v->kind) {
        case ALIEN_VINT: alien_pushint64(L, v->v.i); break;
        case ALIEN_VUINT: alien_pushuint64(L, v->v.u); break;
        case ALIEN_VNUM: lua_pushnumber(L, (lua_Number)v->v.n); break;
        case ALIEN_VSTR:
            if (v->v.p != NULL) lua_pushstring(L, (const char *)v->v.p); else lua_pushnil(L);
            break;
        case ALIEN_VLSTR: lua_pushlstring(L, (const char *)v->v.p, v->len); break;
        case ALIEN_VPTR:
            if (v->v.p != NULL) lua_pushlightuserdata(L, (void *)v->v.p); else lua_pushnil(L);
            break;
        case ALIEN_VBOOL: lua_pushboolean(L, v->v.i != 0); break;
        case ALIEN_VSTACK: lua_pushvalue(L, (int)v->v.i); break;
        case ALIEN_VFUNC: alien_pushfunction(L, (void *)v->v.p); break;
        case ALIEN_VVIEW: alien_pushview(L, v->type, v->owner, v->len); break;
        case ALIEN_VCOPY: alien_pushcopy(L, v->type, v->v.p); break;
        case ALIEN_VTYPE: alien_pushctype(L, v->type); break;
        default: lua_pushnil(L); break;
        }
    }
    return count;
}
