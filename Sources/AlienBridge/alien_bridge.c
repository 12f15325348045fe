/* The bridge is implemented by each Lua adapter (Sources/AlienAdapter);
   this target carries its header to the Swift core, and the pool of
   callback closures (alien_closures.h), which is the same for every Lua. */
#include "alien_bridge.h"
#include "alien_closures.h"
#include <ffi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Retired closures are reused oldest first, once more than this many wait. */
#define ALIEN_QUARANTINE 1024

typedef struct alien_retired {
    ffi_closure *closure;
    void *code;
    struct alien_retired *next;
} alien_retired;

static pthread_mutex_t alien_closures_lock = PTHREAD_MUTEX_INITIALIZER;
static alien_retired *alien_oldest, *alien_newest;
static int alien_waiting;

/* One call interface with no arguments per result type, for retired
   closures: the result comes back zero in the register C reads it from. */
#define ALIEN_DEAD_CIFS 16
static ffi_cif alien_dead_cifs[ALIEN_DEAD_CIFS];
static int alien_dead_count;

static void alien_dead_handler(ffi_cif *cif, void *result, void **arguments, void *data) {
    (void)arguments; (void)data;
    if (result != NULL && cif->rtype->size > 0) memset(result, 0, cif->rtype->size < 8 ? 8 : cif->rtype->size);
}

/* Under the lock: the dead call interface for rtype (NULL if none can be made). */
static ffi_cif *alien_dead_cif(ffi_type *rtype) {
    int i;
    for (i = 0; i < alien_dead_count; i++)
        if (alien_dead_cifs[i].rtype == rtype) return &alien_dead_cifs[i];
    if (alien_dead_count == ALIEN_DEAD_CIFS) return NULL;
    if (ffi_prep_cif(&alien_dead_cifs[alien_dead_count], FFI_DEFAULT_ABI, 0, rtype, NULL) != FFI_OK) return NULL;
    return &alien_dead_cifs[alien_dead_count++];
}

void *alien_closure_take(void **code) {
    alien_retired *reused = NULL;
    pthread_mutex_lock(&alien_closures_lock);
    if (alien_waiting > ALIEN_QUARANTINE) {
        reused = alien_oldest;
        alien_oldest = reused->next;
        alien_waiting--;
    }
    pthread_mutex_unlock(&alien_closures_lock);
    if (reused != NULL) {
        void *closure = reused->closure;
        *code = reused->code;
        free(reused);
        return closure;
    }
    return ffi_closure_alloc(sizeof(ffi_closure), code);
}

void alien_closure_retire(void *closure, void *code, void *rtype) {
    alien_retired *record;
    ffi_cif *cif;
    pthread_mutex_lock(&alien_closures_lock);
    cif = alien_dead_cif((ffi_type *)rtype);
    if (cif != NULL) ffi_prep_closure_loc((ffi_closure *)closure, cif, alien_dead_handler, NULL, code);
    pthread_mutex_unlock(&alien_closures_lock);
    record = (alien_retired *)malloc(sizeof *record);
    if (record == NULL) return;  /* out of memory: the closure stays retired, just not reusable */
    record->closure = (ffi_closure *)closure;
    record->code = code;
    record->next = NULL;
    pthread_mutex_lock(&alien_closures_lock);
    if (alien_newest != NULL) alien_newest->next = record; else alien_oldest = record;
    alien_newest = record;
    alien_waiting++;
    pthread_mutex_unlock(&alien_closures_lock);
}

/* ---- The interned type descriptors (alien_bridge.h), shared by every Lua
   state: immutable once interned, never freed. A hash table with chaining;
   the chain links live beside the descriptors. ---- */

typedef struct alien_interned {
    alien_ctype *type;
    struct alien_interned *next;
} alien_interned;

#define ALIEN_INTERN_BUCKETS 1024
static pthread_mutex_t alien_types_lock = PTHREAD_MUTEX_INITIALIZER;
static alien_interned *alien_types[ALIEN_INTERN_BUCKETS];

static int alien_ctype_equal(const alien_ctype *a, const alien_ctype *b) {
    size_t i;
    if (a->hash != b->hash || a->form != b->form || a->scalar != b->scalar || a->kind != b->kind
        || a->pack != b->pack || a->size != b->size || a->align != b->align || a->element != b->element
        || a->count != b->count)
        return 0;
    if (a->fields == NULL || b->fields == NULL) return a->fields == b->fields;
    for (i = 0; i < a->count; i++) {
        const alien_cfield *x = &a->fields[i], *y = &b->fields[i];
        if (x->type != y->type || x->offset != y->offset || x->length != y->length
            || x->bit_offset != y->bit_offset || x->bit_width != y->bit_width
            || memcmp(x->name, y->name, x->length) != 0)
            return 0;
    }
    return 1;
}

const alien_ctype *alien_ctype_intern(alien_ctype *candidate) {
    alien_interned **bucket = &alien_types[candidate->hash % ALIEN_INTERN_BUCKETS], *entry;
    const alien_ctype *found = NULL;
    pthread_mutex_lock(&alien_types_lock);
    for (entry = *bucket; entry != NULL && found == NULL; entry = entry->next)
        if (alien_ctype_equal(entry->type, candidate)) found = entry->type;
    if (found == NULL && (entry = (alien_interned *)malloc(sizeof *entry)) != NULL) {
        entry->type = candidate;     /* out of memory: the candidate stays un-interned, still valid */
        entry->next = *bucket;
        *bucket = entry;
    }
    pthread_mutex_unlock(&alien_types_lock);
    return found;
}
