/*
 * Structs: alien.struct's pack, unpack, size and offset (SPEC section 10),
 * and alien.defstruct types and instances (SPEC section 8). Formats and
 * layout are the core's; here are the Lua tables and userdata they live in.
 */

#define ALIEN_STRUCT_MT "alien_struct_type"
#define ALIEN_STRUCT_KEY "alien.struct"

#define ALIEN_CTYPES_KEY "alien.ctypes"

/* The key (its address) under which a struct type keeps its field table:
   name -> field number, which the core turns into the field's type and offset. */
static const char alien_fields_key = 0;

/* pack(fmt, ...): packed on the C stack when the result fits there (the
   core packs and measures in one walk of the format); a larger result is
   packed again into a userdata of the size the core asks for. */
static int alien_struct_pack(lua_State *L) {
    char scratch[512];
    void *space = scratch;
    size_t capacity = sizeof scratch, length = 0;
    int n, last = lua_gettop(L);
    for (;;) {
        n = alien_core_struct_pack(L, space, capacity, &length, last);
        if (n == ALIEN_NEEDSPACE) {
            space = lua_newuserdata(L, length);
            capacity = length;
        } else if (n <= ALIEN_TOSTRING_BASE) {
            lua_tolstring(L, ALIEN_TOSTRING_BASE - n, NULL);
        } else {
            break;
        }
    }
    if (n < 0) return alien_raise(L);
    lua_pushlstring(L, (const char *)space, length);
    return 1;
}

/* unpack(fmt, data [, size] [, pos]): arguments past the fourth are ignored
   (the core reads none of them), absent ones are nil to it. */
static int alien_struct_unpack(lua_State *L) {
    alien_value scratch[ALIEN_MAXRESULTS];
    alien_value *out = scratch;
    size_t capacity = ALIEN_MAXRESULTS, needed = 0;
    int n;
    for (;;) {
        n = alien_core_struct_unpack(L, out, capacity, &needed);
        if (n != ALIEN_NEEDSPACE) break;
        if (lua_gettop(L) < 4) lua_settop(L, 4);   /* the room goes above the arguments */
        out = (alien_value *)lua_newuserdata(L, needed * sizeof(alien_value));
        capacity = needed;
    }
    if (n < 0) return alien_raise(L);
    return alien_push(L, out, n);
}

ALIEN_ENTRY(alien_struct_size, alien_core_struct_size)
ALIEN_ENTRY(alien_struct_offset, alien_core_struct_offset)

/* Pushes the Lua value for a type: a scalar's name, an array's element
   type, or the type table of a struct or union (names, offsets, types,
   size, align, and the methods new and byval), made on first use in this
   Lua state and kept in the registry (descriptor -> table), so that one
   type is one table. The table keeps the type object that carries its
   descriptor, and the field table instances look their fields up in. */
static void alien_pushctype(lua_State *L, const alien_ctype *type) {
    alien_type_head *object;
    size_t i;
    int t;
    while (type->form == ALIEN_CTYPE_ARRAY) type = type->element;
    if (type->form == ALIEN_CTYPE_SCALAR) {
        lua_pushstring(L, alien_core_ctype_name(type));
        return;
    }
    luaL_checkstack(L, 10, "alien: types nested too deeply");
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CTYPES_KEY);
    lua_pushlightuserdata(L, (void *)type);
    lua_rawget(L, -2);
    if (!lua_isnil(L, -1)) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);                          /* [cache] */
    lua_createtable(L, 0, 8);               /* t: the type table */
    t = lua_gettop(L);
    lua_createtable(L, (int)type->count, 0);    /* t+1: names */
    lua_createtable(L, 0, (int)type->count);    /* t+2: offsets */
    lua_createtable(L, 0, (int)type->count);    /* t+3: types */
    lua_createtable(L, 0, (int)type->count);    /* t+4: fields */
    for (i = 0; i < type->count; i++) {
        const alien_cfield *field = &type->fields[i];
        lua_pushlstring(L, field->name, field->length);
        lua_pushvalue(L, -1);
        lua_rawseti(L, t + 1, (int)i + 1);
        lua_pushvalue(L, -1);
        alien_pushint64(L, (int64_t)field->offset);
        lua_rawset(L, t + 2);
        lua_pushvalue(L, -1);
        alien_pushctype(L, field->type);
        lua_rawset(L, t + 3);
        alien_pushint64(L, (int64_t)i + 1);
        lua_rawset(L, t + 4);
    }
    lua_pushlightuserdata(L, (void *)&alien_fields_key);
    lua_insert(L, -2);
    lua_rawset(L, t);
    lua_setfield(L, t, "types");
    lua_setfield(L, t, "offsets");
    lua_setfield(L, t, "names");
    alien_pushint64(L, (int64_t)type->size);
    lua_setfield(L, t, "size");
    alien_pushint64(L, (int64_t)type->align);
    lua_setfield(L, t, "align");
    lua_pushlightuserdata(L, (void *)&alien_ctype_key);
    object = (alien_type_head *)alien_newobject(L, sizeof(alien_type_head), ALIEN_OBJECT_TYPE);
    object->type = type;
    object->object.magic = ALIEN_OBJECT_MAGIC;
    object->object.kind = ALIEN_OBJECT_TYPE;
    lua_rawset(L, t);
    luaL_getmetatable(L, ALIEN_STRUCT_MT);
    lua_setmetatable(L, t);
    lua_pushlightuserdata(L, (void *)type);
    lua_pushvalue(L, t);
    lua_rawset(L, t - 1);
    lua_remove(L, t - 1);
}

