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

/* A new object of `kind`, `size` zeroed bytes, left on the stack. */
static void *alien_newobject(lua_State *L, size_t size, int kind) {
    void *block = lua_newuserdata(L, size);
    memset(block, 0, size);
    alien_setmetatable(L, kind);
    lua_newtable(L);
    alien_setuservalue(L, -2);
    return block;
}
