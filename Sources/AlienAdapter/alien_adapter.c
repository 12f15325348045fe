/*
 * The Lua side of alien, shared by every Lua version: each adapter target
 * (AlienLua51 ... AlienLuaJIT) is one file that includes this one, compiled
 * against that Lua's headers.
 *
 * It implements the non-raising bridge of alien_bridge.h, builds the module
 * and its metatables, and holds the lua_CFunction entry points. An entry point
 * may raise before or after it calls the Swift core, never while Swift is on
 * the C stack: the core reports failure with a status, and alien_raise turns
 * it into a Lua error once Swift has returned.
 */
#include <errno.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "alien_bridge.h"
#include "alien_core.h"

#define ALIEN_VERSION "0.8.0"
#define ALIEN_LIBRARY_MT "alien_library"
#define ALIEN_FUNCTION_MT "alien_function"
#define ALIEN_BUFFER_MT "alien_buffer"
#define ALIEN_ARRAY_MT "alien_array"
#define ALIEN_TAG_PREFIX "alien.tag."
#define ALIEN_CALLBACKS_KEY "alien.callbacks"
#define ALIEN_STRUCT_MT "alien_struct_type"
#define ALIEN_INSTANCE_MT "alien_struct_instance"

/* The key (its address) under which a struct type keeps its field table. */
static const char alien_fields_key = 0;
#define ALIEN_LOADED_KEY "alien.loaded"
#define ALIEN_STRUCT_KEY "alien.struct"

#if defined(__linux__)
#define ALIEN_PLATFORM "linux"
#elif defined(__APPLE__)
#define ALIEN_PLATFORM "darwin"
#elif defined(_WIN32)
#define ALIEN_PLATFORM "windows"
#else
#define ALIEN_PLATFORM "bsd"
#endif

/* ---------------------------------------------------------------------- */
/* Version differences, in the style of lua-compat-5.3                     */
/* ---------------------------------------------------------------------- */

#if LUA_VERSION_NUM == 501
static void alien_setfuncs(lua_State *L, const luaL_Reg *l) {
    for (; l->name != NULL; l++) {
        lua_pushcfunction(L, l->func);
        lua_setfield(L, -2, l->name);
    }
}
static lua_Number alien_tonumberx(lua_State *L, int idx, int *isnum) {
    *isnum = lua_isnumber(L, idx);
    return *isnum ? lua_tonumber(L, idx) : 0;
}
#define alien_rawlen(L, i) lua_objlen(L, i)
#define alien_setuservalue(L, i) lua_setfenv(L, i)
#define alien_getuservalue(L, i) lua_getfenv(L, i)
#else
#define alien_setfuncs(L, l) luaL_setfuncs(L, l, 0)
#define alien_tonumberx(L, i, isnum) lua_tonumberx(L, i, isnum)
#define alien_rawlen(L, i) lua_rawlen(L, i)
#define alien_setuservalue(L, i) lua_setuservalue(L, i)
#define alien_getuservalue(L, i) lua_getuservalue(L, i)
#endif

/* Whether the value at index has the named metatable (luaL_testudata, which 5.1 lacks). */
static int alien_hasmetatable(lua_State *L, int index, const char *name) {
    int same;
    if (lua_type(L, index) != LUA_TUSERDATA || !lua_getmetatable(L, index)) return 0;
    luaL_getmetatable(L, name);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

static void alien_setmetatable(lua_State *L, const char *name) {
    luaL_getmetatable(L, name);
    lua_setmetatable(L, -2);
}

static void alien_pushint64(lua_State *L, int64_t i) {
#if LUA_VERSION_NUM >= 503
    lua_pushinteger(L, (lua_Integer)i);
#else
    lua_pushnumber(L, (lua_Number)i);
#endif
}

static void alien_pushuint64(lua_State *L, uint64_t u) {
#if LUA_VERSION_NUM >= 503
    lua_pushinteger(L, (lua_Integer)u); /* the same 64 bits */
#else
    lua_pushnumber(L, (lua_Number)u);
#endif
}

/* ---------------------------------------------------------------------- */
/* The bridge (alien_bridge.h): nothing here raises                        */
/* ---------------------------------------------------------------------- */

static char alien_error_message[1024];
static int alien_errno_value;
/* Whether calls may follow the direct plan (alien.directcalls). */
static int alien_direct_enabled = 1;

void alien_lua_seterrno(int value) { alien_errno_value = value; }
int alien_lua_errno(void) { return alien_errno_value; }

int alien_lua_gettop(lua_State *L) { return lua_gettop(L); }
int alien_lua_type(lua_State *L, int idx) { return lua_type(L, idx); }
const char *alien_lua_typename(lua_State *L, int idx) { return lua_typename(L, lua_type(L, idx)); }
int alien_lua_toboolean(lua_State *L, int idx) { return lua_toboolean(L, idx); }

int alien_lua_tonumeric(lua_State *L, int idx, int64_t *i, double *n) {
    int ok, type = lua_type(L, idx);
    lua_Number number;
    if (type != LUA_TNUMBER && type != LUA_TSTRING) return 0;
#if LUA_VERSION_NUM >= 503
    {
        lua_Integer integer = lua_tointegerx(L, idx, &ok);
        if (ok) { *i = (int64_t)integer; return 1; }
    }
#endif
    number = alien_tonumberx(L, idx, &ok);
    if (!ok) return 0;
    *n = (double)number;
    return 2;
}

const char *alien_lua_tostring(lua_State *L, int idx, size_t *len) {
    if (lua_type(L, idx) != LUA_TSTRING) return NULL;
    return lua_tolstring(L, idx, len);
}

void *alien_lua_touserdata(lua_State *L, int idx) { return lua_touserdata(L, idx); }

size_t alien_lua_rawlen(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TTABLE ? (size_t)alien_rawlen(L, idx) : 0;
}

void *alien_lua_toudata(lua_State *L, int idx, size_t minsize) {
    if (lua_type(L, idx) != LUA_TUSERDATA || alien_rawlen(L, idx) < minsize) return NULL;
    return lua_touserdata(L, idx);
}

alien_object_head *alien_lua_toobject(lua_State *L, int idx, size_t *size) {
    alien_object_head *head;
    if (lua_type(L, idx) != LUA_TUSERDATA) return NULL;
    *size = (size_t)alien_rawlen(L, idx);
    head = (alien_object_head *)lua_touserdata(L, idx);
    return *size >= sizeof *head && head->magic == ALIEN_OBJECT_MAGIC ? head : NULL;
}

void alien_lua_seterror(const char *message) {
    strncpy(alien_error_message, message, sizeof alien_error_message - 1);
    alien_error_message[sizeof alien_error_message - 1] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Calls in progress, and callbacks run for them                          */
/* ---------------------------------------------------------------------- */

/* One per alien call that is running, innermost on top. A callback runs on
   the Lua thread of the innermost call; its failure is remembered there. */
typedef struct alien_frame {
    lua_State *L;
    int failed;
    struct alien_frame *previous;
} alien_frame;

static alien_frame *alien_top_frame;

typedef struct {
    void *callback;
    void **arguments;
    void *result;
} alien_invocation;

static int alien_push(lua_State *L, const alien_value *values, int count);
static int alien_raise(lua_State *L);

/* The message handler of a callback's Lua function: adds a traceback. */
static int alien_traceback(lua_State *L) {
#if LUA_VERSION_NUM >= 502 || defined(ALIEN_LUAJIT)
    const char *message = lua_tostring(L, 1);
    if (message != NULL) luaL_traceback(L, L, message, 1);
#endif
    return 1;
}

static inline int alien_direct_integer(lua_State *L, int idx, int kind, int64_t *out);

/* A callback argument of a direct plan's kind, pushed straight from C's memory. */
static void alien_callback_push_direct(lua_State *L, int kind, const void *p) {
    switch (kind) {
    case ALIEN_KIND_I8: alien_pushint64(L, *(const int8_t *)p); break;
    case ALIEN_KIND_U8: alien_pushint64(L, *(const uint8_t *)p); break;
    case ALIEN_KIND_I16: alien_pushint64(L, *(const int16_t *)p); break;
    case ALIEN_KIND_U16: alien_pushint64(L, *(const uint16_t *)p); break;
    case ALIEN_KIND_I32: alien_pushint64(L, *(const int32_t *)p); break;
    case ALIEN_KIND_U32: alien_pushint64(L, *(const uint32_t *)p); break;
    case ALIEN_KIND_U64: alien_pushuint64(L, *(const uint64_t *)p); break;
    case ALIEN_KIND_DOUBLE: lua_pushnumber(L, (lua_Number)*(const double *)p); break;
    case ALIEN_KIND_POINTER:
        if (*(void *const *)p != NULL) lua_pushlightuserdata(L, *(void *const *)p); else lua_pushnil(L);
        break;
    default: alien_pushint64(L, *(const int64_t *)p); break;
    }
}

/* The Lua function's result (top of the stack) written for C as a direct
   plan's kind; 0 when the value is not of the plain kind (the core then
   converts it, with its errors). Integers are widened to a full register. */
static int alien_callback_result_direct(lua_State *L, int kind, void *result) {
    int64_t v;
    if (kind == ALIEN_KIND_VOID) return 1;
    if (kind == ALIEN_KIND_DOUBLE) {
        if (lua_type(L, -1) != LUA_TNUMBER) return 0;
        *(double *)result = (double)lua_tonumber(L, -1);
        return 1;
    }
    if (kind == ALIEN_KIND_STRING) return 0;
    if (!alien_direct_integer(L, lua_gettop(L), kind, &v)) return 0;
    *(int64_t *)result = v;
    return 1;
}

/* Runs under a protected call: the Lua function with the converted arguments,
   then its result converted for C. Errors here only unwind to that call,
   whose message handler adds a traceback (5.1 has no handler for lua_cpcall,
   so there the Lua function runs under a pcall of its own). Simple
   signatures (the direct plan) are converted here; others by the core. */
static int alien_callback_body(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 1);
    const alien_function_head *f = (const alien_function_head *)invocation->callback;
    int direct = f->direct != ALIEN_DIRECT_NONE && alien_direct_enabled;
    int count, i;
    lua_pushlightuserdata(L, invocation->callback);   /* registry[callback] is its Lua function */
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (direct) {
        count = f->count;
        for (i = 0; i < count; i++) alien_callback_push_direct(L, f->argument[i], invocation->arguments[i]);
    } else {
        alien_value arguments[ALIEN_MAXARGS];
        count = alien_core_callback_arguments(invocation->callback, invocation->arguments, arguments);
        if (count > LUA_MINSTACK - 4) luaL_checkstack(L, count + 4, "alien: no stack for a callback");
        alien_push(L, arguments, count);
    }
#if LUA_VERSION_NUM == 501
    lua_pushcfunction(L, alien_traceback);
    lua_insert(L, -(count + 2));
    if (lua_pcall(L, count, 1, -(count + 2)) != 0) return lua_error(L);
#else
    lua_call(L, count, 1);
#endif
    if (direct && alien_callback_result_direct(L, f->result, invocation->result)) return 0;
    for (;;) {
        int status = alien_core_callback_result(L, invocation->callback, invocation->result);
        if (status == 0) return 0;
        if (status > ALIEN_TOSTRING_BASE) return alien_raise(L);
        lua_tolstring(L, ALIEN_TOSTRING_BASE - status, NULL);
    }
}

/* Protected: converts the value at index 1 as the callback's result (index 2: the invocation). */
static int alien_callback_finish(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 2);
    lua_settop(L, 1);
    for (;;) {
        int status = alien_core_callback_result(L, invocation->callback, invocation->result);
        if (status == 0) return 0;
        if (status > ALIEN_TOSTRING_BASE) return alien_raise(L);
        lua_tolstring(L, ALIEN_TOSTRING_BASE - status, NULL);
    }
}

