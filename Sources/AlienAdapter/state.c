/*
 * State: what alien remembers between Lua and C, and the one path by which
 * a core status becomes a Lua result or error.
 *
 * Per OS thread (several Lua states may run on several threads at once):
 * the frames of the alien calls that are running, innermost on top; the
 * errno of the latest call; the message of the error being raised.
 * Per Lua state: the settings (alien.directcalls), kept in a userdata in the
 * registry, which functions and buffers point at from their heads.
 */

/* The frame stack and errno are read on every call: initial-exec TLS is one
   instruction away, and these few bytes fit in the static TLS that glibc
   keeps for libraries opened later. The message buffer, used only to raise
   an error, takes the general model, which has no such limit. */
#if defined(__GNUC__) && defined(__ELF__)
#define ALIEN_FAST_TLS _Thread_local __attribute__((tls_model("initial-exec")))
#else
#define ALIEN_FAST_TLS _Thread_local
#endif

/* The C functions a callback runs (callback.c). */
enum { ALIEN_HELPER_TRACEBACK, ALIEN_HELPER_BODY, ALIEN_HELPER_FINISH, ALIEN_HELPER_COUNT };
static const lua_CFunction alien_callback_helpers[ALIEN_HELPER_COUNT];

/* A type name buf:get and buf:set resolved through the core, remembered. */
typedef struct {
    unsigned char length;
    char name[15];
    int kind;
} alien_kind_name;
#define ALIEN_KIND_NAMES 4     /* remembered per state, by length and first letter */

typedef struct alien_settings {
    int direct;                /* whether calls may follow their direct plan */
    alien_kind_name kind_names[ALIEN_KIND_NAMES];
#ifdef ALIEN_API_51
    int helper[ALIEN_HELPER_COUNT];   /* registry references of the callback helpers' closures */
#endif
} alien_settings;

/* One per alien call that is running on this thread, innermost on top. A
   callback runs on the Lua thread of the innermost call; its failure is
   remembered there and raised by that call once C has returned. */
typedef struct alien_frame {
    lua_State *L;
    const alien_settings *settings;   /* of L's state: only its callbacks run Lua here */
    int failed;
    struct alien_frame *previous;
} alien_frame;

static ALIEN_FAST_TLS alien_frame *alien_top_frame;
static ALIEN_FAST_TLS int alien_errno_value;
/* Callbacks running on this thread, nested (a comparator that calls qsort
   that calls the comparator ...): bounded, so that C's stack cannot overflow. */
static ALIEN_FAST_TLS int alien_callback_depth;
#define ALIEN_MAX_CALLBACK_DEPTH 150
static _Thread_local char alien_error_message[1024];

#define ALIEN_SETTINGS_KEY "alien.settings"

/* Pushes this Lua state's settings, made on first use. */
static void alien_pushsettings(lua_State *L) {
    alien_settings *settings;
#ifdef ALIEN_API_51
    int i;
#endif
    lua_getfield(L, LUA_REGISTRYINDEX, ALIEN_SETTINGS_KEY);
    if (lua_type(L, -1) == LUA_TUSERDATA) return;
    lua_pop(L, 1);
    settings = (alien_settings *)lua_newuserdata(L, sizeof(alien_settings));
    memset(settings, 0, sizeof *settings);
    settings->direct = 1;
#ifdef ALIEN_API_51
    for (i = 0; i < ALIEN_HELPER_COUNT; i++) {
        lua_pushcfunction(L, alien_callback_helpers[i]);
        settings->helper[i] = luaL_ref(L, LUA_REGISTRYINDEX);
    }
#endif
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ALIEN_SETTINGS_KEY);
}

/* This Lua state's settings. Objects on the hot path (functions, buffers)
   keep this pointer in their head, so a call needs no lookup; the userdata
   lives in the registry as long as the state. */
static alien_settings *alien_state_settings(lua_State *L) {
    alien_settings *settings;
    alien_pushsettings(L);
    settings = (alien_settings *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    return settings;
}

/* A call starts: its frame goes on top of this thread's stack. */
static inline void alien_enter(alien_frame *frame, lua_State *L, const void *settings) {
    frame->L = L;
    frame->settings = (const alien_settings *)settings;
    frame->failed = 0;
    frame->previous = alien_top_frame;
    alien_top_frame = frame;
}

/* C has returned: the frame comes off. A callback's error, left on top of
   the stack, is raised here, once no Swift or foreign C frame is on the way. */
static inline void alien_leave(alien_frame *frame) {
    alien_top_frame = frame->previous;
    if (frame->failed) lua_error(frame->L);
}

void alien_lua_seterrno(int value) { alien_errno_value = value; }
int alien_lua_errno(void) { return alien_errno_value; }

void alien_lua_seterror(const char *message) {
    strncpy(alien_error_message, message, sizeof alien_error_message - 1);
    alien_error_message[sizeof alien_error_message - 1] = '\0';
}

/* Raises the error the core reported with ALIEN_ERROR. */
static int alien_raise(lua_State *L) {
    return luaL_error(L, "%s", alien_error_message);
}

static int alien_push(lua_State *L, const alien_value *values, int count);

/* The one status path: what a core entry point returned becomes a count of
   values, an error raised, or (for ALIEN_TOSTRING) a number converted to a
   string in place by Lua itself, after which the entry point is called again. */
typedef enum { ALIEN_DONE, ALIEN_RETRY } alien_next;

static inline alien_next alien_status(lua_State *L, int status) {
    if (status <= ALIEN_TOSTRING_BASE) {
        lua_tolstring(L, ALIEN_TOSTRING_BASE - status, NULL);
        return ALIEN_RETRY;
    }
    if (status < 0) alien_raise(L);
    return ALIEN_DONE;
}

/* A core entry point that only reads the stack and returns values. */
typedef int (*alien_core_fn)(lua_State *L, alien_value *out);

/* Calls the core until it is done; returns the count of values in out. */
static int alien_call(lua_State *L, alien_core_fn fn, alien_value *out) {
    int n;
    do n = fn(L, out); while (alien_status(L, n) == ALIEN_RETRY);
    return n;
}

static int alien_run(lua_State *L, alien_core_fn fn) {
    alien_value out[ALIEN_MAXRESULTS];
    int n = alien_call(L, fn, out);
    return alien_push(L, out, n);
}

/* An entry point that is exactly one core function's values. */
#define ALIEN_ENTRY(name, corefn) \
    static int name(lua_State *L) { return alien_run(L, corefn); }
