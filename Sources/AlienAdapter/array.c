/*
 * Arrays: alien.array, arr[i], arr:ipairs(), arr:realloc() (SPEC section 7).
 * An array is a typed view of a buffer it keeps in its uservalue, with the
 * strings and userdata its elements point at pinned there too.
 */

static int alien_array_newindex(lua_State *L);

/* alien.array(type, n | {values} [, buffer]) */
static int alien_array(lua_State *L) {
    size_t length, i;
    ptrdiff_t bytes;
    int buffer_index = 3, array_index;
    lua_settop(L, 3);
    if (alien_core_array_plan(L, &length, &bytes) < 0) return alien_raise(L);
    if (bytes >= 0) {
        alien_newbuffer(L, alien_core_buffer_block_size((size_t)bytes), 0);
        buffer_index = 4;
    }
    alien_core_array_init(L, alien_newobject(L, alien_core_array_size(), ALIEN_OBJECT_ARRAY), buffer_index, length);
    array_index = lua_gettop(L);
    alien_getuservalue(L, array_index);     /* the array keeps its buffer */
    lua_pushvalue(L, buffer_index);
    lua_setfield(L, -2, "buffer");
    lua_pop(L, 1);
    alien_keepalive(L, array_index, buffer_index);
    if (lua_type(L, 2) == LUA_TTABLE) {
        for (i = 1; i <= length; i++) {
            lua_pushcfunction(L, alien_array_newindex);
            lua_pushvalue(L, array_index);
            lua_pushinteger(L, (lua_Integer)i);
            lua_rawgeti(L, 2, (int)i);
            lua_call(L, 3, 0);
        }
    }
    return 1;
}

/* For arr[i] and arr[i] = v done here: the memory of element i (the number
   at index 2) of the array at index 1, when its element is a number the
   adapter converts itself (alien_array_head.kind) and i is in range;
   NULL for anything else (the core then does it, with its errors). */
static inline __attribute__((always_inline)) unsigned char *alien_array_direct(lua_State *L, int *kind) {
    const alien_array_head *a = (const alien_array_head *)alien_toobject(L, 1, ALIEN_OBJECT_ARRAY, sizeof *a);
    const alien_buffer_head *b;
    int64_t index;
    size_t size;
    if (a == NULL || a->kind == 0) return NULL;
    b = a->buffer;
    if (b->data == NULL || !((const alien_settings *)b->settings)->direct || !alien_tointeger64(L, 2, &index))
        return NULL;
    size = alien_kind_size(a->kind);
    if (index < 1 || (uint64_t)index > a->length) return NULL;
    if (b->checked && a->offset + (uint64_t)index * size > b->size) return NULL;   /* resized since */
    *kind = a->kind;
    return (unsigned char *)b->data + a->offset + (size_t)(index - 1) * size;
}

ALIEN_ENTRY(alien_array_core_get, alien_core_array_get)

/* arr[i] */
static int alien_array_get(lua_State *L) {
    int kind;
    unsigned char *p = alien_array_direct(L, &kind);
    if (p == NULL) return alien_array_core_get(L);
    alien_kind_push(L, kind, p);
    return 1;
}
ALIEN_ENTRY(alien_array_tostring, alien_core_array_tostring)
ALIEN_ENTRY(alien_array_length, alien_core_array_length)

/* arr[i] = v; a string or userdata whose address is stored is pinned in the uservalue. */
static int alien_array_newindex(lua_State *L) {
    alien_value out[1];
    int pin, kind;
    unsigned char *p = alien_array_direct(L, &kind);
    if (p != NULL && lua_gettop(L) == 3 && alien_kind_to(L, 3, kind, p)) return 0;   /* a number: nothing to pin */
    lua_settop(L, 3);
    pin = alien_call(L, alien_core_array_set, out);
    alien_pushhidden(L, 1);
    lua_pushvalue(L, 2);
    if (pin) lua_pushvalue(L, 3); else lua_pushnil(L);
    lua_rawset(L, -3);
    return 0;
}

/* arr[i], arr.type/length/size/buffer, and methods (upvalue 1). */
static int alien_array_index(lua_State *L) {
    if (lua_type(L, 2) == LUA_TNUMBER) return alien_array_get(L);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "buffer") == 0) {
        alien_checkobject(L, 1, ALIEN_OBJECT_ARRAY);
        alien_pushhidden(L, 1);
        lua_getfield(L, -1, "buffer");
        return 1;
    }
    return alien_run(L, alien_core_array_field);
}

static int alien_array_next(lua_State *L) {
    alien_value out[1];
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (alien_core_array_length(L, out) < 0) return alien_raise(L);
    if (i > out[0].v.i) return 0;
    lua_settop(L, 1);
    lua_pushinteger(L, i);
    alien_call(L, alien_core_array_get, out);
    return alien_push(L, out, 1) + 1;
}

/* arr:ipairs() */
static int alien_array_ipairs(lua_State *L) {
    alien_checkobject(L, 1, ALIEN_OBJECT_ARRAY);
    lua_pushcfunction(L, alien_array_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* arr:realloc(n): resizes the buffer; pins past the new end are dropped. */
static int alien_array_realloc(lua_State *L) {
    alien_value out[1];
    void *array = alien_checkobject(L, 1, ALIEN_OBJECT_ARRAY);
    size_t bytes;
    lua_Integer length, old_length, i;
    lua_settop(L, 2);
    if (alien_core_array_realloc_plan(L, &bytes) < 0) return alien_raise(L);
    length = lua_tointeger(L, 2);
    alien_core_array_length(L, out);
    old_length = out[0].v.i;
    alien_pushhidden(L, 1);               /* 3 */
    lua_getfield(L, 3, "buffer");
    lua_replace(L, 1);                      /* [buffer, n, uservalue] as buffer:realloc wants */
    lua_pushinteger(L, (lua_Integer)bytes);
    lua_replace(L, 2);
    if (alien_core_buffer_realloc(L, out) < 0) return alien_raise(L);
    alien_buffer_on_heap(L, 1);
    alien_report_heap(L, (lua_Integer)bytes);
    alien_core_array_set_length(array, (size_t)length);
    for (i = length + 1; i <= old_length; i++) {
        lua_pushnil(L);
        lua_rawseti(L, 3, (int)i);
    }
    return 0;
}

static const luaL_Reg alien_array_metamethods[] = {
    {"__newindex", alien_array_newindex},
    {"__len", alien_array_length},
    {NULL, NULL}
};

static const luaL_Reg alien_array_methods[] = {
    {"ipairs", alien_array_ipairs},
    {"realloc", alien_array_realloc},
    {"tostring", alien_array_tostring},
    {NULL, NULL}
};
