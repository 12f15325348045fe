/*
 * Libraries: alien.load, alien.default, lib.name (SPEC section 2).
 * A library caches its function objects in its uservalue; alien.loaded (a
 * weak table in the registry) caches libraries by name.
 */

#define ALIEN_LOADED_KEY "alien.loaded"

/* alien.load(name): cached in alien.loaded while something references it. */
static int alien_load(lua_State *L) {
    void *library;
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_LOADED_KEY);   /* 2 */
    lua_pushvalue(L, 1);
    lua_rawget(L, 2);
    /* a cached library that is still open (one closed by calling __gc by hand is loaded anew) */
    if (alien_toobject(L, -1, ALIEN_OBJECT_LIBRARY, sizeof(alien_object_head)) != NULL) return 1;
    lua_pop(L, 1);
    library = alien_newobject(L, alien_core_library_size(), ALIEN_OBJECT_LIBRARY);  /* 3 */
    if (alien_core_library_open(L, library, 0) < 0) return alien_raise(L);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_rawset(L, 2);
    return 1;
}

static int alien_open_default(lua_State *L) {
    void *library = alien_newobject(L, alien_core_library_size(), ALIEN_OBJECT_LIBRARY);
    if (alien_core_library_open(L, library, 1) < 0) return alien_raise(L);
    return 1;
}

static void *alien_newfunction(lua_State *L) {
    return alien_newobject(L, alien_core_function_size(), ALIEN_OBJECT_FUNCTION);
}

/* Once the core has made a function object: it belongs to this Lua state. */
static void *alien_settle(lua_State *L, void *function) {
    ((alien_function_head *)function)->settings = alien_state_settings(L);
    return function;
}

/* lib.name: the function object for a symbol, the same one each time. */
static int alien_library_index(lua_State *L) {
    void *library = alien_checkobject(L, 1, ALIEN_OBJECT_LIBRARY);
    void *function;
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    alien_pushhidden(L, 1);               /* 3: the cache */
    lua_pushvalue(L, 2);
    lua_rawget(L, 3);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    function = alien_newfunction(L);        /* 4 */
    if (alien_core_library_symbol(L, library, function) < 0) return alien_raise(L);
    alien_settle(L, function);
    ((alien_library_head *)library)->functions++;
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
    const char *name = alien_core_library_name(alien_checkobject(L, 1, ALIEN_OBJECT_LIBRARY));
    lua_pushfstring(L, "alien library %s", name ? name : "(closed)");
    return 1;
}

/* __gc: closes the library. Its functions (cached in its uservalue) lose
   their addresses first: collected, they go with it; but Lua code can call
   __gc by hand, and a function of a closed library must raise an error,
   not jump into unmapped code. */
static int alien_library_gc(lua_State *L) {
    alien_library_head *library =
        (alien_library_head *)alien_toobject(L, 1, ALIEN_OBJECT_LIBRARY, sizeof(alien_library_head));
    size_t found = 0;
    if (library == NULL) return 0;
    lua_settop(L, 1);
    alien_getuservalue(L, 1);
    if (lua_istable(L, 2)) {
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            alien_function_head *f =
                (alien_function_head *)alien_toobject(L, -1, ALIEN_OBJECT_FUNCTION, sizeof(alien_function_head));
            if (f != NULL) {
                f->direct = ALIEN_DIRECT_NONE;
                f->address = NULL;
            }
            if (lua_type(L, -1) == LUA_TUSERDATA) found++;   /* collected ones too: finalized first */
            lua_pop(L, 1);
        }
    }
    /* A function not found (its cache replaced through the debug library)
       may still be called: then the library stays open. */
    if (found == library->functions) alien_core_library_gc(library);
    return 0;
}

/* alien.NAME, for a NAME that is not a field: alien.load(NAME). */
/* alien.NAME: the library NAME, or nil when it cannot be loaded (as the
   original: scripts test `if alien.foo then`); alien.load raises instead. */
static int alien_module_index(lua_State *L) {
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    lua_settop(L, 2);
    lua_pushcfunction(L, alien_load);
    lua_insert(L, 2);
    if (lua_pcall(L, 1, 1, 0) != 0) lua_pushnil(L);
    return 1;
}

static const luaL_Reg alien_library_metamethods[] = {
    {"__index", alien_library_index},
    {"__tostring", alien_library_tostring},
    {"__gc", alien_library_gc},
    {NULL, NULL}
};
