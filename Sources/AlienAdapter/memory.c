/*
 * Pointers and raw memory: alien.memmove, memset, isnull, tostring and the
 * alien.to<type> unpackers (SPEC section 9).
 */

ALIEN_ENTRY(alien_memmove, alien_core_memmove)
ALIEN_ENTRY(alien_memset, alien_core_memset)
ALIEN_ENTRY(alien_isnull, alien_core_isnull)
ALIEN_ENTRY(alien_pointer_tostring, alien_core_pointer_tostring)

/* alien.to<type>(ptr [, n]); upvalue 1 is the type's code. */
static int alien_unpack(lua_State *L) {
    int type = (int)lua_tointeger(L, lua_upvalueindex(1));
    size_t count, i;
    void *pointer;
    if (alien_core_unpack_count(L, type, &count, &pointer) < 0) return alien_raise(L);
    if (pointer == NULL) { lua_pushnil(L); return 1; }     /* alien.toint(nil): one nil */
    luaL_checkstack(L, (int)count, "alien: too many values to unpack");
    for (i = 0; i < count; i++) {
        alien_value value = alien_core_unpack_value(pointer, type, i);
        alien_push(L, &value, 1);
    }
    return (int)count;
}

static const char *const alien_unpack_types[] = {
    "char", "byte", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
    "ulonglong", "ptrdiff_t", "size_t", "float", "double", NULL
};

