/*
 * Structs: alien.struct's pack, unpack, size and offset (SPEC section 10),
 * and alien.defstruct types and instances (SPEC section 8). Formats and
 * layout are the core's; here are the Lua tables and userdata they live in.
 */

#define ALIEN_STRUCT_MT "alien_struct_type"
#define ALIEN_STRUCT_KEY "alien.struct"

/* The key (its address) under which a struct type keeps its field table. */
static const char alien_fields_key = 0;

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
    luaL_getmetatable(L, ALIEN_STRUCT_MT);
    lua_setmetatable(L, -2);
    return 1;
}

/* The size of the struct type at index, checked: a table made by defstruct
   (its metatable) whose size is a whole number of bytes from 1 to 2^31 - 1.
   Its fields may be changed by Lua code; the core checks every field access
   against the instance's memory, so a changed size or field code is an
   error there, never an access out of bounds. */
static size_t alien_struct_size_of(lua_State *L, int index) {
    int64_t size;
    int is_struct = lua_type(L, index) == LUA_TTABLE && lua_getmetatable(L, index);
    if (is_struct) {
        luaL_getmetatable(L, ALIEN_STRUCT_MT);
        is_struct = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    if (!is_struct) luaL_argerror(L, index, lua_pushfstring(L, "alien struct type expected, got %s", luaL_typename(L, index)));
    lua_getfield(L, index, "size");
    if (!alien_tointeger64(L, -1, &size) || size < 1 || size > 0x7fffffff)
        luaL_argerror(L, index, "struct size must be a whole number from 1 to 2147483647");
    lua_pop(L, 1);
    return (size_t)size;
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
    lua_pushlightuserdata(L, (void *)&alien_fields_key);
    lua_rawget(L, 1);
    if (!lua_istable(L, -1)) luaL_argerror(L, 1, "struct type without its field table");
    lua_pop(L, 1);
    alien_core_instance_init(L, alien_newobject(L, alien_core_instance_size(), ALIEN_OBJECT_INSTANCE), 3);
    alien_keepalive(L, 4, 3);
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
    alien_checkobject(L, 1, ALIEN_OBJECT_INSTANCE);
    alien_pushhidden(L, 1);
    lua_rawgeti(L, -1, 1);
    if (!lua_istable(L, -1)) luaL_error(L, "alien: this object's hidden table was replaced");
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

/* A string or userdata stored in a field (its address, for a pointer or
   string field) stays alive as long as the instance: it is pinned in the
   instance's uservalue under the field's name. */
static int alien_instance_newindex(lua_State *L) {  /* [inst, key, value] */
    int type;
    lua_settop(L, 3);
    alien_pushfield(L);                     /* 4: code */
    alien_run(L, alien_core_field_set);
    type = lua_type(L, 3);
    alien_pushhidden(L, 1);
    lua_pushvalue(L, 2);
    if (type == LUA_TSTRING || type == LUA_TUSERDATA) lua_pushvalue(L, 3); else lua_pushnil(L);
    lua_rawset(L, -3);
    return 0;
}

/* inst(): the backing buffer. */
static int alien_instance_call(lua_State *L) {
    alien_checkobject(L, 1, ALIEN_OBJECT_INSTANCE);
    alien_pushhidden(L, 1);
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
    if (alien_toobject(L, 1, ALIEN_OBJECT_INSTANCE, sizeof(alien_object_head)) != NULL) {
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

static const luaL_Reg alien_struct_functions[] = {
    {"pack", alien_struct_pack},
    {"unpack", alien_struct_unpack},
    {"size", alien_struct_size},
    {"offset", alien_struct_offset},
    {NULL, NULL}
};
