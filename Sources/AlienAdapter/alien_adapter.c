/*
 * The Lua side of alien, shared by every Lua version: each adapter target
 * (AlienLua51 ... AlienLuaJIT) is one file that includes this one, compiled
 * against that Lua's headers. It is a unity build of the files below, each
 * with one job, so that the hot path (a call, a callback, buf:get) inlines
 * across them.
 *
 * The rule that splits the work: C is everything that touches the Lua API
 * (entry points, pushes, tables and metatables, and executing the direct
 * call plans, because only here does the Lua API inline); Swift is
 * everything that reasons about C types, memory and libffi (type
 * resolution, layout, libffi, pack formats, library search, computing the
 * direct plans). No Lua error ever crosses a Swift frame: the core reads
 * the stack only through the non-raising bridge and reports failure as a
 * status, which an entry point here turns into a Lua error once Swift has
 * returned (state.c, alien_status).
 */
#include <errno.h>
#include <string.h>
#include "compat.h"
#include "alien_bridge.h"
#include "alien_core.h"

#include "state.c"      /* per-thread frames, errno, messages; per-state settings; the status path */
#include "bridge.c"     /* alien_lua_*: the non-raising reads the core makes; object lookup */
#include "kinds.c"      /* Lua <-> C memory by value kind, generated from the kind table */
#include "objects.c"    /* making objects: userdata, metatable, uservalue */
#include "callback.c"   /* running a Lua function for C, protected */
#include "trampoline.c" /* typed trampolines: callbacks called without libffi */
#include "direct.c"     /* the direct call path and its contract */
#include "library.c"    /* alien.load, alien.default, lib.name */
#include "function.c"   /* f(...), f:types, alien.callback, alien.funcptr */
#include "buffer.c"     /* alien.buffer and its methods */
#include "array.c"      /* alien.array and its methods */
#include "memory.c"     /* memmove, memset, isnull, tostring, to<type> */
#include "tag.c"        /* alien.tag, wrap, unwrap, rewrap */
#include "struct.c"     /* alien.struct, alien.defstruct */
#include "module.c"     /* the module table and luaopen_alien* */
