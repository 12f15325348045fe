#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "lua_test_host.h"

/* The same adapter every alien.so is built from, here against Lua 5.4. */
#include "alien_adapter.c"

int lua_test_host_run(const char *code, char *error, size_t error_size) {
    int status;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_alien);
    lua_setfield(L, -2, "alien");
    lua_pushcfunction(L, luaopen_alien_struct);
    lua_setfield(L, -2, "alien.struct");
    lua_pop(L, 1);
    status = luaL_dostring(L, code);
    if (status != LUA_OK && error != NULL && error_size > 0) {
        const char *message = lua_tostring(L, -1);
        strncpy(error, message ? message : "(error object is not a string)", error_size - 1);
        error[error_size - 1] = '\0';
    }
    lua_close(L);
    return status;
}
