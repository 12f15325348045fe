/*
 * The callback protocol: C calls a libffi closure, the core hands the
 * invocation here, and the Lua function runs under a protected call on the
 * Lua thread of the innermost alien call running on this OS thread. An error
 * is left on that thread's stack and the frame marked failed: C gets a zero
 * result, later invocations in the same call are skipped, and the alien call
 * raises the error once C has returned (state.c, alien_leave).
 */

typedef struct {
    void *callback;
    void **arguments;
    void *result;
} alien_invocation;

/* The message handler of a callback's Lua function: adds a traceback. */
static int alien_traceback(lua_State *L) {
#ifdef ALIEN_HAS_TRACEBACK
    const char *message = lua_tostring(L, 1);
    if (message != NULL) luaL_traceback(L, L, message, 1);
#else
    (void)L;   /* 5.1: no luaL_traceback, the message is returned as it is */
#endif
    return 1;
}

/* Whether the callback's arguments and result follow its direct plan. */
static inline int alien_callback_is_direct(const alien_function_head *f) {
    return f->direct != ALIEN_DIRECT_NONE && ((const alien_settings *)f->settings)->direct;
}

/* The Lua function's result (top of the stack) written for C as a direct
   plan's kind; 0 when the value is not of the plain kind (the core then
   converts it, with its errors). Integers are widened to a full register. */
static int alien_callback_result_direct(lua_State *L, int kind, void *result) {
    int64_t v;
    if (kind == ALIEN_KIND_VOID) return 1;
    if (kind == ALIEN_KIND_DOUBLE) return alien_kind_todouble(L, -1, (double *)result);
    if (kind == ALIEN_KIND_STRING || !alien_kind_tointeger(L, lua_gettop(L), kind, &v)) return 0;
    *(int64_t *)result = v;
    return 1;
}

/* Converts the value on top of the stack as the callback's result, by the
   core (protected: it may raise). */
static int alien_callback_core_result(lua_State *L, alien_invocation *invocation) {
    int status;
    do status = alien_core_callback_result(L, invocation->callback, invocation->result);
    while (alien_status(L, status) == ALIEN_RETRY);
    return 0;
}

/* Runs under a protected call: the Lua function (at index 2) with the
   converted arguments, then its result converted for C. Errors here only
   unwind to that protected call. */
static int alien_callback_body(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 1);
    const alien_function_head *f = (const alien_function_head *)invocation->callback;
    int direct = alien_callback_is_direct(f);
    int count, i;
    if (direct) {
        count = f->count;
        for (i = 0; i < count; i++) alien_kind_push(L, f->argument[i], invocation->arguments[i]);
    } else {
        alien_value arguments[ALIEN_MAXARGS];
        count = alien_core_callback_arguments(invocation->callback, invocation->arguments, arguments);
        if (count > LUA_MINSTACK - 4) luaL_checkstack(L, count + 4, "alien: no stack for a callback");
        alien_push(L, arguments, count);
    }
#ifdef ALIEN_CPCALL_ONLY
    lua_pushcfunction(L, alien_traceback);
    lua_insert(L, -(count + 2));
    if (lua_pcall(L, count, 1, -(count + 2)) != 0) return lua_error(L);
#else
    lua_call(L, count, 1);
#endif
    if (direct && alien_callback_result_direct(L, f->result, invocation->result)) return 0;
    return alien_callback_core_result(L, invocation);
}

#ifndef ALIEN_CPCALL_ONLY
/* Protected: converts the value at index 1 as the callback's result (index 2:
   the invocation). Only the direct path of 5.2+ uses it (alien_callback_run). */
static int alien_callback_finish(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 2);
    lua_settop(L, 1);
    return alien_callback_core_result(L, invocation);
}
#endif

#ifdef ALIEN_CPCALL_ONLY
/* 5.1: lua_cpcall takes no arguments besides the invocation; fetch the function first. */
static int alien_callback_cpcall(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 1);
    lua_pushlightuserdata(L, invocation->callback);
    lua_rawget(L, LUA_REGISTRYINDEX);
    return alien_callback_body(L);
}
#endif

