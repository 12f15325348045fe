/* The floor: a hand-written Lua C binding of benchlib's functions, compiled
   against each Lua's headers (bench/build/<tag>/floor.so), in two forms:
   - floor.plain.NAME: plain C functions, no FFI at all;
   - floor.call.NAME: the same reached through a userdata's __call, reading
     arguments from stack index 2, as any function object with methods must.
   calln (the callback floor) calls a Lua function from C as a callback must:
   each call under lua_pcall with a message handler, the function fetched by
   an integer registry reference.
   Struct values live in full userdata of metatable "bench.d2" (floor.d2(a, b)
   makes one): sum2d is given one and passes its struct by value; mk2d returns
   a new one, as a struct result must. snprintf writes into a floor buffer and,
   knowing its format, passes the value as int.
   The accessors' floors have one form each, plain C functions:
   - floor.buffer(64): a full userdata of 64 zeroed bytes whose metatable (the
     constructor's upvalue 1) has an __index function, bytes for a number key
     and otherwise the methods table (its upvalue 1): buf:get(offset, "int"),
     buf:set(offset, value, "int");
   - floor.array(): a full userdata of 16 ints, arr[i] and arr[i] = v by C
     __index and __newindex. */
#include <lua.h>
#include <lauxlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int add1(int x);
double addd(double a, double b);
long sum6(long a, long b, long c, long d, long e, long f);
void *idp(void *p);
size_t slen(const char *s);
int first(const unsigned char *p);
void refinc(int *p);
int calln(int (*cb)(int), int n);
struct d2 { double a, b; };
double sum2d(struct d2 s);
struct d2 mk2d(double a, double b);

#define D2 "bench.d2"
#define INTS "bench.ints"
#define BUFFER_SIZE 64
#define INTS_LENGTH 16

static void pushd2(lua_State *L, struct d2 s) {
    memcpy(lua_newuserdata(L, sizeof s), &s, sizeof s);
    luaL_getmetatable(L, D2);
    lua_setmetatable(L, -2);
}

/* The callback floor. The message handler adds a traceback on 5.2+ (with
   the 5.1 API it returns the message as it is: Lua 5.1 has no
   luaL_traceback; no error is raised in the benchmark anyway). 5.2+ pushes it
   as a light C function; on 5.1 every push of a C function makes a closure,
   so it is made once, kept in the registry and fetched by reference. */
static int traceback(lua_State *L) {
    const char *message = lua_tostring(L, 1);
    if (message == NULL) return 1;
#if LUA_VERSION_NUM >= 502
    luaL_traceback(L, L, message, 1);
#endif
    return 1;
}

#if LUA_VERSION_NUM >= 502
#define pushhandler(L) lua_pushcfunction(L, traceback)
#else
static int handler_ref;
#define pushhandler(L) lua_rawgeti(L, LUA_REGISTRYINDEX, handler_ref)
#endif

static lua_State *callback_state;
static int callback_ref, callback_failed;

/* One call of the Lua function: protected, its error left on top for calln
   to raise once C has returned (later calls are skipped). */
static int callback_trampoline(int x) {
    lua_State *L = callback_state;
    int top = lua_gettop(L), r;
    if (callback_failed) return 0;
    pushhandler(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, callback_ref);
    lua_pushinteger(L, x);
    if (lua_pcall(L, 1, 1, top + 1) != 0) {
        callback_failed = 1;
        return 0;
    }
    r = (int)lua_tointeger(L, -1);
    lua_settop(L, top);
    return r;
}

/* calln(f, n), its arguments from stack index b: C calls Lua function f n times. */
static int calln_from(lua_State *L, int b) {
    int n = (int)luaL_checkinteger(L, b + 1), sum;
    luaL_checktype(L, b, LUA_TFUNCTION);
    lua_pushvalue(L, b);
    callback_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    callback_state = L;
    callback_failed = 0;
    sum = calln(callback_trampoline, n);
    luaL_unref(L, LUA_REGISTRYINDEX, callback_ref);
    if (callback_failed) return lua_error(L);
    lua_pushinteger(L, sum);
    return 1;
}