void alien_lua_invoke_callback(void *callback, void **arguments, void *result) {
    alien_frame *frame = alien_top_frame;
    alien_invocation invocation;
    lua_State *L;
    int top, status;
    if (frame == NULL || frame->failed) return;   /* no alien call to run on, or one failed already */
    L = frame->L;
    invocation.callback = callback;
    invocation.arguments = arguments;
    invocation.result = result;
    /* No lua_checkstack: L is running the C function of the alien call, which
       Lua gave LUA_MINSTACK free slots and which has pushed nothing since. */
    top = lua_gettop(L);
#if LUA_VERSION_NUM == 501
    status = lua_cpcall(L, alien_callback_body, &invocation);
#else
    lua_pushcfunction(L, alien_traceback);         /* light C functions: pushing allocates nothing */
    {
        const alien_function_head *f = (const alien_function_head *)callback;
        if (f->direct != ALIEN_DIRECT_NONE && alien_direct_enabled) {
            /* A direct plan: nothing below can raise outside the pcall (no
               allocation, no metamethods), so the Lua function is called at once. */
            int i;
            lua_pushlightuserdata(L, callback);
            lua_rawget(L, LUA_REGISTRYINDEX);
            for (i = 0; i < f->count; i++) alien_callback_push_direct(L, f->argument[i], arguments[i]);
            status = lua_pcall(L, f->count, 1, top + 1);
            if (status == 0 && !alien_callback_result_direct(L, f->result, result)) {
                lua_pushcfunction(L, alien_callback_finish);  /* not plain: the core converts it, protected */
                lua_insert(L, -2);
                lua_pushlightuserdata(L, &invocation);
                status = lua_pcall(L, 2, 0, top + 1);
            }
        } else {
            lua_pushcfunction(L, alien_callback_body);
            lua_pushlightuserdata(L, &invocation);
            status = lua_pcall(L, 1, 0, top + 1);
        }
    }
#endif
    if (status != 0) {
        frame->failed = 1;                        /* the error stays on top for the call to raise */
        memset(result, 0, 8);
#if LUA_VERSION_NUM != 501
        lua_remove(L, top + 1);                   /* the message handler */
#endif
    } else {
        lua_settop(L, top);
    }
}

/* ---------------------------------------------------------------------- */
/* Helpers of the entry points (these may raise: Swift is not running)     */
/* ---------------------------------------------------------------------- */

static int alien_raise(lua_State *L) {
    return luaL_error(L, "%s", alien_error_message);
}

static void alien_pushfunction(lua_State *L, void *address);

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
        default: lua_pushnil(L); break;
        }
    }
    return count;
}

/* Runs a core entry point that only reads the stack and returns values. */
typedef int (*alien_core_fn)(lua_State *L, alien_value *out);

/* Calls the core, converting a number argument to a string in place and
   calling again when the core asks for it; raises the core's errors. */
static int alien_call(lua_State *L, alien_core_fn fn, alien_value *out) {
    int n;
    for (;;) {
        n = fn(L, out);
        if (n > ALIEN_TOSTRING_BASE) break;
        lua_tolstring(L, ALIEN_TOSTRING_BASE - n, NULL); /* Lua's own number-to-string */
    }
    if (n < 0) return alien_raise(L);
    return n;
}