/* Raises the error of a callback nested too deeply (run protected). */
static int alien_callback_too_deep(lua_State *L) {
    return luaL_error(L, "alien: callbacks nested more than %d deep", ALIEN_MAX_CALLBACK_DEPTH);
}

static void alien_callback_run(alien_frame *frame, void *callback, void **arguments, void *result);

void alien_lua_invoke_callback(void *callback, void **arguments, void *result) {
    alien_frame *frame = alien_top_frame;
    /* No alien call running on this thread to run Lua on, or one failed already. */
    if (frame == NULL || frame->failed) return;
    if (alien_callback_depth >= ALIEN_MAX_CALLBACK_DEPTH) {
        /* The error, made under protection, stays on top for the call to raise. */
#ifdef ALIEN_CPCALL_ONLY
        lua_cpcall(frame->L, alien_callback_too_deep, NULL);
#else
        lua_pushcfunction(frame->L, alien_callback_too_deep);
        lua_pcall(frame->L, 0, 0, 0);
#endif
        frame->failed = 1;
        return;
    }
    alien_callback_depth++;
    ((alien_function_head *)callback)->running++;   /* at most ALIEN_MAX_CALLBACK_DEPTH: fits a byte */
    alien_callback_run(frame, callback, arguments, result);
    ((alien_function_head *)callback)->running--;
    alien_callback_depth--;
}

/* Runs the callback's Lua function for C on the frame's Lua thread. */
static void alien_callback_run(alien_frame *frame, void *callback, void **arguments, void *result) {
    const alien_function_head *f = (const alien_function_head *)callback;
    alien_invocation invocation;
    lua_State *L = frame->L;
    int top, status;
    invocation.callback = callback;
    invocation.arguments = arguments;
    invocation.result = result;
    /* No lua_checkstack: L is running the C function of the alien call, which
       Lua gave LUA_MINSTACK free slots and which has pushed nothing since. */
    top = lua_gettop(L);
#ifdef ALIEN_CPCALL_ONLY
    lua_pushlightuserdata(L, callback);
    lua_rawget(L, LUA_REGISTRYINDEX);
    status = lua_type(L, -1) == LUA_TFUNCTION;
    lua_pop(L, 1);
    if (!status) return;                          /* a callback of another Lua state: no Lua runs */
    status = lua_cpcall(L, alien_callback_cpcall, &invocation);
#else
    lua_pushcfunction(L, alien_traceback);         /* light C functions: pushing allocates nothing */
    lua_pushlightuserdata(L, callback);            /* registry[callback] is its Lua function */
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_type(L, -1) != LUA_TFUNCTION) {       /* a callback of another Lua state: no Lua runs */
        lua_settop(L, top);
        return;
    }
    if (alien_callback_is_direct(f)) {
        /* A direct plan: nothing below can raise outside the pcall (no
           allocation, no metamethods), so the Lua function is called at once. */
        int i;
        for (i = 0; i < f->count; i++) alien_kind_push(L, f->argument[i], arguments[i]);
        status = lua_pcall(L, f->count, 1, top + 1);
        if (status == 0 && !alien_callback_result_direct(L, f->result, result)) {
            lua_pushcfunction(L, alien_callback_finish);  /* not plain: the core converts it, protected */
            lua_insert(L, -2);
            lua_pushlightuserdata(L, &invocation);
            status = lua_pcall(L, 2, 0, top + 1);
        }
    } else {
        lua_pushcfunction(L, alien_callback_body);
        lua_insert(L, -2);                        /* [handler, body, function] */
        lua_pushlightuserdata(L, &invocation);
        lua_insert(L, -2);                        /* [handler, body, invocation, function] */
        status = lua_pcall(L, 2, 0, top + 1);
    }
#endif
    if (status != 0) {
        frame->failed = 1;                        /* the error stays on top for the call to raise */
        memset(result, 0, f->aggregate != NULL && f->aggregate->size > 8 ? f->aggregate->size : 8);
#ifndef ALIEN_CPCALL_ONLY
        lua_remove(L, top + 1);                   /* the message handler */
#endif
    } else {
        lua_settop(L, top);
    }
}