/* Each binding reads its arguments from stack index B (1 plain, 2 through __call). */
#define BINDINGS(P, B) \
static int P##add1(lua_State *L) { lua_pushinteger(L, add1((int)luaL_checkinteger(L, B))); return 1; } \
static int P##addd(lua_State *L) { lua_pushnumber(L, addd(luaL_checknumber(L, B), luaL_checknumber(L, B + 1))); return 1; } \
static int P##sum6(lua_State *L) { \
    lua_pushinteger(L, sum6((long)luaL_checkinteger(L, B), (long)luaL_checkinteger(L, B + 1), \
        (long)luaL_checkinteger(L, B + 2), (long)luaL_checkinteger(L, B + 3), \
        (long)luaL_checkinteger(L, B + 4), (long)luaL_checkinteger(L, B + 5))); return 1; } \
static int P##idp(lua_State *L) { lua_pushlightuserdata(L, idp(lua_touserdata(L, B))); return 1; } \
static int P##slen(lua_State *L) { lua_pushinteger(L, (lua_Integer)slen(luaL_checkstring(L, B))); return 1; } \
static int P##first(lua_State *L) { lua_pushinteger(L, first((const unsigned char *)lua_touserdata(L, B))); return 1; } \
static int P##refinc(lua_State *L) { int v = (int)luaL_checkinteger(L, B); refinc(&v); lua_pushnil(L); lua_pushinteger(L, v); return 2; } \
static int P##calln(lua_State *L) { return calln_from(L, B); } \
static int P##sum2d(lua_State *L) { lua_pushnumber(L, sum2d(*(struct d2 *)luaL_checkudata(L, B, D2))); return 1; } \
static int P##mk2d(lua_State *L) { pushd2(L, mk2d(luaL_checknumber(L, B), luaL_checknumber(L, B + 1))); return 1; } \
static int P##snprintf(lua_State *L) { \
    lua_pushinteger(L, snprintf((char *)lua_touserdata(L, B), (size_t)luaL_checkinteger(L, B + 1), \
        luaL_checkstring(L, B + 2), (int)luaL_checkinteger(L, B + 3))); return 1; }

BINDINGS(plain_, 1)
BINDINGS(call_, 2)

/* floor.d2(a, b): a struct d2 in a full userdata. */
static int d2_new(lua_State *L) {
    struct d2 s = { luaL_checknumber(L, 1), luaL_checknumber(L, 2) };
    pushd2(L, s);
    return 1;
}

/* floor.buffer(64): 64 zeroed bytes (the size is read and checked: the floor's
   buffers are all of 64 bytes), with the metatable of upvalue 1; no __gc. */
