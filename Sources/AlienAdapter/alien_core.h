/* Entry points of alien's Swift core (AlienCore, @_cdecl), as the adapter calls them.
   Each returns a count of values written to `out`, 0, or a status from alien_bridge.h. */
#ifndef ALIEN_CORE_H
#define ALIEN_CORE_H
#include "alien_bridge.h"

size_t alien_core_library_size(void);
int alien_core_library_open(lua_State *L, void *library, int process);
int alien_core_library_symbol(lua_State *L, void *library, void *function);
const char *alien_core_library_name(void *library);
void alien_core_library_gc(void *library);

size_t alien_core_function_size(void);
int alien_core_function_from_pointer(lua_State *L, void *function);
void alien_core_function_init_address(void *function, void *address);
int alien_core_function_types(lua_State *L, void *function);
void alien_core_function_names(void *function, const char **name, const char **library);
/* Returns nonzero for a callback, whose Lua function the adapter then drops. */
int alien_core_function_gc(void *function);
void *alien_core_function_address(void *function);
int alien_core_callback_init(lua_State *L, void *function);
int alien_core_callback_arguments(void *callback, void **arguments, alien_value *out);
int alien_core_callback_result(lua_State *L, void *callback, void *result);
/* `result`: for a struct or union result, the memory of the buffer the adapter pushed last. */
int alien_core_call(lua_State *L, alien_value *out, void *result);

int alien_core_buffer_request(lua_State *L, size_t *block_size);
size_t alien_core_buffer_block_size(size_t bytes);
void alien_core_buffer_init(lua_State *L, void *block, size_t block_size, int source);
int alien_core_scalar_kind(const char *name, size_t length);
int alien_core_buffer_get(lua_State *L, alien_value *out);
int alien_core_buffer_set(lua_State *L, alien_value *out);
int alien_core_buffer_byte(lua_State *L, alien_value *out);
int alien_core_buffer_setbyte(lua_State *L, alien_value *out);
int alien_core_buffer_length(lua_State *L, alien_value *out);
int alien_core_buffer_strlen(lua_State *L, alien_value *out);
int alien_core_buffer_tostring(lua_State *L, alien_value *out);
int alien_core_buffer_topointer(lua_State *L, alien_value *out);
int alien_core_buffer_tooffset(lua_State *L, alien_value *out);
int alien_core_buffer_realloc(lua_State *L, alien_value *out);
void alien_core_buffer_gc(void *block);

size_t alien_core_array_size(void);
int alien_core_array_plan(lua_State *L, size_t *length, ptrdiff_t *bytes);
void alien_core_array_init(lua_State *L, void *block, int buffer_index, size_t length);
void alien_core_array_view_init(lua_State *L, void *block, int buffer_index, const alien_ctype *type, size_t offset);
int alien_core_array_tostring(lua_State *L, alien_value *out);
int alien_core_array_get(lua_State *L, alien_value *out);
int alien_core_array_set(lua_State *L, alien_value *out);
int alien_core_array_field(lua_State *L, alien_value *out);
int alien_core_array_length(lua_State *L, alien_value *out);
int alien_core_array_realloc_plan(lua_State *L, size_t *bytes);
void alien_core_array_set_length(void *block, size_t length);

int alien_core_memmove(lua_State *L, alien_value *out);
int alien_core_memset(lua_State *L, alien_value *out);
int alien_core_isnull(lua_State *L, alien_value *out);
int alien_core_pointer_tostring(lua_State *L, alien_value *out);
int alien_core_unpack_count(lua_State *L, int type, size_t *count, void **pointer);
alien_value alien_core_unpack_value(const void *pointer, int type, size_t i);
int alien_core_type_code(const char *name);

int alien_core_struct_pack(lua_State *L, void *space, size_t capacity, size_t *length, int last);
int alien_core_struct_unpack(lua_State *L, alien_value *out, size_t capacity, size_t *needed);
int alien_core_struct_size(lua_State *L, alien_value *out);
int alien_core_struct_offset(lua_State *L, alien_value *out);

int alien_core_defcomposite(lua_State *L, int is_union, int count, const alien_ctype **out);
const char *alien_core_ctype_name(const alien_ctype *type);
size_t alien_core_instance_size(void);
void alien_core_instance_init(lua_State *L, void *block, int buffer_index, const alien_ctype *type, size_t offset);
size_t alien_core_vararg_size(void);
int alien_core_vararg_init(lua_State *L, void *block);
int alien_core_field_get(lua_State *L, alien_value *out);
int alien_core_field_set(lua_State *L, alien_value *out);
int alien_core_buffer_fits(lua_State *L, int index, size_t size);

size_t alien_core_cdefs_size(void);
void alien_core_cdefs_init(void *block);
void alien_core_cdefs_gc(void *block);
int alien_core_cdef(lua_State *L);
int alien_core_cdef_constant(lua_State *L, alien_value *out);
int alien_core_typeof(lua_State *L, alien_value *out);
int alien_core_offsetof(lua_State *L, alien_value *out);
int alien_core_new_type(lua_State *L, const alien_ctype **out);
int alien_core_new_init(lua_State *L);

int alien_core_sizeof(lua_State *L, alien_value *out);
int alien_core_align(lua_State *L, alien_value *out);
int alien_core_errno(lua_State *L, alien_value *out);

#endif
