/* A Lua host with several OS threads, each running its own Lua state:
 *
 *     host SCRIPT N_THREADS CPATH
 *
 * Each thread makes a fresh lua_State (luaL_newstate + luaL_openlibs), sets
 * package.cpath to CPATH (e.g. "build/lua5.4/?.so", so that require "alien"
 * loads the module under test), sets the global THREAD to its number (1..N)
 * and runs SCRIPT. A string the script returns is printed after "ok".
 * The threads start the scripts together; a script may call the global
 * barrier() once, to wait there until every thread has got that far.
 * Prints one status line per thread and exits 1 if any script raised an
 * error. Compiled once per Lua against that Lua's headers and library
 * (ci/threads.sh); the same source serves 5.1 to 5.4 and LuaJIT.
 *
 * All the states share one process and so one copy of alien.so: whatever
 * alien keeps in globals is seen by every thread (SPEC section 15). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

#define MAX_THREADS 64

static const char *script;
static const char *cpath;
/* Every thread waits here once its state is ready, so that the scripts
   (their require "alien" included) start together and really overlap; and
   again at barrier(), so that what each script sets up before it (alien's
   per-state switches) is done before any thread goes on. */
static pthread_barrier_t together;

typedef struct {
    pthread_t id;
    int number;        /* THREAD in the script, 1-based */
    int failed;
    int met;           /* whether the script called barrier() */
    char message[4096]; /* the error, or what the script returned */
} worker;

/* barrier(): the worker is the closure's upvalue. Called at most once, as
   every thread must wait the same number of times. */
static int barrier(lua_State *L) {
    worker *w = (worker *)lua_touserdata(L, lua_upvalueindex(1));
    if (w->met) return luaL_error(L, "barrier() called twice");
    w->met = 1;
    pthread_barrier_wait(&together);
    return 0;
}

static void keep(worker *w, const char *text) {
    snprintf(w->message, sizeof w->message, "%s", text ? text : "");
}

/* Sets up the state; 0, or 1 with the error kept in w. Does not raise:
   luaL_loadfile and lua_pcall report errors by status. */
static int prepare(lua_State *L, worker *w) {
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_pushstring(L, cpath);
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    lua_pushinteger(L, w->number);
    lua_setglobal(L, "THREAD");
    lua_pushlightuserdata(L, w);
    lua_pushcclosure(L, barrier, 1);
    lua_setglobal(L, "barrier");
    /* debug.traceback as the message handler, under every Lua (5.1 has no
       luaL_traceback); it sits below the script's chunk on the stack. */
    lua_getglobal(L, "debug");
    lua_getfield(L, -1, "traceback");
    lua_remove(L, -2);
    if (luaL_loadfile(L, script) != 0) {
        keep(w, lua_tostring(L, -1));
        return 1;
    }
    return 0;
}

static void *run(void *arg) {
    worker *w = (worker *)arg;
    lua_State *L = luaL_newstate();
    int bad;
    if (L == NULL) {
        keep(w, "luaL_newstate failed");
        w->failed = 1;
        pthread_barrier_wait(&together);   /* the others still wait for everyone, twice */
        pthread_barrier_wait(&together);
        return NULL;
    }
    bad = prepare(L, w);
    pthread_barrier_wait(&together);
    if (!bad) {
        bad = lua_pcall(L, 0, 1, 1) != 0;   /* stack: [traceback, chunk] */
        if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
            keep(w, lua_tostring(L, -1));
        else if (bad)
            snprintf(w->message, sizeof w->message, "(error object is a %s value)",
                     luaL_typename(L, -1));
    }
    w->failed = bad;
    if (!w->met) pthread_barrier_wait(&together);   /* failed before barrier(), or never called it */
    /* Closing the state runs the __gc of every alien object on this thread,
       while the other threads may still be running: part of the test. */
    lua_close(L);
    return NULL;
}

int main(int argc, char **argv) {
    static worker workers[MAX_THREADS];
    int n, i, failures = 0;
    if (argc != 4 || (n = atoi(argv[2])) < 1 || n > MAX_THREADS) {
        fprintf(stderr, "usage: %s SCRIPT N_THREADS CPATH   (N_THREADS from 1 to %d)\n",
                argv[0], MAX_THREADS);
        return 2;
    }
    script = argv[1];
    cpath = argv[3];
    pthread_barrier_init(&together, NULL, (unsigned)n);
    for (i = 0; i < n; i++) {
        workers[i].number = i + 1;
        if (pthread_create(&workers[i].id, NULL, run, &workers[i]) != 0) {
            /* The barrier counts on n threads: without them the others would
               wait forever, so give up at once. */
            fprintf(stderr, "host: cannot start thread %d\n", i + 1);
            return 2;
        }
    }
    for (i = 0; i < n; i++) pthread_join(workers[i].id, NULL);
    pthread_barrier_destroy(&together);
    for (i = 0; i < n; i++) {
        worker *w = &workers[i];
        printf("thread %d: %s%s%s\n", w->number, w->failed ? "FAILED: " : "ok",
               !w->failed && w->message[0] ? " " : "", w->message);
        failures += w->failed;
    }
    printf("%s: %d of %d threads failed\n", failures ? "FAIL" : "PASS", failures, n);
    return failures ? 1 : 0;
}
