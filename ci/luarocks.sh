#!/usr/bin/env bash
# The LuaRocks job: `luarocks make` into a fresh tree for every Lua (LuaJIT
# through LUA_INCDIR), then `luarocks pack` of the versioned rockspec and an
# offline `luarocks install` of that .src.rock from a local manifest. Each
# installed module must pass a call through alien.default, and the installed
# alien-constants command must run; `luarocks make` must not warn, and
# `luarocks test` (the Lua suite against the rock's module) must pass.
# Skipped (with a note) without luarocks.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v luarocks >/dev/null 2>&1; then
  echo "luarocks: not installed, LuaRocks job skipped"
  exit 0
fi

work=$(mktemp -d /tmp/alien-rocks.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
check='local a = require "alien"; local s = require "alien.struct"; assert(s == a.struct)
       local f = a.default.strlen; f:types("size_t", "string"); assert(f("abc") == 3); print("  ok: " .. _VERSION)'

verify() { # tree lua-interpreter lua-version
  local tree=$1 lua=$2 version=$3
  if ! LUA_CPATH="$tree/lib/lua/$version/?.so" "$lua" -e "$check"; then
    echo "FAIL: require alien from $tree under $lua"; failed=1; return
  fi
  local defs="$work/defs.txt"
  printf '#include <errno.h>\nEINTR\n' > "$defs"
  if ! (cd "$work" && "$tree/bin/alien-constants" --run defs.txt c.c c.lua && grep -q "EINTR = 4" c.lua); then
    echo "FAIL: alien-constants from $tree"; failed=1
  fi
}

for v in 5.1 5.2 5.3 5.4; do
  echo "== luarocks make, Lua $v"
  if luarocks --lua-version=$v --tree="$work/tree-$v" make rockspec/alien-scm-1.rockspec >"$work/log-$v" 2>&1; then
    verify "$work/tree-$v" "lua$v" "$v"
    grep -qi warning "$work/log-$v" && { grep -i warning "$work/log-$v"; echo "FAIL: luarocks make warned"; failed=1; }
    luarocks --lua-version=$v --tree="$work/tree-$v" test rockspec/alien-scm-1.rockspec >"$work/test-$v" 2>&1 \
      && echo "  luarocks test: $(tail -1 "$work/test-$v")" \
      || { tail -20 "$work/test-$v"; echo "FAIL: luarocks test for Lua $v"; failed=1; }
  else
    tail -20 "$work/log-$v"; echo "FAIL: luarocks make for Lua $v"; failed=1
  fi
done

echo "== luarocks make, LuaJIT"
if luarocks --lua-version=5.1 --tree="$work/tree-jit" make rockspec/alien-scm-1.rockspec \
     LUA_INCDIR=/usr/include/luajit-2.1 LUA=/usr/bin/luajit >"$work/log-jit" 2>&1; then
  verify "$work/tree-jit" luajit 5.1
  LUA_CPATH="$work/tree-jit/lib/lua/5.1/?.so" luajit -e 'assert(jit, "LuaJIT"); require "alien"' \
    || { echo "FAIL: the LuaJIT build does not load in luajit"; failed=1; }
else
  tail -20 "$work/log-jit"; echo "FAIL: luarocks make for LuaJIT"; failed=1
fi

echo "== luarocks pack, then install from a local server"
make --no-print-directory dist BUILD="$work/build" >/dev/null
server="$work/build/dist"
if (cd "$server" && luarocks pack alien-0.8.0-1.rockspec >"$work/log-pack" 2>&1 && ls alien-0.8.0-1.src.rock >/dev/null \
    && luarocks-admin make-manifest . >>"$work/log-pack" 2>&1) \
   && luarocks --lua-version=5.4 --tree="$work/tree-server" install --only-server="$server" alien >"$work/log-install" 2>&1; then
  verify "$work/tree-server" lua5.4 5.4
else
  tail -20 "$work/log-pack" "$work/log-install" 2>/dev/null; echo "FAIL: pack and install from a local server"; failed=1
fi

[ "$failed" -eq 0 ] && echo "LuaRocks job: all passed" || echo "LuaRocks job: FAILED"
exit "$failed"
