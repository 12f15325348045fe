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
int alien_core_function_types(lua_State *L, void *function);
void alien_core_function_names(void *function, const char **name, const char **library);
void alien_core_function_gc(void *function);
int alien_core_call(lua_State *L, alien_value *out);

int alien_core_sizeof(lua_State *L, alien_value *out);
int alien_core_align(lua_State *L, alien_value *out);
int alien_core_errno(lua_State *L, alien_value *out);

#endif
