/*
 * Buffers: alien.buffer, buf:get/set, buf[i], and the other methods
 * (SPEC section 6). Scalar get and set of alien's own buffers are done here
 * from the buffer head the core shares (alien_buffer_head); anything else,
 * including every error, by the core.
 */

/*
 * A buffer's bytes live inside its userdata until realloc moves them to the
 * heap; only then is there anything to free. Lua keeps every object whose
 * metatable has __gc on a list of its own and runs its finaliser before
 * freeing it, which costs about as much again as making the buffer. So a new
 * buffer gets a copy of the buffer metatable without __gc (registry key
 * ALIEN_BUFFER_INLINE_MT), and realloc gives it the one with __gc.
 */
#define ALIEN_BUFFER_INLINE_MT "alien_buffer.inline"

/* Makes the inline buffers' metatable: the buffer metatable but for __gc. */
static void alien_buffer_inline_metatable(lua_State *L) {
    luaL_newmetatable(L, ALIEN_BUFFER_INLINE_MT);
    luaL_getmetatable(L, alien_metatables[ALIEN_OBJECT_BUFFER]);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "__gc") == 0) { lua_pop(L, 1); continue; }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
    }
    lua_pop(L, 2);
}

/* alien.buffer(n): a new buffer of n zeroed bytes on the stack, its head
   written here (what the core's alien_core_buffer_init writes for zeroed
   bytes: the bytes inline, right after the head), with the metatable at
   stack index `metatable`. */
static void alien_makezeroed(lua_State *L, size_t n, int metatable, const alien_settings *settings) {
    size_t block_size = alien_core_buffer_block_size(n);
    alien_buffer_head *b = (alien_buffer_head *)alien_newuserdata_bare(L, block_size);
    alien_buffer_head head = { { ALIEN_OBJECT_MAGIC, ALIEN_OBJECT_BUFFER, { 0, 0, 0 } }, settings,
                               (unsigned char *)b + (block_size - n), n, 1, ALIEN_STORAGE_INLINE };
    *b = head;
    memset(head.data, 0, n);
    lua_pushvalue(L, metatable);
    lua_setmetatable(L, -2);
}

/* A new buffer on the stack, from the argument at `source` (0: zeroed bytes),
   with the metatable at stack index `metatable`. */
static void alien_makebuffer(lua_State *L, size_t block_size, int source, int metatable, const alien_settings *settings) {
    void *block = alien_newuserdata_bare(L, block_size);
    memset(block, 0, block_size);
    lua_pushvalue(L, metatable);
    lua_setmetatable(L, -2);
    alien_core_buffer_init(L, block, block_size, source);
    ((alien_buffer_head *)block)->settings = settings;
}

/* A new buffer on the stack, from the argument at `source` (0: zeroed bytes). */
static void alien_newbuffer(lua_State *L, size_t block_size, int source) {
    const alien_settings *settings = alien_state_settings(L);
    luaL_getmetatable(L, ALIEN_BUFFER_INLINE_MT);
    alien_makebuffer(L, block_size, source, lua_gettop(L), settings);
    lua_remove(L, -2);
}

/* alien.buffer([size | string | lightuserdata]); upvalues: the state's
   settings, the inline buffers' metatable. */
static int alien_buffer(lua_State *L) {
    const alien_settings *settings = (const alien_settings *)lua_touserdata(L, lua_upvalueindex(1));
    size_t block_size;
    int64_t n;
    if (lua_type(L, 1) == LUA_TNUMBER && alien_tointeger64(L, 1, &n) && n >= 0 && n <= INT32_MAX) {
        alien_makezeroed(L, (size_t)n, lua_upvalueindex(2), settings);
        return 1;
    }
    lua_settop(L, 1);
    if (alien_core_buffer_request(L, &block_size) < 0) return alien_raise(L);
    alien_makebuffer(L, block_size, 1, lua_upvalueindex(2), settings);
    return 1;
}

/* Pushes alien.buffer, with its upvalues. */
static void alien_pushbufferconstructor(lua_State *L) {
    alien_pushsettings(L);
    luaL_getmetatable(L, ALIEN_BUFFER_INLINE_MT);
    lua_pushcclosure(L, alien_buffer, 2);
}

/* The buffer at idx now has memory on the heap: it needs its finaliser. */
static void alien_buffer_on_heap(lua_State *L, int idx) {
    luaL_getmetatable(L, alien_metatables[ALIEN_OBJECT_BUFFER]);
    lua_setmetatable(L, idx);
}

ALIEN_ENTRY(alien_buffer_byte, alien_core_buffer_byte)
ALIEN_ENTRY(alien_buffer_setbyte, alien_core_buffer_setbyte)
ALIEN_ENTRY(alien_buffer_length, alien_core_buffer_length)
ALIEN_ENTRY(alien_buffer_strlen, alien_core_buffer_strlen)
ALIEN_ENTRY(alien_buffer_tostring, alien_core_buffer_tostring)
ALIEN_ENTRY(alien_buffer_topointer, alien_core_buffer_topointer)
ALIEN_ENTRY(alien_buffer_tooffset, alien_core_buffer_tooffset)
ALIEN_ENTRY(alien_buffer_core_get, alien_core_buffer_get)
ALIEN_ENTRY(alien_buffer_core_set, alien_core_buffer_set)

