/*
 * The bridge (alien_bridge.h): how the Swift core reads the Lua stack.
 * Nothing here can raise a Lua error, so no longjmp ever crosses a Swift
 * frame: only lua_type, lua_to* on values that need no conversion, and
 * lengths without metamethods.
 */

int alien_lua_gettop(lua_State *L) { return lua_gettop(L); }
int alien_lua_type(lua_State *L, int idx) { return lua_type(L, idx); }
const char *alien_lua_typename(lua_State *L, int idx) { return lua_typename(L, lua_type(L, idx)); }
int alien_lua_toboolean(lua_State *L, int idx) { return lua_toboolean(L, idx); }

int alien_lua_tonumeric(lua_State *L, int idx, int64_t *i, double *n) {
    int ok, type = lua_type(L, idx);
    lua_Number number;
    if (type != LUA_TNUMBER && type != LUA_TSTRING) return 0;
#if LUA_VERSION_NUM >= 503
    /* A float stays a float, even an integral one: -0.0 keeps its sign. */
    if (type == LUA_TSTRING || lua_isinteger(L, idx)) {
        lua_Integer integer = lua_tointegerx(L, idx, &ok);
        if (ok) { *i = (int64_t)integer; return 1; }
    }
#else
    (void)i;   /* no integers before 5.3: every number is read as a double */
#endif
    number = alien_tonumberx(L, idx, &ok);
    if (!ok) return 0;
    *n = (double)number;
    return 2;
}

int alien_lua_tointeger(lua_State *L, int idx, int64_t *i) { return alien_tointeger64(L, idx, i); }

int alien_lua_tonumber(lua_State *L, int idx, double *n) {
    int ok;
    lua_Number number = alien_tonumberx(L, idx, &ok);
    *n = (double)number;
    return ok;
}

const char *alien_lua_tostring(lua_State *L, int idx, size_t *len) {
    if (lua_type(L, idx) != LUA_TSTRING) return NULL;
    return lua_tolstring(L, idx, len);
}

void *alien_lua_touserdata(lua_State *L, int idx) { return lua_touserdata(L, idx); }

size_t alien_lua_rawlen(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TTABLE ? (size_t)alien_rawlen(L, idx) : 0;
}

size_t alien_lua_udatasize(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TUSERDATA ? (size_t)alien_rawlen(L, idx) : 0;
}

alien_object_head *alien_lua_toobject(lua_State *L, int idx, size_t *size) {
    /* lua_touserdata is NULL for all but userdata, and a light userdata's length is 0. */
    alien_object_head *head = (alien_object_head *)lua_touserdata(L, idx);
    if (head == NULL) return NULL;
    *size = (size_t)alien_rawlen(L, idx);
    return *size >= sizeof *head && head->magic == ALIEN_OBJECT_MAGIC ? head : NULL;
}

int alien_lua_next(lua_State *L, int idx) {
    if (!lua_checkstack(L, 3)) return -1;
    return lua_next(L, idx) ? 1 : 0;
}

void alien_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
void alien_lua_pushnil(lua_State *L) { lua_pushnil(L); }

int alien_lua_has_integers(void) { return LUA_VERSION_NUM >= 503; }

int alien_lua_isinteger(lua_State *L, int idx) {
#if LUA_VERSION_NUM >= 503
    return lua_isinteger(L, idx);
#else
    (void)L; (void)idx;
    return 0;
#endif
}

/* The key (its address) under which a struct or union type table keeps its type object. */
static const char alien_ctype_key = 0;

/* The alien object of `kind` at idx, at least `size` bytes, or NULL. */
static inline void *alien_toobject(lua_State *L, int idx, int kind, size_t size) {
    /* lua_touserdata is NULL for all but userdata, and a light userdata's length is 0. */
    alien_object_head *head = (alien_object_head *)lua_touserdata(L, idx);
    if (head == NULL || (size_t)alien_rawlen(L, idx) < size) return NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    {   /* magic, kind and the zero reserved bytes in one 8-byte comparison */
        uint64_t word;
        memcpy(&word, head, sizeof word);
        return word == ((uint64_t)(uint8_t)kind << 32 | ALIEN_OBJECT_MAGIC) ? head : NULL;
    }
#else
    return head->magic == ALIEN_OBJECT_MAGIC && head->kind == kind ? head : NULL;
#endif
}

const alien_ctype *alien_lua_toctype(lua_State *L, int idx) {
    const alien_type_head *type;
    if (lua_type(L, idx) != LUA_TTABLE) return NULL;
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    lua_pushlightuserdata(L, (void *)&alien_ctype_key);
    lua_rawget(L, idx);
    type = (const alien_type_head *)alien_toobject(L, -1, ALIEN_OBJECT_TYPE, sizeof(alien_type_head));
    lua_pop(L, 1);
    return type != NULL ? type->type : NULL;
}

/* Metatable names by object kind (the object table in alien_bridge.h). */
static const char *const alien_metatables[ALIEN_OBJECT_COUNT] = {
    NULL,
#define ALIEN_METATABLE_NAME(name, metatable) metatable,
    ALIEN_OBJECTS(ALIEN_METATABLE_NAME)
#undef ALIEN_METATABLE_NAME
};

/* The object of `kind` at idx, or the error luaL_checkudata would raise. */
static void *alien_checkobject(lua_State *L, int idx, int kind) {
    void *object = alien_toobject(L, idx, kind, sizeof(alien_object_head));
    if (object == NULL)
        luaL_argerror(L, idx, lua_pushfstring(L, "%s expected, got %s", alien_metatables[kind], luaL_typename(L, idx)));
    return object;
}