static int alien_run(lua_State *L, alien_core_fn fn) {
    alien_value out[ALIEN_MAXRESULTS];
    int n = alien_call(L, fn, out);
    return alien_push(L, out, n);
}

#define ALIEN_ENTRY(name, corefn) \
    static int name(lua_State *L) { return alien_run(L, corefn); }

/* A new userdata of `size` zeroed bytes with the named metatable and an
   empty uservalue table, left on the stack. */
static void *alien_newobject(lua_State *L, size_t size, const char *metatable) {
    void *block = lua_newuserdata(L, size);
    memset(block, 0, size);
    alien_setmetatable(L, metatable);
    lua_newtable(L);
    alien_setuservalue(L, -2);
    return block;
}

/* ---------------------------------------------------------------------- */
/* Libraries                                                              */
/* ---------------------------------------------------------------------- */

static void alien_pushloaded(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_LOADED_KEY);
}

/* alien.load(name): cached in alien.loaded while something references it. */
static int alien_load(lua_State *L) {
    void *library;
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    alien_pushloaded(L);                    /* 2 */
    lua_pushvalue(L, 1);
    lua_rawget(L, 2);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    library = alien_newobject(L, alien_core_library_size(), ALIEN_LIBRARY_MT); /* 3 */
    if (alien_core_library_open(L, library, 0) < 0) return alien_raise(L);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_rawset(L, 2);
    return 1;
}

static int alien_open_default(lua_State *L) {
    void *library = alien_newobject(L, alien_core_library_size(), ALIEN_LIBRARY_MT);
    if (alien_core_library_open(L, library, 1) < 0) return alien_raise(L);
    return 1;
}

static void *alien_newfunction(lua_State *L) {
    return alien_newobject(L, alien_core_function_size(), ALIEN_FUNCTION_MT);
}

/* lib.name: the function object for a symbol, the same one each time. */
static int alien_library_index(lua_State *L) {
    void *library = luaL_checkudata(L, 1, ALIEN_LIBRARY_MT);
    void *function;
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    alien_getuservalue(L, 1);               /* 3: the cache */
    lua_pushvalue(L, 2);
    lua_rawget(L, 3);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    function = alien_newfunction(L);        /* 4 */
    if (alien_core_library_symbol(L, library, function) < 0) return alien_raise(L);
    lua_createtable(L, 1, 0);               /* the function keeps its library loaded */
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, 1);
    alien_setuservalue(L, 4);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 4);
    lua_rawset(L, 3);
    return 1;
}

static int alien_library_tostring(lua_State *L) {
    void *library = luaL_checkudata(L, 1, ALIEN_LIBRARY_MT);
    const char *name = alien_core_library_name(library);
    lua_pushfstring(L, "alien library %s", name ? name : "(closed)");
    return 1;
}