/* alien.defstruct(fields [, options]) and alien.defunion: fields are
   { name, type [, count] }, options { pack = n }. The core lays the type
   out from [fields, options, pack, name1, type1, count1, ...]. */
static int alien_defcomposite(lua_State *L, int is_union) {
    const char *function = is_union ? "defunion" : "defstruct";
    const alien_ctype *type = NULL;
    int i, n;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (int)alien_rawlen(L, 1);
    luaL_argcheck(L, n > 0, 1, "at least one field expected");
    luaL_argcheck(L, n <= 100000, 1, "too many fields");
    lua_settop(L, 2);
    if (lua_istable(L, 2)) lua_getfield(L, 2, "pack");
    else if (lua_isnil(L, 2)) lua_pushnil(L);
    else return luaL_argerror(L, 2, "options table expected");
    luaL_checkstack(L, 3 * n + 8, "alien: too many fields");
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        if (!lua_istable(L, -1))
            return luaL_error(L, "bad argument #1 to '%s' (field #%d must be {name, type})", function, i);
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        lua_rawgeti(L, -3, 3);
        lua_remove(L, -4);
    }
    if (alien_core_defcomposite(L, is_union, n, &type) < 0) return alien_raise(L);
    alien_pushctype(L, type);
    return 1;
}

static int alien_defstruct(lua_State *L) { return alien_defcomposite(L, 0); }
static int alien_defunion(lua_State *L) { return alien_defcomposite(L, 1); }

/* The struct or union type at index, or an argument error. */
static const alien_ctype *alien_checkctype(lua_State *L, int index) {
    const alien_ctype *type = alien_lua_toctype(L, index);
    if (type == NULL || type->form == ALIEN_CTYPE_SCALAR)
        luaL_argerror(L, index, lua_pushfstring(L, "alien struct type expected, got %s", luaL_typename(L, index)));
    return type;
}

/* A new instance of `type`, `offset` bytes into the buffer at buffer_index,
   left on the stack. It keeps the buffer alive, and its uservalue holds the
   type's field table (1) and the buffer (2). */
static void alien_newinstance(lua_State *L, const alien_ctype *type, int buffer_index, size_t offset) {
    if (buffer_index < 0) buffer_index = lua_gettop(L) + buffer_index + 1;
    alien_core_instance_init(L, alien_newobject(L, alien_core_instance_size(), ALIEN_OBJECT_INSTANCE),
                             buffer_index, type, offset);
    alien_keepalive(L, -1, buffer_index);
    alien_getuservalue(L, -1);
    alien_pushctype(L, type);
    lua_pushlightuserdata(L, (void *)&alien_fields_key);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, buffer_index);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 1);
}

/* Pushes the buffer whose memory the object at idx (a buffer, an instance or an array) uses. */
static void alien_pushbufferof(lua_State *L, int idx) {
    if (alien_toobject(L, idx, ALIEN_OBJECT_BUFFER, sizeof(alien_object_head)) != NULL) {
        lua_pushvalue(L, idx);
        return;
    }
    alien_pushhidden(L, idx);
    if (alien_toobject(L, idx, ALIEN_OBJECT_INSTANCE, sizeof(alien_object_head)) != NULL) lua_rawgeti(L, -1, 2);
    else lua_getfield(L, -1, "buffer");
    lua_remove(L, -2);
    if (alien_toobject(L, -1, ALIEN_OBJECT_BUFFER, sizeof(alien_object_head)) == NULL)
        luaL_error(L, "alien: this object's hidden table was replaced");
}

/* A view (ALIEN_VVIEW): an instance of a struct or union, or an alien array
   for an array type, over the memory of the object at `owner`. */
static void alien_pushview(lua_State *L, const alien_ctype *type, int owner, size_t offset) {
    int buffer;
    if (owner < 0) owner = lua_gettop(L) + owner + 1;
    alien_pushbufferof(L, owner);
    buffer = lua_gettop(L);
    if (type->form == ALIEN_CTYPE_ARRAY) {
        alien_core_array_view_init(L, alien_newobject(L, alien_core_array_size(), ALIEN_OBJECT_ARRAY),
                                   buffer, type, offset);
        alien_getuservalue(L, -1);
        lua_pushvalue(L, buffer);
        lua_setfield(L, -2, "buffer");
        lua_pop(L, 1);
        alien_keepalive(L, -1, buffer);
    } else {
        alien_newinstance(L, type, buffer, offset);
    }
    lua_remove(L, buffer);
}

