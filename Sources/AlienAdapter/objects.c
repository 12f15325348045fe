/*
 * Making alien's objects: a full userdata of the size the core asks for,
 * zeroed, with the metatable of its kind and an empty uservalue table
 * (where each object keeps the Lua values it needs alive). The core writes
 * the object head when it initialises the block.
 */

static void alien_setmetatable(lua_State *L, int kind) {
    luaL_getmetatable(L, alien_metatables[kind]);
    lua_setmetatable(L, -2);
}

/* Pushes the uservalue table of the object at idx, where it keeps the Lua
   values it needs. Only the debug library can replace it; if it did, the
   object is refused with an error rather than read through a non-table. */
static void alien_pushhidden(lua_State *L, int idx) {
    alien_getuservalue(L, idx);
    if (!lua_istable(L, -1)) luaL_error(L, "alien: this object's hidden table was replaced");
}

#define ALIEN_KEEPALIVE_KEY "alien.keepalive"

/* The value at value_idx lives at least as long as the object at object_idx,
   whatever is done to the object's uservalue: arrays and instances read
   their buffer through a pointer, so the buffer must outlive them. A table
   in the registry with weak keys holds it (the object is the key). */
static void alien_keepalive(lua_State *L, int object_idx, int value_idx) {
    object_idx = object_idx < 0 ? lua_gettop(L) + object_idx + 1 : object_idx;
    value_idx = value_idx < 0 ? lua_gettop(L) + value_idx + 1 : value_idx;
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_KEEPALIVE_KEY);
    lua_pushvalue(L, object_idx);
    lua_pushvalue(L, value_idx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* A new object of `kind`, `size` zeroed bytes, left on the stack. */
static void *alien_newobject(lua_State *L, size_t size, int kind) {
    void *block = lua_newuserdata(L, size);
    memset(block, 0, size);
    alien_setmetatable(L, kind);
    lua_newtable(L);
    alien_setuservalue(L, -2);
    return block;
}