static int alien_library_gc(lua_State *L) {
    alien_core_library_gc(luaL_checkudata(L, 1, ALIEN_LIBRARY_MT));
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Functions                                                              */
/* ---------------------------------------------------------------------- */

/* ---- direct calls: the plan the core left in the function's head ---- */

/* The argument at idx as the plan's kind wants it, widened to 64 bits as C
   would extend it; 0 when the value is not of the plain kind (the core then
   takes the call, with all of its conversions and errors). */
static inline __attribute__((always_inline))
int alien_direct_integer(lua_State *L, int idx, int kind, int64_t *out) {
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
#if LUA_VERSION_NUM >= 503
    {
        int ok;
        v = (int64_t)lua_tointegerx(L, idx, &ok);
        if (!ok) return 0;
    }
#else
    {
        lua_Number n = lua_tonumber(L, idx);                  /* 0 for what is not a number */
        if (n == 0 && lua_type(L, idx) != LUA_TNUMBER) return 0;
        if (!(n > -9223372036854775808.0 && n < 9223372036854775808.0)) return 0;
        v = (int64_t)n;
    }
#endif
    switch (kind) {
    case ALIEN_KIND_I8: v = (int8_t)v; break;
    case ALIEN_KIND_U8: v = (uint8_t)v; break;
    case ALIEN_KIND_I16: v = (int16_t)v; break;
    case ALIEN_KIND_U16: v = (uint16_t)v; break;
    case ALIEN_KIND_I32: v = (int32_t)v; break;
    case ALIEN_KIND_U32: v = (uint32_t)v; break;
    default: break;
    }
    *out = v;
    return 1;
}

static int alien_direct_double(lua_State *L, int idx, double *out) {
    if (lua_type(L, idx) != LUA_TNUMBER) return 0;
    *out = (double)lua_tonumber(L, idx);
    return 1;
}

/* Pushes an integer-class result of the plan's kind. */
static int alien_direct_push(lua_State *L, int kind, int64_t r) {
    switch (kind) {
    case ALIEN_KIND_VOID: return 0;
    case ALIEN_KIND_I8: alien_pushint64(L, (int8_t)r); break;
    case ALIEN_KIND_U8: alien_pushint64(L, (uint8_t)r); break;
    case ALIEN_KIND_I16: alien_pushint64(L, (int16_t)r); break;
    case ALIEN_KIND_U16: alien_pushint64(L, (uint16_t)r); break;
    case ALIEN_KIND_I32: alien_pushint64(L, (int32_t)r); break;
    case ALIEN_KIND_U32: alien_pushint64(L, (uint32_t)r); break;
    case ALIEN_KIND_U64: alien_pushuint64(L, (uint64_t)r); break;
    case ALIEN_KIND_POINTER:
        if (r != 0) lua_pushlightuserdata(L, (void *)(intptr_t)r); else lua_pushnil(L);
        break;
    case ALIEN_KIND_STRING:
        if (r != 0) lua_pushstring(L, (const char *)(intptr_t)r); else lua_pushnil(L);
        break;
    default: alien_pushint64(L, r); break;
    }
    return 1;
}

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

/* Calls through a typed pointer; the caller has pushed a frame. The result
   is in *ri or *rd, by the result kind. */
static void alien_direct_invoke(const alien_function_head *f, const int64_t *a, const double *d,
                                int64_t *ri, double *rd) {
    void *p = f->address;
    int dr = f->result == ALIEN_KIND_DOUBLE;
    if (f->direct == ALIEN_DIRECT_INTEGERS) {
        switch (f->count) {
        case 0: if (dr) *rd = ((alien_di0)p)(); else *ri = ((alien_i0)p)(); break;
        case 1: if (dr) *rd = ((alien_di1)p)(a[0]); else *ri = ((alien_i1)p)(a[0]); break;
        case 2: if (dr) *rd = ((alien_di2)p)(a[0], a[1]); else *ri = ((alien_i2)p)(a[0], a[1]); break;
        case 3: if (dr) *rd = ((alien_di3)p)(a[0], a[1], a[2]); else *ri = ((alien_i3)p)(a[0], a[1], a[2]); break;
        case 4: if (dr) *rd = ((alien_di4)p)(a[0], a[1], a[2], a[3]); else *ri = ((alien_i4)p)(a[0], a[1], a[2], a[3]); break;
        case 5: if (dr) *rd = ((alien_di5)p)(a[0], a[1], a[2], a[3], a[4]);
                else *ri = ((alien_i5)p)(a[0], a[1], a[2], a[3], a[4]); break;
        default: if (dr) *rd = ((alien_di6)p)(a[0], a[1], a[2], a[3], a[4], a[5]);
                 else *ri = ((alien_i6)p)(a[0], a[1], a[2], a[3], a[4], a[5]); break;
        }
    } else {
        switch (f->count) {
        case 1: if (dr) *rd = ((alien_d1)p)(d[0]); else *ri = ((alien_id1)p)(d[0]); break;
        case 2: if (dr) *rd = ((alien_d2)p)(d[0], d[1]); else *ri = ((alien_id2)p)(d[0], d[1]); break;
        case 3: if (dr) *rd = ((alien_d3)p)(d[0], d[1], d[2]); else *ri = ((alien_id3)p)(d[0], d[1], d[2]); break;
        case 4: if (dr) *rd = ((alien_d4)p)(d[0], d[1], d[2], d[3]); else *ri = ((alien_id4)p)(d[0], d[1], d[2], d[3]); break;
        case 5: if (dr) *rd = ((alien_d5)p)(d[0], d[1], d[2], d[3], d[4]);
                else *ri = ((alien_id5)p)(d[0], d[1], d[2], d[3], d[4]); break;
        case 6: if (dr) *rd = ((alien_d6)p)(d[0], d[1], d[2], d[3], d[4], d[5]);
                else *ri = ((alien_id6)p)(d[0], d[1], d[2], d[3], d[4], d[5]); break;
        case 7: if (dr) *rd = ((alien_d7)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
                else *ri = ((alien_id7)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6]); break;
        default: if (dr) *rd = ((alien_d8)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
                 else *ri = ((alien_id8)p)(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]); break;
        }
    }
}

/* A call by the direct plan; -1 when an argument is not of the plain kind
   the plan expects (the core then takes the whole call). */
static int alien_direct_call(lua_State *L, const alien_function_head *f) {
    int64_t a[ALIEN_DIRECT_MAXINTEGERS], ri = 0;
    double d[ALIEN_DIRECT_MAXDOUBLES], rd = 0;
    alien_frame frame;
    int i;
    if (f->direct == ALIEN_DIRECT_INTEGERS) {
        for (i = 0; i < f->count; i++)
            if (!alien_direct_integer(L, i + 2, f->argument[i], &a[i])) return -1;
    } else {
        for (i = 0; i < f->count; i++)
            if (!alien_direct_double(L, i + 2, &d[i])) return -1;
    }
    frame.L = L;
    frame.failed = 0;
    frame.previous = alien_top_frame;
    alien_top_frame = &frame;
    alien_direct_invoke(f, a, d, &ri, &rd);
    alien_errno_value = errno;
    alien_top_frame = frame.previous;
    if (frame.failed) return lua_error(L);
    if (f->result == ALIEN_KIND_DOUBLE) {
        lua_pushnumber(L, (lua_Number)rd);
        return 1;
    }
    return alien_direct_push(L, f->result, ri);
}

/* A call through the core and libffi. The frame is popped before anything
   can raise; a callback's error, kept on top of the stack, is raised once C
   has returned. */
__attribute__((noinline)) static int alien_core_function_call(lua_State *L) {
    alien_value out[ALIEN_MAXRESULTS];
    alien_frame frame;
    int n;
    frame.L = L;
    frame.failed = 0;
    frame.previous = alien_top_frame;
    for (;;) {
        alien_top_frame = &frame;
        n = alien_core_call(L, out);
        alien_top_frame = frame.previous;
        if (frame.failed) return lua_error(L);
        if (n > ALIEN_TOSTRING_BASE) break;
        lua_tolstring(L, ALIEN_TOSTRING_BASE - n, NULL);
    }
    if (n < 0) return alien_raise(L);
    return alien_push(L, out, n);
}

/* f(...): by the direct plan when there is one and the arguments are plain,
   else through the core. */
static int alien_function_call(lua_State *L) {
    if (alien_rawlen(L, 1) >= sizeof(alien_function_head)) {   /* a full userdata that large */
        const alien_function_head *f = (const alien_function_head *)lua_touserdata(L, 1);
        if (f->object.magic == ALIEN_OBJECT_MAGIC && f->object.kind == ALIEN_OBJECT_FUNCTION && f->direct != ALIEN_DIRECT_NONE && alien_direct_enabled
            && lua_gettop(L) == f->count + 1) {
            int n = alien_direct_call(L, f);
            if (n >= 0) return n;
        }
    }
    return alien_core_function_call(L);
}

/* Lays the stack out as [f, ret, abi, arg1, ..., argN] for either form of
   types(): positional (ret, arg...) or a table { ret=, abi=, arg... }. */
static void alien_normalize_types(lua_State *L, int first) {
    if (lua_type(L, first) == LUA_TTABLE) {
        int i, n = (int)alien_rawlen(L, first);
        lua_settop(L, first);
        luaL_checkstack(L, n + 2, "alien: too many types");
        lua_getfield(L, first, "ret");
        lua_getfield(L, first, "abi");
        for (i = 1; i <= n; i++) lua_rawgeti(L, first, i);
        lua_remove(L, first);
    } else {
        if (lua_gettop(L) < first) lua_settop(L, first);
        lua_pushnil(L);
        lua_insert(L, first + 1);
    }
}

static int alien_function_types(lua_State *L) {
    void *function = luaL_checkudata(L, 1, ALIEN_FUNCTION_MT);
    alien_normalize_types(L, 2);
    if (alien_core_function_types(L, function) < 0) return alien_raise(L);
    return 0;
}

static int alien_function_tostring(lua_State *L) {
    const char *name, *library;
    alien_core_function_names(luaL_checkudata(L, 1, ALIEN_FUNCTION_MT), &name, &library);
    lua_pushfstring(L, "alien function %s, library %s",
                    name ? name : "anonymous", library ? library : "anonymous");
    return 1;
}

static int alien_function_gc(lua_State *L) {
    void *function = luaL_checkudata(L, 1, ALIEN_FUNCTION_MT);
    if (alien_core_function_gc(function)) {  /* a callback: drop its Lua function */
        lua_pushlightuserdata(L, function);
        lua_pushnil(L);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
    return 0;
}

/* alien.callback(f, ret, arg...) or alien.callback(f, { ret=, abi=, arg... }) */
static int alien_callback(lua_State *L) {
    void *callback;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    alien_normalize_types(L, 2);            /* [f, ret, abi, arg...] */
    callback = alien_newfunction(L);
    lua_insert(L, 1);                       /* [cb, f, ret, abi, arg...] */
    lua_pushlightuserdata(L, callback);     /* registry[callback] = f until cb is collected */
    lua_pushvalue(L, 2);
    lua_rawset(L, LUA_REGISTRYINDEX);
    if (alien_core_callback_init(L, callback) < 0) return alien_raise(L);
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CALLBACKS_KEY);  /* code pointer -> callback, weak */
    lua_pushlightuserdata(L, alien_core_function_address(callback));
    lua_pushvalue(L, 1);
    lua_rawset(L, -3);
    lua_settop(L, 1);
    return 1;
}

/* alien.funcptr(ptr) */
static int alien_funcptr(lua_State *L) {
    void *function;
    lua_settop(L, 1);
    function = alien_newfunction(L);
    if (alien_core_function_from_pointer(L, function) < 0) return alien_raise(L);
    return 1;
}

/* The function for an address read from memory: the callback object itself
   when the address is a live callback's, else a new anonymous function. */
static void alien_pushfunction(lua_State *L, void *address) {
    if (address == NULL) { lua_pushnil(L); return; }
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CALLBACKS_KEY);
    lua_pushlightuserdata(L, address);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (!lua_isnil(L, -1)) return;
    lua_pop(L, 1);
    alien_core_function_init_address(alien_newfunction(L), address);
}

/* ---------------------------------------------------------------------- */
/* Buffers                                                                */
/* ---------------------------------------------------------------------- */

