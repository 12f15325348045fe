#!/bin/sh
# Prints the build tag (lua5.1 ... lua5.4, luajit) of the Lua whose headers are in $1.
# LuaRocks reports LuaJIT as 5.1; luajit.h tells them apart.
dir="$1"
if [ -f "$dir/luajit.h" ]; then echo luajit; exit 0; fi
num=$(sed -n 's/^#define[ \t]*LUA_VERSION_NUM[ \t]*\([0-9]*\).*/\1/p' "$dir/lua.h" 2>/dev/null)
case "$num" in
  501) echo lua5.1 ;; 502) echo lua5.2 ;; 503) echo lua5.3 ;; 504) echo lua5.4 ;;
  *) echo "alien: no supported lua.h in '$dir' (LUA_INCDIR)" >&2; exit 1 ;;
esac
