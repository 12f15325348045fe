/*
 * Tags: userdata carrying Lua values under a named metatable
 * (alien.tag, wrap, unwrap, rewrap; SPEC section 11).
 */

#define ALIEN_TAG_PREFIX "alien.tag."

/* A tagged userdata: how many values it carries (they are in its uservalue). */
typedef struct {
    alien_object_head object;
    int count;
} alien_tagged;

/* Pushes the metatable registered for tag `name`, creating it on first use. */
static void alien_pushtag(lua_State *L, int name_index) {
    size_t length;
    const char *name = luaL_checklstring(L, name_index, &length);
    if (strlen(name) != length) luaL_argerror(L, name_index, "tag name contains a NUL byte");
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
    alien_tagged *tagged;
    luaL_checkstring(L, 1);
    alien_check_wrappable(L, 2, n);
    tagged = (alien_tagged *)lua_newuserdata(L, sizeof *tagged);
    memset(tagged, 0, sizeof *tagged);
    tagged->object.magic = ALIEN_OBJECT_MAGIC;
    tagged->object.kind = ALIEN_OBJECT_TAGGED;
    tagged->count = n - 1;
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
    alien_tagged *tagged;
    luaL_checkstring(L, 1);
    alien_pushtag(L, 1);
    tagged = (alien_tagged *)alien_toobject(L, 2, ALIEN_OBJECT_TAGGED, sizeof(alien_tagged));
    if (tagged == NULL || !lua_getmetatable(L, 2) || !lua_rawequal(L, -1, -2))
        return luaL_error(L, "alien: bad argument #2 to '%s' (object with tag '%s' expected, got %s)",
                          function, lua_tostring(L, 1), luaL_typename(L, 2));
    lua_settop(L, lua_gettop(L) - 2);
    return tagged->count;
}

/* alien.unwrap(name, obj) */
static int alien_unwrap(lua_State *L) {
    int i, count;
    lua_settop(L, 2);
    count = alien_checktagged(L, "unwrap");
    luaL_checkstack(L, count + 1, "alien: too many values");
    alien_pushhidden(L, 2);
    for (i = 1; i <= count; i++) lua_rawgeti(L, 3, i);
    return count;
}

/* alien.rewrap(name, obj, ...): replaces the values; extra ones are ignored, missing ones nil. */
static int alien_rewrap(lua_State *L) {
    int i, count, given = lua_gettop(L) - 2;
    count = alien_checktagged(L, "rewrap");
    alien_check_wrappable(L, 3, lua_gettop(L));
    alien_pushhidden(L, 2);
    for (i = 1; i <= count; i++) {
        if (i <= given) lua_pushvalue(L, 2 + i); else lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    return 0;
}