/* A new buffer on the stack, from the argument at `source` (0: `size` zeroed bytes). */
static void alien_newbuffer(lua_State *L, size_t block_size, int source) {
    void *block = lua_newuserdata(L, block_size);
    memset(block, 0, block_size);
    alien_setmetatable(L, ALIEN_BUFFER_MT);
    alien_core_buffer_init(L, block, block_size, source);
}

/* alien.buffer([size | string | lightuserdata]) */
static int alien_buffer(lua_State *L) {
    size_t block_size;
    lua_settop(L, 1);
    if (alien_core_buffer_request(L, &block_size) < 0) return alien_raise(L);
    alien_newbuffer(L, block_size, 1);
    return 1;
}

ALIEN_ENTRY(alien_buffer_byte, alien_core_buffer_byte)
ALIEN_ENTRY(alien_buffer_setbyte, alien_core_buffer_setbyte)
ALIEN_ENTRY(alien_buffer_length, alien_core_buffer_length)
ALIEN_ENTRY(alien_buffer_strlen, alien_core_buffer_strlen)
ALIEN_ENTRY(alien_buffer_tostring, alien_core_buffer_tostring)
ALIEN_ENTRY(alien_buffer_topointer, alien_core_buffer_topointer)
ALIEN_ENTRY(alien_buffer_tooffset, alien_core_buffer_tooffset)
ALIEN_ENTRY(alien_buffer_core_get, alien_core_buffer_get)
ALIEN_ENTRY(alien_buffer_core_set, alien_core_buffer_set)


/* For buf:get/buf:set done here: the memory of a scalar at the 1-based offset
   at index 2 of alien's own buffer at index 1, with the type named at index
   `type_index` (default char); NULL when anything is not plain (the core
   then does it, with its errors). */
static unsigned char *alien_buffer_direct(lua_State *L, int type_index, int *kind) {
    const alien_buffer_head *b;
    int64_t offset;
    size_t size;
    if (!alien_direct_enabled || alien_rawlen(L, 1) < sizeof *b) return NULL;
    b = (const alien_buffer_head *)lua_touserdata(L, 1);
    if (b->object.magic != ALIEN_OBJECT_MAGIC || b->object.kind != ALIEN_OBJECT_BUFFER || !b->checked) return NULL;
    if (lua_type(L, type_index) == LUA_TSTRING) {
        size_t length;
        const char *name = lua_tolstring(L, type_index, &length);
        *kind = alien_core_scalar_kind(name, length);
    } else if (lua_isnone(L, type_index)) {
        *kind = ALIEN_KIND_U8;
    } else {
        return NULL;
    }
    if (*kind == 0 || !alien_direct_integer(L, 2, ALIEN_KIND_I64, &offset)) return NULL;
    size = alien_kind_size(*kind);
    if (offset < 1 || (uint64_t)(offset - 1) + size > b->size) return NULL;
    return (unsigned char *)b->data + (offset - 1);
}

/* buf:get(offset [, type]) */
static int alien_buffer_get(lua_State *L) {
    int kind;
    unsigned char *p = alien_buffer_direct(L, 3, &kind);
    unsigned char bytes[8];
    if (p == NULL) return alien_buffer_core_get(L);
    memcpy(bytes, p, alien_kind_size(kind));     /* offsets need not be aligned */
    alien_callback_push_direct(L, kind, bytes);
    return 1;
}

/* buf:set(offset, value [, type]) */
static int alien_buffer_set(lua_State *L) {
    int kind;
    unsigned char *p = alien_buffer_direct(L, 4, &kind);
    if (p != NULL) {
        if (kind == ALIEN_KIND_DOUBLE) {
            if (lua_type(L, 3) == LUA_TNUMBER) {
                double d = (double)lua_tonumber(L, 3);
                memcpy(p, &d, sizeof d);
                return 0;
            }
        } else {
            int64_t v;
            if (alien_direct_integer(L, 3, kind, &v)) {
                uint8_t v8 = (uint8_t)v;
                uint16_t v16 = (uint16_t)v;
                uint32_t v32 = (uint32_t)v;
                switch (alien_kind_size(kind)) {
                case 1: memcpy(p, &v8, 1); break;
                case 2: memcpy(p, &v16, 2); break;
                case 4: memcpy(p, &v32, 4); break;
                default: memcpy(p, &v, 8); break;
                }
                return 0;
            }
        }
    }
    return alien_buffer_core_set(L);
}
ALIEN_ENTRY(alien_buffer_realloc, alien_core_buffer_realloc)

