/* A real Lua 5.4 for the Swift tests: runs a chunk with alien preloaded. */
#ifndef LUA_TEST_HOST_H
#define LUA_TEST_HOST_H
#include <stddef.h>
/* Runs `code` in a fresh state where require "alien" finds the linked adapter.
   Returns 0 on success; otherwise the error message is copied to `error`. */
int lua_test_host_run(const char *code, char *error, size_t error_size);
#endif
