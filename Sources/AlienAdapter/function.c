/*
 * Functions: f(...), f:types(...), alien.callback, alien.funcptr
 * (SPEC sections 4 and 5). A call follows the function's direct plan when
 * it has one and the arguments are plain (direct.c); anything else goes
 * through the core and libffi.
 */

#define ALIEN_CALLBACKS_KEY "alien.callbacks"

static void alien_newbuffer(lua_State *L, size_t block_size, int source);

/* A call through the core and libffi. A callback's error, kept on top of the
   stack, is raised by alien_leave once C has returned. A struct or union
   result is written into a new buffer pushed first, which becomes the
   result's instance. `f` is the function at index 1 (NULL when it is none:
   the core raises the error). */
__attribute__((noinline)) static int alien_core_function_call(lua_State *L, const alien_function_head *f) {
    alien_value out[ALIEN_MAXRESULTS];
    alien_frame frame;
    void *result = NULL;
    int n;
    if (f != NULL && f->aggregate != NULL) {
        alien_newbuffer(L, alien_core_buffer_block_size(f->aggregate->size), 0);
        result = ((alien_buffer_head *)lua_touserdata(L, -1))->data;
    }
    do {
        alien_enter(&frame, L, f != NULL ? f->settings : NULL);
        n = alien_core_call(L, out, result);
        alien_leave(&frame);
    } while (alien_status(L, n) == ALIEN_RETRY);
    return alien_push(L, out, n);
}

/* f(...) */
static int alien_function_call(lua_State *L) {
    const alien_function_head *f =
        (const alien_function_head *)alien_toobject(L, 1, ALIEN_OBJECT_FUNCTION, sizeof(alien_function_head));
    /* A function with a plan has had types(), so it was settled (it has settings). */
    if (f != NULL && f->direct != ALIEN_DIRECT_NONE && lua_gettop(L) == f->count + 1
        && ((const alien_settings *)f->settings)->direct) {
        int n = alien_direct_call(L, f, 2);
        if (n >= 0) return n;
    }
    return alien_core_function_call(L, f);
}

/* A bound function, f:bind()'s result: a plain C function with the function
   object as its upvalue, so a call skips the __call metamethod and the check
   of what was called. Anything the direct plan does not take goes to the
   core as a call of the object itself would. */
static int alien_bound_call(lua_State *L) {
    const alien_function_head *f = (const alien_function_head *)lua_touserdata(L, lua_upvalueindex(1));
    /* f:types() may have changed the plan since bind(); a finalized object has none */
    if (f->direct != ALIEN_DIRECT_NONE && lua_gettop(L) == f->count && ((const alien_settings *)f->settings)->direct) {
        int n = alien_direct_call(L, f, 1);
        if (n >= 0) return n;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    return alien_core_function_call(L, f);
}

/* f:bind() */
static int alien_function_bind(lua_State *L) {
    alien_checkobject(L, 1, ALIEN_OBJECT_FUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, alien_bound_call, 1);
    return 1;
}

/* Lays the stack out as [f, ret, abi, arg1, ..., argN] for either form of
   types(): positional (ret, arg...) or a table { ret=, abi=, arg... }. A
   struct type as the first value is a positional return type. */
static void alien_normalize_types(lua_State *L, int first) {
    if (lua_type(L, first) == LUA_TTABLE && alien_lua_toctype(L, first) == NULL) {
        int i, n = (int)alien_rawlen(L, first);
        lua_settop(L, first);
        luaL_checkstack(L, n + 2, "alien: too many types");
        lua_getfield(L, first, "ret");
        lua_getfield(L, first, "abi");
        for (i = 1; i <= n; i++) lua_rawgeti(L, first, i);
        lua_remove(L, first);
    } else {
        if (lua_gettop(L) < first) lua_settop(L, first);
        lua_pushnil(L);
        lua_insert(L, first + 1);
    }
}

static int alien_function_types(lua_State *L) {
    void *function = alien_checkobject(L, 1, ALIEN_OBJECT_FUNCTION);
    alien_normalize_types(L, 2);
    if (alien_core_function_types(L, function) < 0) return alien_raise(L);
    alien_trampoline_retype((alien_function_head *)function);
    return 0;
}

static int alien_function_tostring(lua_State *L) {
    const char *name, *library;
    alien_core_function_names(alien_checkobject(L, 1, ALIEN_OBJECT_FUNCTION), &name, &library);
    lua_pushfstring(L, "alien function %s, library %s",
                    name ? name : "anonymous", library ? library : "default");  /* the original's words */
    return 1;
}

static int alien_function_gc(lua_State *L) {
    alien_function_head *function =
        (alien_function_head *)alien_toobject(L, 1, ALIEN_OBJECT_FUNCTION, sizeof(alien_function_head));
    if (function == NULL) return 0;
    alien_trampoline_release(function);
    if (alien_core_function_gc(function) && function->ref > 0) {   /* a callback: drop its Lua function */
        luaL_unref(L, LUA_REGISTRYINDEX, function->ref);
        function->ref = 0;
    }
    return 0;
}

/* alien.callback(f, ret, arg...) or alien.callback(f, { ret=, abi=, arg... }) */
static int alien_callback(lua_State *L) {
    alien_function_head *callback;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    alien_normalize_types(L, 2);            /* [f, ret, abi, arg...] */
    callback = (alien_function_head *)alien_newfunction(L);
    lua_insert(L, 1);                       /* [cb, f, ret, abi, arg...] */
    if (alien_core_callback_init(L, callback) < 0) return alien_raise(L);
    alien_settle(L, callback);
    lua_pushvalue(L, 2);                    /* the registry keeps f until cb is collected */
    callback->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    alien_trampoline_take(callback);
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CALLBACKS_KEY);  /* code pointer -> callback, weak */
    lua_pushlightuserdata(L, callback->closure_code);
    lua_pushvalue(L, 1);
    lua_rawset(L, -3);
    if (callback->trampoline != NULL) {
        lua_pushlightuserdata(L, callback->trampoline);
        lua_pushvalue(L, 1);
        lua_rawset(L, -3);
    }
    lua_settop(L, 1);
    return 1;
}

/* alien.funcptr(ptr) */
static int alien_funcptr(lua_State *L) {
    void *function;
    lua_settop(L, 1);
    function = alien_newfunction(L);
    if (alien_core_function_from_pointer(L, function) < 0) return alien_raise(L);
    alien_settle(L, function);
    return 1;
}

/* The function for an address read from memory: the callback object itself
   when the address is a live callback's, else a new anonymous function. */
static void alien_pushfunction(lua_State *L, void *address) {
    void *function;
    if (address == NULL) { lua_pushnil(L); return; }
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_CALLBACKS_KEY);
    lua_pushlightuserdata(L, address);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (!lua_isnil(L, -1)) return;
    lua_pop(L, 1);
    function = alien_newfunction(L);
    alien_core_function_init_address(function, address);
    alien_settle(L, function);
}

static const luaL_Reg alien_function_metamethods[] = {
    {"__call", alien_function_call},
    {"__tostring", alien_function_tostring},
    {"__gc", alien_function_gc},
    {NULL, NULL}
};

static const luaL_Reg alien_function_methods[] = {
    {"types", alien_function_types},
    {"bind", alien_function_bind},
    {NULL, NULL}
};
