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
    ALIEN_VFUNC,     /* v.p as an alien function (the callback object itself when v.p is one); NULL gives nil */
    ALIEN_VVIEW,     /* a view of type `type` (a struct or union: an instance; an array: an alien array)
                        over the memory of the object at stack index `owner`, `len` bytes in */
    ALIEN_VCOPY,     /* a new instance of type `type` owning a copy of the bytes at v.p */
    ALIEN_VTYPE      /* the Lua value for type `type`: its name, or its struct type table */
} alien_vkind;

typedef struct alien_ctype alien_ctype;

typedef struct {
    union { int64_t i; uint64_t u; double n; const void *p; } v;
    size_t len;
    const alien_ctype *type;   /* VVIEW, VCOPY, VTYPE */
    int kind;
    int owner;                 /* VVIEW */
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

/* ---- Value kinds: every C scalar alien moves between Lua and C ----

   Defined here once. The adapter generates its conversions from these
   tables (Lua -> C slot, C slot -> Lua), the Swift core maps each AlienType
   to one kind (AlienType.kind) and loads, stores and narrows by kind with the
   inline helpers below, so the direct (C) and libffi (Swift) paths cannot
   disagree on a width or a sign.

   X(NAME, C type): integer kinds, which Lua sees as integers (numbers on
   5.1/5.2). U64 keeps its 64 bits (an integer of the same bits on 5.3+). */
#define ALIEN_INTEGER_KINDS(X) \
    X(I8, int8_t)              \
    X(U8, uint8_t)             \
    X(I16, int16_t)            \
    X(U16, uint16_t)           \
    X(I32, int32_t)            \
    X(U32, uint32_t)           \
    X(I64, int64_t)            \
    X(U64, uint64_t)
/* Address kinds: a pointer (light userdata or nil in Lua), a C string (a Lua
   string), a function pointer (an alien function). */
#define ALIEN_ADDRESS_KINDS(X) \
    X(POINTER, void *)         \
    X(STRING, const char *)    \
    X(CALLBACK, void *)
/* Floating-point kinds: Lua numbers. */
#define ALIEN_FLOAT_KINDS(X) \
    X(FLOAT, float)            \
    X(DOUBLE, double)
#define ALIEN_KINDS(X) ALIEN_INTEGER_KINDS(X) ALIEN_ADDRESS_KINDS(X) ALIEN_FLOAT_KINDS(X)

/* ALIEN_KIND_VOID is 0 (results only); the integer kinds come first, so
   `kind <= ALIEN_KIND_U64` asks "is it an integer". */
enum {
    ALIEN_KIND_VOID = 0,
#define ALIEN_KIND_ENUM(name, ctype) ALIEN_KIND_##name,
    ALIEN_KINDS(ALIEN_KIND_ENUM)
#undef ALIEN_KIND_ENUM
    ALIEN_KIND_COUNT
};

/* These helpers are always inlined, so that Swift code calling them (through
   the clang importer) gets the same straight-line code C does. */

/* sizeof the kind's C type (0 for void). */
static inline __attribute__((always_inline)) size_t alien_kind_size(int kind) {
    switch (kind) {
#define ALIEN_KIND_SIZE(name, ctype) case ALIEN_KIND_##name: return sizeof(ctype);
    ALIEN_KINDS(ALIEN_KIND_SIZE)
#undef ALIEN_KIND_SIZE
    default: return 0;
    }
}

/* An integer converted to the kind's C type as C converts (keeping the low
   bits), then widened back to 64 bits as C extends it: sign-extended for
   signed kinds, zero-extended for unsigned ones. Other kinds: unchanged. */
static inline __attribute__((always_inline)) int64_t alien_kind_widen(int kind, int64_t value) {
    switch (kind) {
#define ALIEN_KIND_WIDEN(name, ctype) case ALIEN_KIND_##name: return (int64_t)(ctype)value;
    ALIEN_INTEGER_KINDS(ALIEN_KIND_WIDEN)
#undef ALIEN_KIND_WIDEN
    default: return value;
    }
}

/* An integer kind's value read from memory (any alignment), widened. */
static inline __attribute__((always_inline)) int64_t alien_kind_load(int kind, const void *memory) {
    switch (kind) {
#define ALIEN_KIND_LOAD(name, ctype) \
    case ALIEN_KIND_##name: { ctype v; __builtin_memcpy(&v, memory, sizeof v); return (int64_t)v; }
    ALIEN_INTEGER_KINDS(ALIEN_KIND_LOAD)
#undef ALIEN_KIND_LOAD
    default: return 0;
    }
}

/* An integer stored in memory (any alignment) as the kind's C type. */
static inline __attribute__((always_inline)) void alien_kind_store(int kind, void *memory, int64_t value) {
    switch (kind) {
#define ALIEN_KIND_STORE(name, ctype) \
    case ALIEN_KIND_##name: { ctype v = (ctype)value; __builtin_memcpy(memory, &v, sizeof v); return; }
    ALIEN_INTEGER_KINDS(ALIEN_KIND_STORE)
#undef ALIEN_KIND_STORE
    default: return;
    }
}

/* ---- Type descriptors (SPEC section 13) ----
   Every C type alien knows is one of these: built by the core (scalars once,
   structs, unions and arrays by defstruct/defunion), interned, immutable and
   never freed, so functions, arrays and other types may point at them for
   ever and a call does no type work. The adapter reads fields and sizes;
   the core does all the reasoning (layout, libffi types). */
enum {
    ALIEN_CTYPE_SCALAR = 0,    /* `scalar` is the core's type code (AlienType), `kind` its value kind */
    ALIEN_CTYPE_ARRAY,         /* `count` elements of `element` (only inside structs and unions) */
    ALIEN_CTYPE_STRUCT,
    ALIEN_CTYPE_UNION
};

typedef struct {
    const char *name;          /* NUL-terminated, `length` bytes */
    size_t length;
    const alien_ctype *type;
    size_t offset;             /* from the start of the struct, as offsetof */
    uint16_t bit_offset;       /* a bit-field: its bits within the integer `type` at `offset` */
    uint16_t bit_width;        /* 0: not a bit-field */
} alien_cfield;

struct alien_ctype {
    uint8_t form;              /* ALIEN_CTYPE_* */
    uint8_t scalar;            /* SCALAR: the core's type code */
    uint8_t kind;              /* SCALAR: ALIEN_KIND_* */
    uint8_t pack;              /* STRUCT, UNION: the pack option (0: none) */
    uint32_t flags;            /* ALIEN_CTYPE_* flags below */
    size_t size;
    size_t align;
    const alien_ctype *element;    /* ARRAY */
    size_t count;                  /* ARRAY: elements; STRUCT, UNION: fields */
    const alien_cfield *fields;    /* STRUCT, UNION */
    void *ffi;                     /* libffi's ffi_type for passing it by value (NULL: cannot be) */
    uint64_t hash;                 /* of what makes two types the same, for interning */
};

/* A struct with a field at an offset its type's alignment does not divide
   (packed): the C ABIs pass such structs in memory, which libffi cannot
   express, so it is refused by value. */
#define ALIEN_CTYPE_MISALIGNED 1u

/* The interned type equal to `candidate` (same form, scalar, sizes, pack,
   element, and fields of the same names, types and offsets), or NULL when
   there is none yet, in which case `candidate` is now the interned one. */
const alien_ctype *alien_ctype_intern(alien_ctype *candidate);

/* ---- Objects: every userdata alien makes starts with this head ----
   One lookup (a userdata at least this large whose magic matches) and one
   switch on `kind` tell what any value is, in C and in Swift alike.
   X(NAME, metatable name). */
#define ALIEN_OBJECTS(X)                    \
    X(LIBRARY, "alien_library")             \
    X(FUNCTION, "alien_function")           \
    X(BUFFER, "alien_buffer")               \
    X(ARRAY, "alien_array")                 \
    X(INSTANCE, "alien_struct_instance")    \
    X(TYPE, "alien_type")                   \
    X(VARARG, "alien_vararg")               \
    X(TAGGED, NULL)                         \
    X(DEAD, NULL)

enum {
    ALIEN_OBJECT_NONE = 0,
#define ALIEN_OBJECT_ENUM(name, metatable) ALIEN_OBJECT_##name,
    ALIEN_OBJECTS(ALIEN_OBJECT_ENUM)
#undef ALIEN_OBJECT_ENUM
    ALIEN_OBJECT_COUNT
};

#define ALIEN_OBJECT_MAGIC 0x4E45494CU  /* "LIEN" */

typedef struct {
    uint32_t magic;            /* ALIEN_OBJECT_MAGIC in every block alien made (0: not made, failed) */
    uint8_t kind;              /* ALIEN_OBJECT_*; DEAD once finalized: never any kind again, never memory */
    uint8_t reserved[3];
} alien_object_head;

/* The heads of functions and buffers hold kinds and object kinds in bytes;
   the adapter compares a head as one 8-byte word. */
_Static_assert(ALIEN_KIND_COUNT <= 256 && ALIEN_OBJECT_COUNT <= 256, "kinds fit in a byte");
_Static_assert(sizeof(alien_object_head) == 8, "an object head is one 8-byte word");

/* A block (of `size` bytes) as an alien object of `kind`, or NULL. */
static inline alien_object_head *alien_object_of(void *block, size_t size, int kind) {
    alien_object_head *head = (alien_object_head *)block;
    if (block == NULL || size < sizeof *head || head->magic != ALIEN_OBJECT_MAGIC) return NULL;
    return head->kind == kind ? head : NULL;
}

/* The head of every function object. Besides the address, the core leaves
   here a plan for calling the function directly, without libffi, when its
   signature is simple enough for that to be exactly what libffi would do:
   up to 6 integer-class or up to 8 double arguments, and a result of either
   class. The adapter follows the plan, and hands the call to the core
   whenever a value is not of the plain kind the plan expects. */
#define ALIEN_DIRECT_NONE 0      /* call through the core and libffi */
#define ALIEN_DIRECT_INTEGERS 1  /* every argument is integer-class (ALIEN_KIND_I8 ... STRING) */
#define ALIEN_DIRECT_DOUBLES 2   /* every argument is ALIEN_KIND_DOUBLE */
#define ALIEN_DIRECT_REFS 3      /* integer-class, some of them refs (ALIEN_DIRECT_REF) */
#define ALIEN_DIRECT_MAXINTEGERS 6
#define ALIEN_DIRECT_MAXDOUBLES 8
/* In a REFS plan, an argument kind with this bit is a `ref T` (T = the
   kind without the bit: an integer kind or DOUBLE): the adapter passes the
   address of a slot holding the value and returns what C left there. */
#define ALIEN_DIRECT_REF 0x80
_Static_assert(ALIEN_KIND_COUNT <= ALIEN_DIRECT_REF, "a kind leaves the ref bit free");

typedef struct {
    alien_object_head object;
    /* The adapter's settings of the Lua state the function belongs to (set
       by the adapter once the core has made the object; the core keeps it). */
    const void *settings;
    void *address;
    unsigned char direct;      /* ALIEN_DIRECT_* */
    unsigned char count;       /* arguments */
    unsigned char result;      /* ALIEN_KIND_* */
    unsigned char argument[ALIEN_DIRECT_MAXDOUBLES];  /* ALIEN_KIND_* */
    unsigned char running;     /* invocations of this callback running now (types() waits for 0) */
    int ref;                   /* a callback: registry reference of its Lua function (the adapter's) */
    const alien_ctype *aggregate;  /* a struct or union result (the adapter makes its instance), else NULL */
    /* A callback's code: its libffi closure's (the core's), and a typed
       trampoline when one was free (the adapter's, trampoline.c). `address`
       is the trampoline while the signature suits it, else the closure. */
    void *closure_code;
    void *trampoline;
} alien_function_head;

/* The head of a type object: the userdata a struct type table keeps its descriptor in. */
typedef struct {
    alien_object_head object;
    const alien_ctype *type;
} alien_type_head;

/* The head of every library: how many function objects the adapter made
   from it, so that closing it by hand (`__gc` called from Lua) can tell
   whether it found them all to disarm. */
typedef struct {
    alien_object_head object;
    size_t functions;
} alien_library_head;

/* Where a buffer's bytes are. */
enum {
    ALIEN_STORAGE_INLINE = 0,  /* in the userdata, after the head (a new buffer: zeroed memory says so) */
    ALIEN_STORAGE_HEAP = 1,    /* malloc'd by realloc: freed by __gc */
    ALIEN_STORAGE_FOREIGN = 2  /* somebody else's memory (alien.buffer(pointer)): size unknown */
};

/* The head of every buffer, for the adapter's direct buf:get and buf:set
   (and its making of new zeroed buffers, buffer.c). */
typedef struct {
    alien_object_head object;
    const void *settings;      /* as in alien_function_head */
    void *data;
    size_t size;
    int checked;               /* alien's own memory, whose size is known (storage is not FOREIGN) */
    unsigned char storage;     /* ALIEN_STORAGE_* */
} alien_buffer_head;

/* The head of every array, for the adapter's direct arr[i] and arr[i] = v. */
typedef struct {
    alien_object_head object;
    /* The element's kind when the adapter may read and write it itself (an
       integer kind, FLOAT or DOUBLE: nothing to pin), else 0. */
    unsigned char kind;
    const alien_buffer_head *buffer;   /* the buffer the array views */
    size_t length;             /* elements */
    size_t offset;             /* where the elements start in the buffer, in bytes */
} alien_array_head;

/* ---- implemented by each adapter; none of them raises ---- */
int alien_lua_gettop(lua_State *L);
int alien_lua_type(lua_State *L, int idx);
const char *alien_lua_typename(lua_State *L, int idx);
/* 0: not a number nor a numeric string; 1: integer in *i; 2: float in *n. */
int alien_lua_tonumeric(lua_State *L, int idx, int64_t *i, double *n);
/* One-call reads for the common cases: 1 when they apply, else 0 (and the
   caller asks alien_lua_tonumeric). tointeger: a number, or a numeric string,
   with an exact 64-bit integer value (an integer, or an integral float in
   range); tonumber: any number or numeric string, as a double. */
int alien_lua_tointeger(lua_State *L, int idx, int64_t *i);
int alien_lua_tonumber(lua_State *L, int idx, double *n);
int alien_lua_toboolean(lua_State *L, int idx);
/* The bytes of a value that is a string already (never converts a number). */
const char *alien_lua_tostring(lua_State *L, int idx, size_t *len);
/* The length of a table's array part as the # operator sees it without metamethods. */
size_t alien_lua_rawlen(lua_State *L, int idx);
/* Light or full userdata's address, else NULL. */
void *alien_lua_touserdata(lua_State *L, int idx);
/* The size of the full userdata at idx (0 for anything else). */
size_t alien_lua_udatasize(lua_State *L, int idx);
/* The alien object at idx (its head, checked), with its block size; else NULL. */
alien_object_head *alien_lua_toobject(lua_State *L, int idx, size_t *size);
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
/* The descriptor of the type value at idx: a struct or union type table
   (defstruct, defunion); NULL for anything else. */
const alien_ctype *alien_lua_toctype(lua_State *L, int idx);
/* lua_next on the table at idx, with room made for the key and value it
   pushes: 1 and [key, value] pushed, 0 at the end, -1 when the stack cannot
   grow. The key must be one lua_next gave (or nil). */
int alien_lua_next(lua_State *L, int idx);
void alien_lua_pop(lua_State *L, int n);
void alien_lua_pushnil(lua_State *L);   /* the first key for alien_lua_next (room made first) */
/* The block of this Lua state's alien.cdef definitions (a pointer the core
   keeps there), or NULL before the first alien.cdef. */
void *alien_lua_cdefs(lua_State *L);
/* Whether this Lua has an integer subtype (5.3 and later). */
int alien_lua_has_integers(void);
/* Whether the value at idx is a number of the integer subtype (always 0 before 5.3). */
int alien_lua_isinteger(lua_State *L, int idx);

#endif
