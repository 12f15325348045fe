rockspec_format = "3.0"
package = "alien"
version = "scm-1"
source = {
   -- `luarocks make` builds this checkout; `make dist` writes a tarball for packing
   url = "alien-scm.tar.gz",
   dir = "alien-scm",
}
description = {
   summary = "A Foreign Function Interface for Lua, in Swift",
   detailed = [[
      Call functions in any shared library (libc, libm, zlib, sqlite3, your own)
      from plain Lua: load a library, declare a function's types, call it; pass
      buffers, arrays and structs; hand Lua functions to C as callbacks.
      A drop-in for scripts written for Alien 0.4 and 0.7. Building needs the
      Swift toolchain (swift 6 on PATH) and libffi with pkg-config.
   ]],
   license = "MIT",
}
dependencies = {
   "lua >= 5.1, < 5.5",
}
build = {
   type = "make",
   -- The Makefile runs swift build for the Lua whose headers are in LUA_INCDIR
   -- (LuaJIT is recognised by luajit.h there) and installs that one alien.so.
   build_target = "rock",
   build_variables = {
      LUA_INCDIR = "$(LUA_INCDIR)",
      -- taken so that LuaRocks does not warn; swift build sets its own flags
      CFLAGS = "$(CFLAGS)",
   },
   install_target = "rock-install",
   install_variables = {
      LIBDIR = "$(LIBDIR)",
   },
   install = {
      bin = { ["alien-constants"] = "bin/alien-constants" },
   },
}
-- `luarocks test` (after `luarocks make`): the Lua suite against the module built
test = {
   type = "command",
   script = "Tests/lua/luarocks_test.lua",
}
