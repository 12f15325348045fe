/*
 * The module: alien's functions, the metatables of its objects, and
 * luaopen_alien / luaopen_alien_struct.
 */

#define ALIEN_VERSION "0.8.0"

ALIEN_ENTRY(alien_sizeof, alien_core_sizeof)
ALIEN_ENTRY(alien_align, alien_core_align)
ALIEN_ENTRY(alien_errno, alien_core_errno)

/* alien.directcalls([on]): whether simple signatures are called directly
   rather than through libffi (on by default), in this Lua state; returns
   the previous setting. For comparing the two paths in tests and benchmarks. */
static int alien_directcalls(lua_State *L) {
    alien_settings *settings = alien_state_settings(L);
    int previous = settings->direct;
    if (!lua_isnoneornil(L, 1)) settings->direct = lua_toboolean(L, 1);
    lua_pushboolean(L, previous);
    return 1;
}

/* alien.table([narray [, nhash]]): sizes are hints, from 0 to 2^24. */
static int alien_tablesize(lua_State *L, int idx) {
    int64_t size = 0;
    if (lua_isnoneornil(L, idx)) return 0;
    luaL_checknumber(L, idx);
    luaL_argcheck(L, alien_tointeger64(L, idx, &size) && size >= 0 && size <= (1 << 24), idx,
                  "size must be a whole number from 0 to 16777216");
    return (int)size;
}

static int alien_table(lua_State *L) {
    int narray = alien_tablesize(L, 1), nhash = alien_tablesize(L, 2);
    lua_createtable(L, narray, nhash);
    return 1;
}

static const luaL_Reg alien_module_functions[] = {
    {"load", alien_load},
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
    {"defunion", alien_defunion},
    {"vararg", alien_vararg},
    {"cdef", alien_cdef},
    {"typeof", alien_typeof},
    {"offsetof", alien_offsetof},
    {"new", alien_new},
    {"byval", alien_byval},
    {"sizeof", alien_sizeof},
    {"align", alien_align},
    {"errno", alien_errno},
    {"table", alien_table},
    {"directcalls", alien_directcalls},
    {NULL, NULL}
};

static const luaL_Reg alien_no_functions[] = {
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

/* Pushes the registry's weak table `key` (mode "v" or "k"), creating it on first use. */
static void alien_weaktable(lua_State *L, const char *key, const char *mode) {
    lua_getfield(L, LUA_REGISTRYINDEX, key);
    if (lua_istable(L, -1)) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushstring(L, mode);
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
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_LIBRARY], alien_library_metamethods, NULL, NULL);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_FUNCTION], alien_function_metamethods,
                       alien_function_methods, NULL);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_BUFFER], alien_buffer_metamethods,
                       alien_buffer_methods, alien_buffer_index);
    alien_buffer_inline_metatable(L);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_ARRAY], alien_array_metamethods,
                       alien_array_methods, alien_array_index);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_INSTANCE], alien_instance_metamethods, NULL, NULL);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_TYPE], alien_no_functions, NULL, NULL);
    alien_newmetatable(L, alien_metatables[ALIEN_OBJECT_VARARG], alien_no_functions, NULL, NULL);
    alien_newmetatable(L, ALIEN_STRUCT_MT, alien_no_functions, alien_struct_methods, NULL);
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CTYPES_KEY);   /* descriptor -> type table, for ever */
    if (lua_isnil(L, -1)) {
        lua_newtable(L);
        lua_setfield(L, LUA_REGISTRYINDEX, ALIEN_CTYPES_KEY);
    }
    lua_pop(L, 1);

    lua_newtable(L);                        /* the module */
    alien_setfuncs(L, alien_module_functions);
    alien_pushbufferconstructor(L);
    lua_setfield(L, -2, "buffer");
    lua_pushliteral(L, ALIEN_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushliteral(L, ALIEN_PLATFORM);
    lua_setfield(L, -2, "platform");
    for (type = alien_unpack_types; *type != NULL; type++) {
        lua_pushfstring(L, "to%s", *type);
        lua_pushinteger(L, alien_core_type_code(*type));
        lua_pushcclosure(L, alien_unpack, 1);
        lua_settable(L, -3);
    }

    alien_weaktable(L, ALIEN_CALLBACKS_KEY, "v");
    lua_pop(L, 1);
    alien_weaktable(L, ALIEN_KEEPALIVE_KEY, "k");
    lua_pop(L, 1);
    alien_weaktable(L, ALIEN_LOADED_KEY, "v");   /* alien.loaded */
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

    lua_newtable(L);                        /* alien.constants: enum constants from cdef */
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, alien_constants_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "constants");

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
