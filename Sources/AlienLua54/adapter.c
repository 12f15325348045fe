/* alien.so for this Lua: the shared adapter compiled against its headers (Package.swift). */
#include "alien_adapter.c"
