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

#ifdef ALIEN_API_51
/* luaL_traceback's work with the 5.1 API: the message, then one line per
   level of L's stack (the first 12 and the last 10 of a deep one). */
static void alien_writetraceback(lua_State *L, const char *message) {
    lua_Debug ar;
    int level = 1, depth = 0, parts;
    while (lua_getstack(L, depth + 1, &ar)) depth++;
    lua_pushstring(L, message);
    lua_pushliteral(L, "\nstack traceback:");
    parts = 2;
    while (lua_getstack(L, level, &ar)) {
        if (level == 13 && depth > 22) {
            lua_pushliteral(L, "\n\t...");
            level = depth - 9;
        } else {
            lua_getinfo(L, "Sln", &ar);
            if (ar.currentline > 0) lua_pushfstring(L, "\n\t%s:%d: in ", ar.short_src, ar.currentline);
            else lua_pushfstring(L, "\n\t%s: in ", ar.short_src);
            if (*ar.namewhat != '\0') lua_pushfstring(L, "function '%s'", ar.name);
            else if (*ar.what == 'm') lua_pushliteral(L, "main chunk");
            else if (*ar.what == 'C') lua_pushliteral(L, "?");
            else lua_pushfstring(L, "function <%s:%d>", ar.short_src, ar.linedefined);
            lua_concat(L, 2);
            level++;
        }
        if (++parts > 40) { lua_concat(L, parts); parts = 1; }
    }
    lua_concat(L, parts);
}
#endif

/* The message handler of a callback's Lua function: adds a traceback. */
static int alien_traceback(lua_State *L) {
    const char *message = lua_tostring(L, 1);
    if (message == NULL) return 1;
#ifdef ALIEN_API_51
    alien_writetraceback(L, message);
#else
    luaL_traceback(L, L, message, 1);
#endif
    return 1;
}

/* Whether the callback's arguments and result follow its direct plan. */
static inline int alien_callback_is_direct(const alien_function_head *f) {
    return f->direct != ALIEN_DIRECT_NONE && ((const alien_settings *)f->settings)->direct;
}

/* The Lua function's result (at idx, the top of the stack) written for C as
   a direct plan's kind; 0 when the value is not of the plain kind (the core
   then converts it, with its errors). Integers are widened to a full register. */
static inline __attribute__((always_inline)) int alien_callback_result_direct(lua_State *L, int idx, int kind, void *result) {
    int64_t v;
    if (kind == ALIEN_KIND_VOID) return 1;
    if (kind == ALIEN_KIND_DOUBLE) return alien_kind_todouble(L, idx, (double *)result);
    if (kind == ALIEN_KIND_STRING || !alien_kind_tointeger(L, idx, kind, &v)) return 0;
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
    lua_call(L, count, 1);
    if (direct && alien_callback_result_direct(L, lua_gettop(L), f->result, invocation->result)) return 0;
    return alien_callback_core_result(L, invocation);
}

/* Protected: converts the value at index 1 as the callback's result (index 2: the invocation). */
static int alien_callback_finish(lua_State *L) {
    alien_invocation *invocation = (alien_invocation *)lua_touserdata(L, 2);
    lua_settop(L, 1);
    return alien_callback_core_result(L, invocation);
}

/* The C functions a callback pushes while C waits for it, where nothing may
   raise. Lua 5.2+ pushes them as light C functions, which allocates nothing;
   on 5.1 every push makes a closure, so the closures are made once per Lua
   state, kept in the registry, and fetched by reference (state.c). */
static const lua_CFunction alien_callback_helpers[ALIEN_HELPER_COUNT] = {
    alien_traceback, alien_callback_body, alien_callback_finish
};

static inline void alien_pushhelper(lua_State *L, const alien_function_head *f, int which) {
#ifdef ALIEN_API_51
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((const alien_settings *)f->settings)->helper[which]);
#else
    (void)f;
    lua_pushcfunction(L, alien_callback_helpers[which]);
#endif
}

/* Raises the error of a callback nested too deeply (run protected). */
static int alien_callback_too_deep(lua_State *L) {
    return luaL_error(L, "alien: callbacks nested more than %d deep", ALIEN_MAX_CALLBACK_DEPTH);
}

