/*
 * Every difference between the Lua versions alien supports, in one place, in
 * the style of lua-compat-5.3. The rest of the adapter is written once, for
 * all of them, in terms of these names.
 */
#ifndef ALIEN_COMPAT_H
#define ALIEN_COMPAT_H

#include <stdint.h>
#include <lua.h>
#include <lauxlib.h>

#if LUA_VERSION_NUM != 501 && LUA_VERSION_NUM != 502 && LUA_VERSION_NUM != 503 && LUA_VERSION_NUM != 504
#error "alien supports Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT 2.1: this lua.h is of another version"
#endif

/* Lua 5.1 and LuaJIT: no luaL_setfuncs, lua_tonumberx, lua_rawlen or user values. */
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

/* A full userdata with no user value (5.4 makes room for one by default). */
#if LUA_VERSION_NUM >= 504
#define alien_newuserdata_bare(L, size) lua_newuserdatauv(L, size, 0)
#else
#define alien_newuserdata_bare(L, size) lua_newuserdata(L, size)
#endif

/* A 64-bit integer as Lua holds it: an integer on 5.3+, a number before. */
static inline void alien_pushint64(lua_State *L, int64_t i) {
#if LUA_VERSION_NUM >= 503
    lua_pushinteger(L, (lua_Integer)i);
#else
    lua_pushnumber(L, (lua_Number)i);
#endif
}

static inline void alien_pushuint64(lua_State *L, uint64_t u) {
#if LUA_VERSION_NUM >= 503
    lua_pushinteger(L, (lua_Integer)u); /* the same 64 bits */
#else
    lua_pushnumber(L, (lua_Number)u);
#endif
}

/* The value at idx as an exact 64-bit integer when it is one: on 5.3+ a Lua
   integer or an integral float (or a string of one); before, an integral
   number. 0 for anything else (fractions, NaN, numbers out of the 64-bit
   range; strings on 5.1/5.2), which the core then converts or refuses. */
static inline int alien_tointeger64(lua_State *L, int idx, int64_t *out) {
#if LUA_VERSION_NUM >= 503
    int ok;
    lua_Integer v = lua_tointegerx(L, idx, &ok);
    *out = (int64_t)v;
    return ok;
#else
    lua_Number n = lua_tonumber(L, idx);                 /* 0 for what is not a number */
    if (n == 0 && lua_type(L, idx) != LUA_TNUMBER) return 0;
    if (!(n > -9223372036854775808.0 && n < 9223372036854775808.0)) return 0;
    *out = (int64_t)n;
    return (lua_Number)*out == n;            /* fractions are the core's to convert (or refuse) */
#endif
}

/* Lua 5.1 and LuaJIT share one alien.so (both load modules from lib/lua/5.1),
   so the module built against either set of headers uses only the API both
   have: no luaL_traceback (5.1 lacks it; callback.c writes its own there). */
#if LUA_VERSION_NUM == 501
#define ALIEN_API_51 1
#endif

#if defined(__linux__)
#define ALIEN_PLATFORM "linux"
#elif defined(__APPLE__)
#define ALIEN_PLATFORM "darwin"
#elif defined(_WIN32)
#define ALIEN_PLATFORM "windows"
#else
#define ALIEN_PLATFORM "bsd"
#endif

#endif
