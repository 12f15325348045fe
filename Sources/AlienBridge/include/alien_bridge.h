/*
 * The bridge between alien's version-neutral Swift core and one Lua.
 *
 * The core includes no Lua header: it sees an opaque lua_State and the
 * alien_lua_* functions below, which every adapter (one per Lua version)
 * implements. None of them can raise a Lua error, so no longjmp can ever
 * cross a Swift frame (DESIGN.md). Values the core wants pushed are handed
 * back as alien_value records; the adapter pushes them once Swift returns.
 */
#ifndef ALIEN_BRIDGE_H
#define ALIEN_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct lua_State lua_State;

/* Lua's basic types; the numbering is the same in every supported Lua. */
#define ALIEN_TNONE (-1)
#define ALIEN_TNIL 0
#define ALIEN_TBOOLEAN 1
#define ALIEN_TLIGHTUSERDATA 2
#define ALIEN_TNUMBER 3
#define ALIEN_TSTRING 4
#define ALIEN_TTABLE 5
#define ALIEN_TFUNCTION 6
#define ALIEN_TUSERDATA 7
#define ALIEN_TTHREAD 8

/* What an alien_value holds; the adapter turns each into one Lua value. */
typedef enum {
    ALIEN_VNIL = 0,
    ALIEN_VINT,      /* v.i, a signed integer */
    ALIEN_VUINT,     /* v.u, an unsigned integer (5.3+: same bits as an integer) */
    ALIEN_VNUM,      /* v.n */
    ALIEN_VSTR,      /* v.p, NUL-terminated; NULL gives nil */
    ALIEN_VLSTR,     /* v.p with len bytes */
    ALIEN_VPTR,      /* v.p as light userdata; NULL gives nil */
    ALIEN_VBOOL,     /* v.i != 0 */
    ALIEN_VSTACK,    /* a copy of the value at stack index v.i */
    ALIEN_VFUNC      /* v.p as an alien function (the callback object itself when v.p is one); NULL gives nil */
} alien_vkind;

typedef struct {
    union { int64_t i; uint64_t u; double n; const void *p; } v;
    size_t len;
    int kind;
} alien_value;

/* Most arguments and results one call can have (ref values come after the result). */
#define ALIEN_MAXARGS 64
#define ALIEN_MAXRESULTS (ALIEN_MAXARGS + 1)

/* Status codes a core entry point returns instead of a count. */
#define ALIEN_ERROR (-1)
/* The core needs more room than it was given (see the entry point for how much). */
#define ALIEN_NEEDSPACE (-2)
/* Ask the adapter to convert the number at stack index i to a string in place, then call again. */
#define ALIEN_TOSTRING_BASE (-1000)
#define ALIEN_TOSTRING(i) (ALIEN_TOSTRING_BASE - (i))

/* The head of every function object. Besides the address, the core leaves
   here a plan for calling the function directly, without libffi, when its
   signature is simple enough for that to be exactly what libffi would do:
   up to 6 integer-class or up to 8 double arguments, and a result of either
   class. The adapter follows the plan, and hands the call to the core
   whenever a value is not of the plain kind the plan expects. */
#define ALIEN_FUNCTION_MAGIC 0x414C49454E46554EULL  /* "ALIENFUN" */
#define ALIEN_DIRECT_NONE 0      /* call through the core and libffi */
#define ALIEN_DIRECT_INTEGERS 1  /* every argument is integer-class */
#define ALIEN_DIRECT_DOUBLES 2   /* every argument is a double */
#define ALIEN_DIRECT_MAXINTEGERS 6
#define ALIEN_DIRECT_MAXDOUBLES 8

/* How a direct argument is narrowed, or how a direct result is pushed. */
#define ALIEN_KIND_I8 1
#define ALIEN_KIND_U8 2
#define ALIEN_KIND_I16 3
#define ALIEN_KIND_U16 4
#define ALIEN_KIND_I32 5
#define ALIEN_KIND_U32 6
#define ALIEN_KIND_I64 7
#define ALIEN_KIND_U64 8
#define ALIEN_KIND_POINTER 9   /* light userdata or nil only */
#define ALIEN_KIND_DOUBLE 10
#define ALIEN_KIND_VOID 11     /* results only */
#define ALIEN_KIND_STRING 12   /* results only */

typedef struct {
    uint64_t magic;
    void *address;
    unsigned char direct;      /* ALIEN_DIRECT_* */
    unsigned char count;       /* arguments */
    unsigned char result;      /* ALIEN_KIND_* */
    unsigned char argument[ALIEN_DIRECT_MAXDOUBLES];
} alien_function_head;

/* The head of every buffer, for the adapter's direct buf:get and buf:set. */
#define ALIEN_BUFFER_MAGIC 0x414C49454E425546ULL  /* "ALIENBUF" */
typedef struct {
    uint64_t magic;
    void *data;
    size_t size;
    int checked;               /* alien's own memory, whose size is known */
} alien_buffer_head;

/* ---- implemented by each adapter; none of them raises ---- */
int alien_lua_gettop(lua_State *L);
int alien_lua_type(lua_State *L, int idx);
const char *alien_lua_typename(lua_State *L, int idx);
/* 0: not a number nor a numeric string; 1: integer in *i; 2: float in *n. */
int alien_lua_tonumeric(lua_State *L, int idx, int64_t *i, double *n);
int alien_lua_toboolean(lua_State *L, int idx);
/* The bytes of a value that is a string already (never converts a number). */
const char *alien_lua_tostring(lua_State *L, int idx, size_t *len);
/* The length of a table's array part as the # operator sees it without metamethods. */
size_t alien_lua_rawlen(lua_State *L, int idx);
/* Light or full userdata's address, else NULL. */
void *alien_lua_touserdata(lua_State *L, int idx);
/* A full userdata's block when it is at least minsize bytes, else NULL. */
void *alien_lua_toudata(lua_State *L, int idx, size_t minsize);
/* Runs a callback's Lua function for a call from C (see Callback.swift). It
   runs under a protected call on the Lua thread of the innermost alien call;
   an error is kept for that call to raise once C returns, and later
   invocations in the same call are skipped. `result` is left zeroed then. */
void alien_lua_invoke_callback(void *callback, void **arguments, void *result);
/* errno as the latest alien call left it. */
void alien_lua_seterrno(int value);
int alien_lua_errno(void);
/* The message the adapter raises when a core entry point returns ALIEN_ERROR. */
void alien_lua_seterror(const char *message);

#endif