static int buffer_new(lua_State *L) {
    void *b;
    luaL_argcheck(L, luaL_checkinteger(L, 1) == BUFFER_SIZE, 1, "floor buffers are of 64 bytes");
#if LUA_VERSION_NUM >= 504
    b = lua_newuserdatauv(L, BUFFER_SIZE, 0);
#else
    b = lua_newuserdata(L, BUFFER_SIZE);
#endif
    memset(b, 0, BUFFER_SIZE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setmetatable(L, -2);
    return 1;
}

/* The int at the 1-based offset at index 2 of the buffer at index 1, the
   type named at index t ("int" only). */
static unsigned char *buffer_int(lua_State *L, int t) {
    unsigned char *b = (unsigned char *)lua_touserdata(L, 1);
    lua_Integer offset = luaL_checkinteger(L, 2);
    size_t length;
    const char *name = lua_tolstring(L, t, &length);
    if (b == NULL) luaL_argerror(L, 1, "not a buffer");
    if (offset < 1 || offset > BUFFER_SIZE - (lua_Integer)sizeof(int) + 1) luaL_argerror(L, 2, "out of bounds");
    if (name == NULL || length != 3 || memcmp(name, "int", 3) != 0) luaL_argerror(L, t, "not \"int\"");
    return b + (offset - 1);
}

/* buf:get(offset, "int") */
static int buffer_get(lua_State *L) {
    int v;
    memcpy(&v, buffer_int(L, 3), sizeof v);
    lua_pushinteger(L, v);
    return 1;
}

/* buf:set(offset, value, "int") */
static int buffer_set(lua_State *L) {
    unsigned char *p = buffer_int(L, 4);
    int v = (int)luaL_checkinteger(L, 3);
    memcpy(p, &v, sizeof v);
    return 0;
}

/* buf[i] reads byte i; buf.name finds a method (upvalue 1: the methods). */
static int buffer_index(lua_State *L) {
    if (lua_type(L, 2) == LUA_TNUMBER) {
        const unsigned char *b = (const unsigned char *)lua_touserdata(L, 1);
        lua_Integer i = lua_tointeger(L, 2);
        luaL_argcheck(L, i >= 1 && i <= BUFFER_SIZE, 2, "out of bounds");
        lua_pushinteger(L, b[i - 1]);
        return 1;
    }
    lua_settop(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

/* floor.array(): 16 ints, zeroed, read by arr[i] and written by arr[i] = v. */
static int array_new(lua_State *L) {
    memset(lua_newuserdata(L, INTS_LENGTH * sizeof(int)), 0, INTS_LENGTH * sizeof(int));
    luaL_getmetatable(L, INTS);
    lua_setmetatable(L, -2);
    return 1;
}

/* The int at index 2 (1..16) of the array at index 1. */
static int *array_at(lua_State *L) {
    int *a = (int *)lua_touserdata(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && i <= INTS_LENGTH, 2, "out of bounds");
    return a + (i - 1);
}

static int array_index(lua_State *L) {
    lua_pushinteger(L, *array_at(L));
    return 1;
}

static int array_newindex(lua_State *L) {
    int *p = array_at(L);
    *p = (int)luaL_checkinteger(L, 3);
    return 0;
}

static const luaL_Reg plain[] = {
    {"add1", plain_add1}, {"addd", plain_addd}, {"sum6", plain_sum6}, {"idp", plain_idp},
    {"slen", plain_slen}, {"first", plain_first}, {"refinc", plain_refinc}, {"calln", plain_calln},
    {"sum2d", plain_sum2d}, {"mk2d", plain_mk2d}, {"snprintf", plain_snprintf},
    {NULL, NULL}
};

static const luaL_Reg callable[] = {
    {"add1", call_add1}, {"addd", call_addd}, {"sum6", call_sum6}, {"idp", call_idp},
    {"slen", call_slen}, {"first", call_first}, {"refinc", call_refinc}, {"calln", call_calln},
    {"sum2d", call_sum2d}, {"mk2d", call_mk2d}, {"snprintf", call_snprintf},
    {NULL, NULL}
};

int luaopen_floor(lua_State *L) {
    const luaL_Reg *r;
#if LUA_VERSION_NUM < 502
    lua_pushcfunction(L, traceback);
    handler_ref = luaL_ref(L, LUA_REGISTRYINDEX);
#endif
    luaL_newmetatable(L, D2);
    lua_pop(L, 1);
    luaL_newmetatable(L, INTS);
    lua_pushcfunction(L, array_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, array_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, d2_new);
    lua_setfield(L, -2, "d2");
    lua_pushcfunction(L, array_new);
    lua_setfield(L, -2, "array");
    lua_createtable(L, 0, 1);                     /* the buffers' metatable */
    lua_createtable(L, 0, 2);                     /* their methods */
    lua_pushcfunction(L, buffer_get);
    lua_setfield(L, -2, "get");
    lua_pushcfunction(L, buffer_set);
    lua_setfield(L, -2, "set");
    lua_pushcclosure(L, buffer_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcclosure(L, buffer_new, 1);
    lua_setfield(L, -2, "buffer");
    lua_newtable(L);
    for (r = plain; r->name; r++) { lua_pushcfunction(L, r->func); lua_setfield(L, -2, r->name); }
    lua_setfield(L, -2, "plain");
    lua_newtable(L);
    for (r = callable; r->name; r++) {
        lua_newuserdata(L, 1);
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, r->func);
        lua_setfield(L, -2, "__call");
        lua_setmetatable(L, -2);
        lua_setfield(L, -2, r->name);
    }
    lua_setfield(L, -2, "call");
    return 1;
}
