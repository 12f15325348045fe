#!/usr/bin/env bash
# The C sources compiled with gcc -Wall -Wextra -Werror: ci/cwarnings.sh
#   the adapter (Sources/AlienLua5x/adapter.c, Sources/AlienLuaJIT/adapter.c,
#   each including Sources/AlienAdapter/*.c) against its own Lua's headers,
#   Sources/AlienBridge/alien_bridge.c, Sources/LuaTestHost/lua_test_host.c
#   (Lua 5.4, for swift test), the test library (Tests/lua/testlib/alientest.c),
#   the threads host (Tests/threads/host.c) and bench/floor.c against every
#   Lua, and bench/benchlib.c.
# The include paths are those Package.swift gives each target; -O2, because
# gcc only finds some warnings (-Wmaybe-uninitialized) when it optimizes.
# A Lua whose headers are not installed is left out (as make leaves it out).
# One pass or failure per compilation, a failure's warnings printed; the last
# line is "cwarnings: N passed, N failed"; the exit status is non-zero when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-gcc}
FLAGS=(-Wall -Wextra -Werror -O2 -fPIC -c -o /dev/null)
FFI=$(pkg-config --cflags libffi 2>/dev/null || true)

passed=0
failed=0
compile() { # name, then the compiler arguments
  local name=$1 out
  shift
  if out=$("$CC" "${FLAGS[@]}" "$@" 2>&1) && [ -z "$out" ]; then
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    echo "$out" | sed 's/^/  /'
    failed=$((failed + 1))
  fi
}

ADAPTER=(-ISources/AlienAdapter -ISources/AlienBridge/include $FFI)
# tag, adapter target, header folder (Package.swift, Makefile)
luas=(
  "lua5.1 AlienLua51 /usr/include/lua5.1"
  "lua5.2 AlienLua52 /usr/include/lua5.2"
  "lua5.3 AlienLua53 /usr/include/lua5.3"
  "lua5.4 AlienLua54 /usr/include/lua5.4"
  "luajit AlienLuaJIT /usr/include/luajit-2.1"
)
for entry in "${luas[@]}"; do
  read -r tag target inc <<<"$entry"
  if [ ! -f "$inc/lua.h" ]; then
    echo "cwarnings: no Lua headers for $tag in $inc; left out"
    continue
  fi
  compile "Sources/$target/adapter.c ($tag)" -I"$inc" "${ADAPTER[@]}" "Sources/$target/adapter.c"
  compile "Tests/threads/host.c ($tag)" -pthread -I"$inc" Tests/threads/host.c
  compile "bench/floor.c ($tag)" -I"$inc" bench/floor.c
  if [ "$tag" = lua5.4 ]; then
    compile "Sources/LuaTestHost/lua_test_host.c ($tag)" -I"$inc" "${ADAPTER[@]}" \
      -ISources/LuaTestHost/include Sources/LuaTestHost/lua_test_host.c
  fi
done
compile Sources/AlienBridge/alien_bridge.c -ISources/AlienBridge/include $FFI Sources/AlienBridge/alien_bridge.c
compile Tests/lua/testlib/alientest.c Tests/lua/testlib/alientest.c
compile bench/benchlib.c bench/benchlib.c

echo "cwarnings: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