/* buf[i] reads byte i; buf.name finds a method (upvalue 1: the methods). */
static int alien_buffer_index(lua_State *L) {
    if (lua_type(L, 2) == LUA_TNUMBER) return alien_buffer_byte(L);
    lua_settop(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int alien_buffer_newindex(lua_State *L) {
    if (lua_type(L, 2) != LUA_TNUMBER)
        return luaL_error(L, "alien: buffer index must be a number, got %s", luaL_typename(L, 2));
    return alien_buffer_setbyte(L);
}

static int alien_buffer_gc(lua_State *L) {
    alien_core_buffer_gc(luaL_checkudata(L, 1, ALIEN_BUFFER_MT));
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Arrays                                                                 */
/* ---------------------------------------------------------------------- */

static int alien_array_newindex(lua_State *L);

/* alien.array(type, n | {values} [, buffer]) */
static int alien_array(lua_State *L) {
    size_t length, i;
    ptrdiff_t bytes;
    int buffer_index = 3, array_index;
    lua_settop(L, 3);
    if (alien_core_array_plan(L, &length, &bytes) < 0) return alien_raise(L);
    if (bytes >= 0) {
        alien_newbuffer(L, alien_core_buffer_block_size((size_t)bytes), 0);
        buffer_index = 4;
    }
    alien_core_array_init(L, alien_newobject(L, alien_core_array_size(), ALIEN_ARRAY_MT), buffer_index, length);
    array_index = lua_gettop(L);
    alien_getuservalue(L, array_index);     /* the array keeps its buffer */
    lua_pushvalue(L, buffer_index);
    lua_setfield(L, -2, "buffer");
    lua_pop(L, 1);
    if (lua_type(L, 2) == LUA_TTABLE) {
        for (i = 1; i <= length; i++) {
            lua_pushcfunction(L, alien_array_newindex);
            lua_pushvalue(L, array_index);
            lua_pushinteger(L, (lua_Integer)i);
            lua_rawgeti(L, 2, (int)i);
            lua_call(L, 3, 0);
        }
    }
    return 1;
}

ALIEN_ENTRY(alien_array_get, alien_core_array_get)
ALIEN_ENTRY(alien_array_length, alien_core_array_length)

/* arr[i] = v; a string or userdata whose address is stored is pinned in the uservalue. */
static int alien_array_newindex(lua_State *L) {
    alien_value out[1];
    int pin;
    lua_settop(L, 3);
    pin = alien_call(L, alien_core_array_set, out);
    alien_getuservalue(L, 1);
    lua_pushvalue(L, 2);
    if (pin) lua_pushvalue(L, 3); else lua_pushnil(L);
    lua_rawset(L, -3);
    return 0;
}

/* arr[i], arr.type/length/size/buffer, and methods (upvalue 1). */
static int alien_array_index(lua_State *L) {
    if (lua_type(L, 2) == LUA_TNUMBER) return alien_array_get(L);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "buffer") == 0) {
        alien_getuservalue(L, 1);
        lua_getfield(L, -1, "buffer");
        return 1;
    }
    return alien_run(L, alien_core_array_field);
}

static int alien_array_next(lua_State *L) {
    alien_value out[1];
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (alien_core_array_length(L, out) < 0) return alien_raise(L);
    if (i > out[0].v.i) return 0;
    lua_settop(L, 1);
    lua_pushinteger(L, i);
    alien_call(L, alien_core_array_get, out);
    return alien_push(L, out, 1) + 1;
}

/* arr:ipairs() */
static int alien_array_ipairs(lua_State *L) {
    luaL_checkudata(L, 1, ALIEN_ARRAY_MT);
    lua_pushcfunction(L, alien_array_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* arr:realloc(n): resizes the buffer; pins past the new end are dropped. */
static int alien_array_realloc(lua_State *L) {
    alien_value out[1];
    void *array = luaL_checkudata(L, 1, ALIEN_ARRAY_MT);
    size_t bytes;
    lua_Integer length, old_length, i;
    lua_settop(L, 2);
    if (alien_core_array_realloc_plan(L, &bytes) < 0) return alien_raise(L);
    length = lua_tointeger(L, 2);
    alien_core_array_length(L, out);
    old_length = out[0].v.i;
    alien_getuservalue(L, 1);               /* 3 */
    lua_getfield(L, 3, "buffer");
    lua_replace(L, 1);                      /* [buffer, n, uservalue] as buffer:realloc wants */
    lua_pushinteger(L, (lua_Integer)bytes);
    lua_replace(L, 2);
    if (alien_core_buffer_realloc(L, out) < 0) return alien_raise(L);
    alien_core_array_set_length(array, (size_t)length);
    for (i = length + 1; i <= old_length; i++) {
        lua_pushnil(L);
        lua_rawseti(L, 3, (int)i);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Pointers and raw memory                                                */
/* ---------------------------------------------------------------------- */

ALIEN_ENTRY(alien_memmove, alien_core_memmove)
ALIEN_ENTRY(alien_memset, alien_core_memset)
ALIEN_ENTRY(alien_isnull, alien_core_isnull)
ALIEN_ENTRY(alien_pointer_tostring, alien_core_pointer_tostring)

/* alien.to<type>(ptr [, n]); upvalue 1 is the type's code. */
static int alien_unpack(lua_State *L) {
    int type = (int)lua_tointeger(L, lua_upvalueindex(1));
    size_t count, i;
    void *pointer;
    if (alien_core_unpack_count(L, type, &count, &pointer) < 0) return alien_raise(L);
    if (count == 0) { lua_pushnil(L); return 1; }
    luaL_checkstack(L, (int)count, "alien: too many values to unpack");
    for (i = 0; i < count; i++) {
        alien_value value = alien_core_unpack_value(pointer, type, i);
        alien_push(L, &value, 1);
    }
    return (int)count;
}

static const char *const alien_unpack_types[] = {
    "char", "byte", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
    "ulonglong", "ptrdiff_t", "size_t", "float", "double", NULL
};

/* ---------------------------------------------------------------------- */
/* Tags: userdata carrying values under a named metatable                 */
/* ---------------------------------------------------------------------- */

/* Pushes the metatable registered for tag `name`, creating it on first use. */
static void alien_pushtag(lua_State *L, int name_index) {
    const char *name = luaL_checkstring(L, name_index);
    lua_pushfstring(L, ALIEN_TAG_PREFIX "%s", name);
    lua_pushvalue(L, -1);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
    lua_remove(L, -2);
}

/* alien.tag(name) */
static int alien_tag(lua_State *L) {
    alien_pushtag(L, 1);
    return 1;
}

static void alien_check_wrappable(lua_State *L, int first, int last) {
    int i;
    for (i = first; i <= last; i++) {
        int t = lua_type(L, i);
        if (t != LUA_TNIL && t != LUA_TNUMBER && t != LUA_TUSERDATA && t != LUA_TLIGHTUSERDATA)
            luaL_argerror(L, i, lua_pushfstring(L, "nil, number or userdata expected, got %s", luaL_typename(L, i)));
    }
}

/* alien.wrap(name, ...) */
static int alien_wrap(lua_State *L) {
    int i, n = lua_gettop(L);
    int *count;
    luaL_checkstring(L, 1);
    alien_check_wrappable(L, 2, n);
    count = (int *)lua_newuserdata(L, sizeof(int));
    *count = n - 1;
    alien_pushtag(L, 1);
    lua_setmetatable(L, -2);
    lua_createtable(L, n - 1, 0);
    for (i = 2; i <= n; i++) {
        lua_pushvalue(L, i);
        lua_rawseti(L, -2, i - 1);
    }
    alien_setuservalue(L, -2);
    return 1;
}

/* The value count of obj (stack index 2) if it carries tag name (index 1); raises otherwise. */
static int alien_checktagged(lua_State *L, const char *function) {
    int tagged;
    luaL_checkstring(L, 1);
    alien_pushtag(L, 1);
    tagged = lua_type(L, 2) == LUA_TUSERDATA && lua_getmetatable(L, 2) && lua_rawequal(L, -1, -2);
    if (!tagged)
        return luaL_error(L, "alien: bad argument #2 to '%s' (object with tag '%s' expected, got %s)",
                          function, lua_tostring(L, 1), luaL_typename(L, 2));
    lua_settop(L, lua_gettop(L) - 2);
    return *(int *)lua_touserdata(L, 2);
}

/* alien.unwrap(name, obj) */
static int alien_unwrap(lua_State *L) {
    int i, count;
    lua_settop(L, 2);
    count = alien_checktagged(L, "unwrap");
    luaL_checkstack(L, count + 1, "alien: too many values");
    alien_getuservalue(L, 2);
    for (i = 1; i <= count; i++) lua_rawgeti(L, 3, i);
    return count;
}

/* alien.rewrap(name, obj, ...): replaces the values; extra ones are ignored, missing ones nil. */
static int alien_rewrap(lua_State *L) {
    int i, count, given = lua_gettop(L) - 2;
    count = alien_checktagged(L, "rewrap");
    alien_check_wrappable(L, 3, lua_gettop(L));
    alien_getuservalue(L, 2);
    for (i = 1; i <= count; i++) {
        if (i <= given) lua_pushvalue(L, 2 + i); else lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* alien.struct                                                           */
/* ---------------------------------------------------------------------- */

/* pack(fmt, ...): small results are packed on the C stack; larger ones into
   a userdata the size the core asks for. */
static int alien_struct_pack(lua_State *L) {
    char scratch[512];
    alien_value out[1];
    void *space = scratch;
    size_t capacity = sizeof scratch, needed = 0;
    int n, last = lua_gettop(L);
    for (;;) {
        n = alien_core_struct_pack(L, out, space, capacity, &needed, last);
        if (n == ALIEN_NEEDSPACE) {
            space = lua_newuserdata(L, needed);
            capacity = needed;
        } else if (n <= ALIEN_TOSTRING_BASE) {
            lua_tolstring(L, ALIEN_TOSTRING_BASE - n, NULL);
        } else {
            break;
        }
    }
    if (n < 0) return alien_raise(L);
    return alien_push(L, out, n);
}

/* unpack(fmt, data [, size] [, pos]) */
static int alien_struct_unpack(lua_State *L) {
    alien_value scratch[ALIEN_MAXRESULTS];
    alien_value *out = scratch;
    size_t capacity = ALIEN_MAXRESULTS, needed = 0;
    int n;
    lua_settop(L, 4);
    for (;;) {
        n = alien_core_struct_unpack(L, out, capacity, &needed);
        if (n != ALIEN_NEEDSPACE) break;
        out = (alien_value *)lua_newuserdata(L, needed * sizeof(alien_value));
        capacity = needed;
    }
    if (n < 0) return alien_raise(L);
    return alien_push(L, out, n);
}

ALIEN_ENTRY(alien_struct_size, alien_core_struct_size)
ALIEN_ENTRY(alien_struct_offset, alien_core_struct_offset)

/* ---------------------------------------------------------------------- */
/* Declarative structs (alien.defstruct)                                  */
/* ---------------------------------------------------------------------- */

/* alien.defstruct{ {"name", "type"}, ... }: a table with names, offsets
   (0-based, as offsetof), types and size, and the methods new and byval. */
static int alien_defstruct(lua_State *L) {
    size_t size = 0, alignment = 1, offset;
    int64_t code;
    int i, n;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (int)alien_rawlen(L, 1);
    luaL_argcheck(L, n > 0, 1, "at least one field expected");
    lua_settop(L, 1);
    lua_createtable(L, 0, 5);               /* 2: the struct type */
    lua_createtable(L, n, 0);               /* 3: names */
    lua_createtable(L, 0, n);               /* 4: offsets */
    lua_createtable(L, 0, n);               /* 5: types */
    lua_createtable(L, 0, n);               /* 6: fields: name -> offset * 64 + type code */
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);               /* 7: {name, type} */
        if (!lua_istable(L, 7))
            return luaL_error(L, "bad argument #1 to 'defstruct' (field #%d must be {name, type})", i);
        lua_rawgeti(L, 7, 1);               /* 8: name */
        lua_rawgeti(L, 7, 2);               /* 9: type */
        if (lua_type(L, 8) != LUA_TSTRING)
            return luaL_error(L, "bad argument #1 to 'defstruct' (field #%d needs a name)", i);
        lua_pushvalue(L, 8);
        lua_rawget(L, 6);
        if (!lua_isnil(L, -1))
            return luaL_error(L, "bad argument #1 to 'defstruct' (field '%s' is defined twice)", lua_tostring(L, 8));
        lua_pop(L, 1);
        if (alien_core_struct_field(L, 9, i, &size, &alignment, &offset, &code) < 0) return alien_raise(L);
        lua_pushvalue(L, 8);
        lua_rawseti(L, 3, i);
        lua_pushvalue(L, 8);
        alien_pushint64(L, (int64_t)offset);
        lua_rawset(L, 4);
        lua_pushvalue(L, 8);
        lua_pushvalue(L, 9);
        lua_rawset(L, 5);
        lua_pushvalue(L, 8);
        alien_pushint64(L, code);
        lua_rawset(L, 6);
        lua_settop(L, 6);
    }
    lua_pushlightuserdata(L, (void *)&alien_fields_key);
    lua_insert(L, 6);
    lua_rawset(L, 2);
    lua_setfield(L, 2, "types");
    lua_setfield(L, 2, "offsets");
    lua_setfield(L, 2, "names");
    alien_pushint64(L, (int64_t)((size + alignment - 1) / alignment * alignment));
    lua_setfield(L, 2, "size");
    alien_setmetatable(L, ALIEN_STRUCT_MT);
    return 1;
}

static size_t alien_struct_size_of(lua_State *L, int index) {
    size_t size;
    luaL_checktype(L, index, LUA_TTABLE);
    lua_getfield(L, index, "size");
    size = (size_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return size;
}

/* st:new([buffer | pointer]): an instance over a new buffer of st.size bytes, or the one given. */
static int alien_struct_new(lua_State *L) {
    size_t size = alien_struct_size_of(L, 1);
    lua_settop(L, 2);
    if (lua_isnil(L, 2) || lua_type(L, 2) == LUA_TLIGHTUSERDATA) {
        lua_pushcfunction(L, alien_buffer);
        if (lua_isnil(L, 2)) alien_pushint64(L, (int64_t)size); else lua_pushvalue(L, 2);
        lua_call(L, 1, 1);                  /* 3: the buffer */
    } else {
        if (alien_core_buffer_fits(L, 2, size) < 0) return alien_raise(L);
        lua_pushvalue(L, 2);
    }
    alien_core_instance_init(L, alien_newobject(L, alien_core_instance_size(), ALIEN_INSTANCE_MT), 3);
    alien_getuservalue(L, 4);               /* the instance keeps its fields and buffer */
    lua_pushlightuserdata(L, (void *)&alien_fields_key);
    lua_rawget(L, 1);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, 3);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 1);
    return 1;
}

/* The field code of key (index 2) on the instance at index 1, pushed; raises for unknown fields. */
static void alien_pushfield(lua_State *L) {
    luaL_checkudata(L, 1, ALIEN_INSTANCE_MT);
    alien_getuservalue(L, 1);
    lua_rawgeti(L, -1, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    if (lua_isnil(L, -1))
        luaL_error(L, "alien: unknown field '%s' in struct", lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2));
    lua_replace(L, -3);
    lua_pop(L, 1);
}

static int alien_instance_index(lua_State *L) {     /* [inst, key] */
    lua_settop(L, 2);
    alien_pushfield(L);                     /* 3: code */
    return alien_run(L, alien_core_field_get);
}

static int alien_instance_newindex(lua_State *L) {  /* [inst, key, value] */
    lua_settop(L, 3);
    alien_pushfield(L);                     /* 4: code */
    return alien_run(L, alien_core_field_set);
}

/* inst(): the backing buffer. */
static int alien_instance_call(lua_State *L) {
    luaL_checkudata(L, 1, ALIEN_INSTANCE_MT);
    alien_getuservalue(L, 1);
    lua_rawgeti(L, -1, 2);
    return 1;
}

/* The original's by-value convention: a struct passed as its 4-byte words,
   the tail as a short and/or a char. Pushes one word code per piece. */
static int alien_byval_pieces(lua_State *L, size_t size, const char *int_piece, const char *short_piece,
                              const char *char_piece) {
    size_t i;
    int count = 0;
    luaL_checkstack(L, (int)(size / 4) + 2, "alien: struct too large for byval");
    for (i = 0; i + 4 <= size; i += 4, count++) lua_pushstring(L, int_piece);
    if (size - i >= 2) { lua_pushstring(L, short_piece); i += 2; count++; }
    if (size - i >= 1) { lua_pushstring(L, char_piece); count++; }
    return count;
}

/* st:byval(): the type names to declare such an argument with. */
static int alien_struct_byval(lua_State *L) {
    size_t size = alien_struct_size_of(L, 1);
    lua_settop(L, 1);
    return alien_byval_pieces(L, size, "int", "short", "char");
}

/* alien.byval(buf): the values of those words, read from the buffer (or instance). */
static int alien_byval(lua_State *L) {
    alien_value out[1];
    int pieces;
    lua_settop(L, 1);
    if (alien_hasmetatable(L, 1, ALIEN_INSTANCE_MT)) {
        lua_pushcfunction(L, alien_instance_call);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_replace(L, 1);
    }
    if (alien_core_buffer_length(L, out) < 0) return alien_raise(L);
    if (out[0].kind == ALIEN_VNIL) return luaL_argerror(L, 1, "a buffer of known size expected");
    pieces = alien_byval_pieces(L, (size_t)out[0].v.i, "i", "h", "b");
    lua_concat(L, pieces);                  /* the format */
    lua_pushcfunction(L, alien_struct_unpack);
    lua_insert(L, 2);                       /* [buf, unpack, fmt] */
    lua_pushvalue(L, 1);
    lua_call(L, 2, LUA_MULTRET);            /* [buf, values..., next position] */
    lua_pop(L, 1);
    return lua_gettop(L) - 1;
}

/* ---------------------------------------------------------------------- */
/* The module                                                             */
/* ---------------------------------------------------------------------- */

ALIEN_ENTRY(alien_sizeof, alien_core_sizeof)
ALIEN_ENTRY(alien_align, alien_core_align)
ALIEN_ENTRY(alien_errno, alien_core_errno)

/* alien.directcalls([on]): whether simple signatures are called directly
   rather than through libffi (on by default); returns the previous setting.
   For comparing the two paths in tests and benchmarks. */
static int alien_directcalls(lua_State *L) {
    int previous = alien_direct_enabled;
    if (!lua_isnoneornil(L, 1)) alien_direct_enabled = lua_toboolean(L, 1);
    lua_pushboolean(L, previous);
    return 1;
}

/* alien.NAME, for a NAME that is not a field: alien.load(NAME). */
static int alien_module_index(lua_State *L) {
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    lua_remove(L, 1);
    return alien_load(L);
}

static int alien_table(lua_State *L) {
    lua_createtable(L, (int)luaL_optinteger(L, 1, 0), (int)luaL_optinteger(L, 2, 0));
    return 1;
}

static const luaL_Reg alien_library_methods[] = {
    {"__index", alien_library_index},
    {"__tostring", alien_library_tostring},
    {"__gc", alien_library_gc},
    {NULL, NULL}
};

static const luaL_Reg alien_function_metamethods[] = {
    {"__call", alien_function_call},
    {"__tostring", alien_function_tostring},
    {"__gc", alien_function_gc},
    {NULL, NULL}
};

static const luaL_Reg alien_function_methods[] = {
    {"types", alien_function_types},
    {NULL, NULL}
};

static const luaL_Reg alien_buffer_metamethods[] = {
    {"__newindex", alien_buffer_newindex},
    {"__len", alien_buffer_length},
    {"__tostring", alien_buffer_tostring},
    {"__gc", alien_buffer_gc},
    {NULL, NULL}
};

static const luaL_Reg alien_buffer_methods[] = {
    {"strlen", alien_buffer_strlen},
    {"len", alien_buffer_strlen},
    {"tostring", alien_buffer_tostring},
    {"topointer", alien_buffer_topointer},
    {"tooffset", alien_buffer_tooffset},
    {"get", alien_buffer_get},
    {"set", alien_buffer_set},
    {"realloc", alien_buffer_realloc},
    {NULL, NULL}
};

static const luaL_Reg alien_no_metamethods[] = {
    {NULL, NULL}
};

static const luaL_Reg alien_struct_methods[] = {
    {"new", alien_struct_new},
    {"byval", alien_struct_byval},
    {NULL, NULL}
};

static const luaL_Reg alien_instance_metamethods[] = {
    {"__index", alien_instance_index},
    {"__newindex", alien_instance_newindex},
    {"__call", alien_instance_call},
    {NULL, NULL}
};

static const luaL_Reg alien_array_metamethods[] = {
    {"__newindex", alien_array_newindex},
    {"__len", alien_array_length},
    {NULL, NULL}
};

static const luaL_Reg alien_array_methods[] = {
    {"ipairs", alien_array_ipairs},
    {"realloc", alien_array_realloc},
    {NULL, NULL}
};

static const luaL_Reg alien_module_functions[] = {
    {"load", alien_load},
    {"buffer", alien_buffer},
    {"array", alien_array},
    {"memmove", alien_memmove},
    {"memset", alien_memset},
    {"isnull", alien_isnull},
    {"tostring", alien_pointer_tostring},
    {"tag", alien_tag},
    {"wrap", alien_wrap},
    {"unwrap", alien_unwrap},
    {"rewrap", alien_rewrap},
    {"funcptr", alien_funcptr},
    {"callback", alien_callback},
    {"defstruct", alien_defstruct},
    {"byval", alien_byval},
    {"sizeof", alien_sizeof},
    {"align", alien_align},
    {"errno", alien_errno},
    {"table", alien_table},
    {"directcalls", alien_directcalls},
    {NULL, NULL}
};

static const luaL_Reg alien_struct_functions[] = {
    {"pack", alien_struct_pack},
    {"unpack", alien_struct_unpack},
    {"size", alien_struct_size},
    {"offset", alien_struct_offset},
    {NULL, NULL}
};

/* A metatable whose __index is the methods table, or, when `index` is given,
   that function with the methods table as its upvalue. */
static void alien_newmetatable(lua_State *L, const char *name, const luaL_Reg *metamethods,
                               const luaL_Reg *methods, lua_CFunction index) {
    luaL_newmetatable(L, name);
    alien_setfuncs(L, metamethods);
    if (methods != NULL) {
        lua_newtable(L);
        alien_setfuncs(L, methods);
        if (index != NULL) lua_pushcclosure(L, index, 1);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}

/* Pushes the registry's weak-valued table `key`, creating it on first use. */
static void alien_weaktable(lua_State *L, const char *key) {
    lua_getfield(L, LUA_REGISTRYINDEX, key);
    if (lua_istable(L, -1)) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
}

int luaopen_alien_struct(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_STRUCT_KEY);
    if (lua_istable(L, -1)) return 1;
    lua_pop(L, 1);
    lua_newtable(L);
    alien_setfuncs(L, alien_struct_functions);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ALIEN_STRUCT_KEY);
    return 1;
}

int luaopen_alien(lua_State *L) {
    const char *const *type;
    const luaL_Reg *reg;
    alien_newmetatable(L, ALIEN_LIBRARY_MT, alien_library_methods, NULL, NULL);
    alien_newmetatable(L, ALIEN_FUNCTION_MT, alien_function_metamethods, alien_function_methods, NULL);
    alien_newmetatable(L, ALIEN_BUFFER_MT, alien_buffer_metamethods, alien_buffer_methods, alien_buffer_index);
    alien_newmetatable(L, ALIEN_ARRAY_MT, alien_array_metamethods, alien_array_methods, alien_array_index);
    alien_newmetatable(L, ALIEN_STRUCT_MT, alien_no_metamethods, alien_struct_methods, NULL);
    alien_newmetatable(L, ALIEN_INSTANCE_MT, alien_instance_metamethods, NULL, NULL);

    lua_newtable(L);                        /* the module */
    alien_setfuncs(L, alien_module_functions);
    lua_pushliteral(L, ALIEN_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushliteral(L, ALIEN_PLATFORM);
    lua_setfield(L, -2, "platform");
    for (type = alien_unpack_types; *type != NULL; type++) {
        lua_pushinteger(L, alien_core_type_code(*type));
        lua_pushcclosure(L, alien_unpack, 1);
        lua_pushfstring(L, "to%s", *type);
        lua_insert(L, -2);
        lua_settable(L, -3);
    }

    alien_weaktable(L, ALIEN_CALLBACKS_KEY);
    lua_pop(L, 1);
    alien_weaktable(L, ALIEN_LOADED_KEY);   /* alien.loaded */
    lua_setfield(L, -2, "loaded");

    lua_pushcfunction(L, alien_open_default);
    lua_call(L, 0, 1);
    lua_setfield(L, -2, "default");

    luaopen_alien_struct(L);                /* alien.struct, and its functions as alien.pack ... */
    for (reg = alien_struct_functions; reg->name != NULL; reg++) {
        lua_getfield(L, -1, reg->name);
        lua_setfield(L, -3, reg->name);
    }
    lua_setfield(L, -2, "struct");

    lua_createtable(L, 0, 1);               /* alien.NAME loads library NAME */
    lua_pushcfunction(L, alien_module_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);

#if LUA_VERSION_NUM == 501
    lua_pushvalue(L, -1);                   /* 5.1 and LuaJIT: the global, as module() did */
    lua_setglobal(L, "alien");
#endif
    return 1;
}
