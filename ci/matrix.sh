#!/usr/bin/env bash
# Runs the Lua suite under each built Lua: ci/matrix.sh [--debug] TAG...
# --debug adds a run against build/lua5.4-debug/alien.so (DESIGN.md).
# A tag BUILD@LUA runs build/BUILD/alien.so under the interpreter of tag LUA:
# lua5.1@luajit and luajit@lua5.1 check that one alien.so serves both.
# Prints each Lua's counts, then the totals as "N passed, N failed, N skipped";
# fails when any test failed or a run stopped before its counts line.
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh

tags=()
for a in "$@"; do
  if [ "$a" = "--debug" ]; then debug=1; else tags+=("$a"); fi
done
[ ${#tags[@]} -gt 0 ] || tags=(lua5.1 lua5.2 lua5.3 lua5.4 luajit)
[ -n "${debug:-}" ] && tags+=(lua5.4-debug)

# The test files in byte order: test_01_... to test_12_..., SPEC section order.
mapfile -t files < <(printf '%s\n' Tests/lua/test_*.lua | LC_ALL=C sort)

export ALIEN_TESTLIB="$PWD/build/testlib/libalientest.so"
total_passed=0
total_failed=0
total_skipped=0
for tag in "${tags[@]}"; do
  build=${tag%@*}
  lua=$(lua_for_tag "${tag#*@}")
  echo "== $tag ($lua)"
  if [ ! -f "build/$build/alien.so" ]; then
    echo "FAIL: build/$build/alien.so is missing"
    total_failed=$((total_failed + 1))
    continue
  fi
  out=$(LUA_CPATH="build/$build/?.so" LUA_PATH="Tests/lua/?.lua" "$lua" Tests/lua/run.lua "${files[@]}" 2>&1)
  status=$?
  echo "$out" | sed 's/^/  /'
  counts=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -1)
  if [ -z "$counts" ]; then
    echo "FAIL: the suite under $tag stopped early (exit $status)"
    total_failed=$((total_failed + 1))
    continue
  fi
  read -r p _ f _ s _ <<<"${counts//,/}"
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  total_skipped=$((total_skipped + ${s:-0}))
  [ "$status" -eq 0 ] || [ "$f" -gt 0 ] || total_failed=$((total_failed + 1))
done

echo "Lua suite, all versions:"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
