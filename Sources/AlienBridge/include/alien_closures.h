/*
 * The libffi closures behind callbacks, kept for the life of the process.
 *
 * C may hold a callback's code pointer longer than Lua holds the callback:
 * a function registered with on_exit or atexit is called after lua_close,
 * when every callback has been collected. So a collected callback's closure
 * is never freed: it is retired, answering C with a zero result without
 * running any Lua, and only reused for a new callback after many others
 * have been retired since (a quarantine), which bounds the memory kept.
 */
#ifndef ALIEN_CLOSURES_H
#define ALIEN_CLOSURES_H

/* A closure for a new callback, and its code address; NULL when out of memory. */
void *alien_closure_take(void **code);
/* Retires the closure of a collected callback whose result has libffi type `rtype`. */
void alien_closure_retire(void *closure, void *code, void *rtype);

#endif