/* A new instance owning a copy of `type`'s bytes (ALIEN_VCOPY). */
static void alien_pushcopy(lua_State *L, const alien_ctype *type, const void *bytes) {
    alien_newbuffer(L, alien_core_buffer_block_size(type->size), 0);
    memcpy(((alien_buffer_head *)lua_touserdata(L, -1))->data, bytes, type->size);
    alien_newinstance(L, type, -1, 0);
    lua_remove(L, -2);
}

/* st:new([buffer | pointer]): an instance over a new buffer of st.size bytes, or the one given. */
static int alien_struct_new(lua_State *L) {
    const alien_ctype *type = alien_checkctype(L, 1);
    lua_settop(L, 2);
    if (lua_isnil(L, 2) || lua_type(L, 2) == LUA_TLIGHTUSERDATA) {
        alien_pushbufferconstructor(L);
        if (lua_isnil(L, 2)) alien_pushint64(L, (int64_t)type->size); else lua_pushvalue(L, 2);
        lua_call(L, 1, 1);                  /* 3: the buffer */
    } else {
        if (alien_core_buffer_fits(L, 2, type->size) < 0) return alien_raise(L);
        lua_pushvalue(L, 2);
    }
    alien_newinstance(L, type, 3, 0);
    return 1;
}

/* The field number of key (index 2) on the instance at index 1, pushed; raises for unknown fields. */
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
    alien_pushfield(L);                     /* 3: field number */
    return alien_run(L, alien_core_field_get);
}

/* A string or userdata stored in a field (its address, for a pointer or
   string field) stays alive as long as the instance: it is pinned in the
   instance's uservalue under the field's name. */
static int alien_instance_newindex(lua_State *L) {  /* [inst, key, value] */
    int type;
    lua_settop(L, 3);
    alien_pushfield(L);                     /* 4: field number */
    alien_run(L, alien_core_field_set);
    type = lua_type(L, 3);
    alien_pushhidden(L, 1);
    lua_pushvalue(L, 2);
    if (type == LUA_TSTRING || type == LUA_TUSERDATA) lua_pushvalue(L, 3); else lua_pushnil(L);
    lua_rawset(L, -3);
    return 0;
}

/* inst(): the backing buffer (for a view, the whole buffer it is a view of). */
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
    size_t size = alien_checkctype(L, 1)->size;
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

/* alien.vararg(type, value): a value with the C type it travels as through `...`. */
static int alien_vararg(lua_State *L) {
    void *vararg;
    lua_settop(L, 2);
    vararg = alien_newobject(L, alien_core_vararg_size(), ALIEN_OBJECT_VARARG);
    if (alien_core_vararg_init(L, vararg) < 0) return alien_raise(L);
    alien_getuservalue(L, 3);               /* a string's bytes or a buffer's memory stay alive */
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, 1);
    lua_pop(L, 1);
    return 1;
}

/* ---- alien.cdef (SPEC section 14) ---- */

/* The key (its address) of this state's cdef definitions in the registry. */
static const char alien_cdefs_key = 0;

void *alien_lua_cdefs(lua_State *L) {
    void *block;
    lua_pushlightuserdata(L, (void *)&alien_cdefs_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    block = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return block;
}

static int alien_cdefs_gc(lua_State *L) {
    void *block = lua_touserdata(L, 1);
    if (block != NULL && (size_t)alien_rawlen(L, 1) >= alien_core_cdefs_size()) alien_core_cdefs_gc(block);
    return 0;
}

/* alien.cdef(source) */
static int alien_cdef(lua_State *L) {
    lua_settop(L, 1);
    if (alien_lua_cdefs(L) == NULL) {
        void *block;
        lua_pushlightuserdata(L, (void *)&alien_cdefs_key);
        block = lua_newuserdata(L, alien_core_cdefs_size());
        memset(block, 0, alien_core_cdefs_size());
        lua_createtable(L, 0, 1);
        lua_pushcfunction(L, alien_cdefs_gc);
        lua_setfield(L, -2, "__gc");
        lua_setmetatable(L, -2);
        alien_core_cdefs_init(block);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }
    if (alien_core_cdef(L) < 0) return alien_raise(L);
    return 0;
}

/* alien.constants.NAME */
static int alien_constants_index(lua_State *L) {
    return alien_run(L, alien_core_cdef_constant);
}

ALIEN_ENTRY(alien_typeof, alien_core_typeof)
ALIEN_ENTRY(alien_offsetof, alien_core_offsetof)

/* alien.new(T [, init]): an instance of struct or union type T over new memory. */
static int alien_new(lua_State *L) {
    const alien_ctype *type = NULL;
    lua_settop(L, 2);
    if (alien_core_new_type(L, &type) < 0) return alien_raise(L);
    alien_newbuffer(L, alien_core_buffer_block_size(type->size), 0);   /* 3 */
    alien_newinstance(L, type, 3, 0);                                   /* 4 */
    lua_replace(L, 3);
    if (!lua_isnil(L, 2) && alien_core_new_init(L) < 0) return alien_raise(L);
    return 1;
}