/* Heap memory (a buffer after realloc) is invisible to Lua's collector: a
   step for every KiB allocated keeps the collector's pace with it. */
static void alien_report_heap(lua_State *L, lua_Integer bytes) {
    if (bytes >= 1024) lua_gc(L, LUA_GCSTEP, (int)(bytes / 1024 > 0x7fffffff ? 0x7fffffff : bytes / 1024));
}

/* buf:realloc(n) */
static int alien_buffer_realloc(lua_State *L) {
    int n;
    lua_settop(L, 2);
    n = alien_run(L, alien_core_buffer_realloc);
    alien_buffer_on_heap(L, 1);
    alien_report_heap(L, lua_tointeger(L, 2));
    return n;
}

/* The direct kind of a type name (0 when the core must handle it), asked of
   the core once per name and remembered in the state's settings. */
static inline int alien_buffer_kind(alien_settings *settings, const char *name, size_t length) {
    alien_kind_name *entry = &settings->kind_names[(length + (unsigned char)name[0]) % ALIEN_KIND_NAMES];
    int kind;
    if (entry->length == length && memcmp(entry->name, name, length) == 0) return entry->kind;
    kind = alien_core_scalar_kind(name, length);
    if (length > 0 && length <= sizeof entry->name) {
        memcpy(entry->name, name, length);
        entry->length = (unsigned char)length;
        entry->kind = kind;
    }
    return kind;
}

/* For buf:get/buf:set done here: the memory of a scalar at the 1-based offset
   at index 2 of alien's own buffer at index 1, with the type named at index
   `type_index` (default char); NULL when anything is not plain (the core
   then does it, with its errors). */
static inline __attribute__((always_inline)) unsigned char *alien_buffer_direct(lua_State *L, int type_index, int *kind) {
    const alien_buffer_head *b;
    int64_t offset;
    size_t size;
    b = (const alien_buffer_head *)alien_toobject(L, 1, ALIEN_OBJECT_BUFFER, sizeof(alien_buffer_head));
    if (b == NULL || !b->checked || !((const alien_settings *)b->settings)->direct) return NULL;
    if (lua_type(L, type_index) == LUA_TSTRING) {
        size_t length;
        const char *name = lua_tolstring(L, type_index, &length);
        *kind = alien_buffer_kind((alien_settings *)b->settings, name, length);
    } else if (lua_isnone(L, type_index)) {
        *kind = ALIEN_KIND_U8;
    } else {
        return NULL;
    }
    if (*kind == ALIEN_KIND_VOID || !alien_kind_tointeger(L, 2, ALIEN_KIND_I64, &offset)) return NULL;
    size = alien_kind_size(*kind);
    if (offset < 1 || (uint64_t)(offset - 1) + size > b->size) return NULL;
    return (unsigned char *)b->data + (offset - 1);
}

/* buf:get(offset [, type]) */
static int alien_buffer_get(lua_State *L) {
    int kind;
    unsigned char *p = alien_buffer_direct(L, 3, &kind);
    if (p == NULL) return alien_buffer_core_get(L);
    alien_kind_push(L, kind, p);
    return 1;
}

/* buf:set(offset, value [, type]) */
static int alien_buffer_set(lua_State *L) {
    int kind;
    unsigned char *p = alien_buffer_direct(L, 4, &kind);
    if (p != NULL && alien_kind_to(L, 3, kind, p)) return 0;
    return alien_buffer_core_set(L);
}

/* buf[i] reads byte i; buf.name finds a method (upvalue 1: the methods). */
static int alien_buffer_index(lua_State *L) {
    if (lua_type(L, 2) == LUA_TNUMBER) return alien_buffer_byte(L);
    lua_settop(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int alien_buffer_newindex(lua_State *L) {
    if (lua_type(L, 2) != LUA_TNUMBER)
        return luaL_error(L, "alien: buffer index must be a number, got %s", luaL_typename(L, 2));
    return alien_buffer_setbyte(L);
}

static int alien_buffer_gc(lua_State *L) {
    void *buffer = alien_toobject(L, 1, ALIEN_OBJECT_BUFFER, sizeof(alien_object_head));
    if (buffer != NULL) alien_core_buffer_gc(buffer);
    return 0;
}

static const luaL_Reg alien_buffer_metamethods[] = {
    {"__newindex", alien_buffer_newindex},
    {"__len", alien_buffer_length},
    {"__tostring", alien_buffer_tostring},
    {"__gc", alien_buffer_gc},
    {NULL, NULL}
};

static const luaL_Reg alien_buffer_methods[] = {
    {"strlen", alien_buffer_strlen},
    {"len", alien_buffer_strlen},
    {"tostring", alien_buffer_tostring},
    {"topointer", alien_buffer_topointer},
    {"tooffset", alien_buffer_tooffset},
    {"get", alien_buffer_get},
    {"set", alien_buffer_set},
    {"realloc", alien_buffer_realloc},
    {NULL, NULL}
};