/* Where the callback's arguments are: libffi's pointers to each, or (from a
   typed trampoline, for a direct plan) the argument registers' values. */
typedef struct {
    void **pointers;
    const int64_t *integers;
    const double *doubles;
} alien_callback_arguments;

static inline __attribute__((always_inline)) void alien_callback_run(alien_frame *frame, void *callback,
    const alien_callback_arguments *arguments, void *result);
static inline __attribute__((always_inline)) void alien_callback_invoke(void *callback,
    const alien_callback_arguments *arguments, void *result);

void alien_lua_invoke_callback(void *callback, void **arguments, void *result) {
    alien_callback_arguments from_libffi = { arguments, NULL, NULL };
    alien_callback_invoke(callback, &from_libffi, result);
}

/* A call from C of the callback, its result written at `result`. */
/* (Inlined into its two callers, libffi's entry above and the typed
   trampolines' in trampoline.c: a callback is on the hot path of C code.) */
static inline __attribute__((always_inline)) void alien_callback_invoke(void *callback,
    const alien_callback_arguments *arguments, void *result) {
    alien_frame *frame = alien_top_frame;
    /* No alien call running on this thread to run Lua on, or one failed already. */
    if (frame == NULL || frame->failed) return;
    if (alien_callback_depth >= ALIEN_MAX_CALLBACK_DEPTH) {
        /* The error, made under protection, stays on top for the call to raise. */
        /* Rare: lua_cpcall (5.1) makes its closure under protection. */
#ifdef ALIEN_API_51
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
static inline __attribute__((always_inline)) void alien_callback_run(alien_frame *frame, void *callback,
    const alien_callback_arguments *arguments, void *result) {
    const alien_function_head *f = (const alien_function_head *)callback;
    alien_invocation invocation;
    lua_State *L = frame->L;
    int top, status;
    if (f->settings != frame->settings) return;   /* a callback of another Lua state: no Lua runs */
    invocation.callback = callback;
    invocation.arguments = arguments->pointers;
    invocation.result = result;
    /* No lua_checkstack: L is running the C function of the alien call, which
       Lua gave LUA_MINSTACK free slots and which has pushed nothing since. */
    top = lua_gettop(L);
    alien_pushhelper(L, f, ALIEN_HELPER_TRACEBACK); /* the message handler */
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);     /* the Lua function */
    if (alien_callback_is_direct(f)) {
        /* A direct plan: nothing below can raise outside the pcall (no
           allocation, no metamethods), so the Lua function is called at once. */
        int i;
        if (arguments->pointers != NULL)
            for (i = 0; i < f->count; i++) alien_kind_push(L, f->argument[i], arguments->pointers[i]);
        else if (f->direct == ALIEN_DIRECT_DOUBLES)
            for (i = 0; i < f->count; i++) alien_kind_push(L, ALIEN_KIND_DOUBLE, &arguments->doubles[i]);
        else   /* little-endian: a narrower kind reads the register's low bytes */
            for (i = 0; i < f->count; i++) alien_kind_push(L, f->argument[i], &arguments->integers[i]);
        status = lua_pcall(L, f->count, 1, top + 1);
        if (status == 0 && !alien_callback_result_direct(L, top + 2, f->result, result)) {
            alien_pushhelper(L, f, ALIEN_HELPER_FINISH);  /* not plain: the core converts it, protected */
            lua_insert(L, -2);
            lua_pushlightuserdata(L, &invocation);
            status = lua_pcall(L, 2, 0, top + 1);
        }
    } else {
        alien_pushhelper(L, f, ALIEN_HELPER_BODY);
        lua_insert(L, -2);                        /* [handler, body, function] */
        lua_pushlightuserdata(L, &invocation);
        lua_insert(L, -2);                        /* [handler, body, invocation, function] */
        status = lua_pcall(L, 2, 0, top + 1);
    }
    if (status != 0) {
        frame->failed = 1;                        /* the error stays on top for the call to raise */
        memset(result, 0, f->aggregate != NULL && f->aggregate->size > 8 ? f->aggregate->size : 8);
        lua_remove(L, top + 1);                   /* the message handler */
    } else {
        lua_settop(L, top);
    }
}
