#!/usr/bin/env bash
# Runs every examples/*.lua under each built Lua: ci/examples.sh [TAG...]
# Without TAGs: lua5.1 lua5.2 lua5.3 lua5.4 luajit. Each example runs on its
# own with LUA_CPATH=build/<tag>/?.so and passes when it exits with status 0
# (the examples check their results with assert). One line per tag and
# example, "ok" or "FAIL" followed by the failure's output; the last line is
# "examples: N passed, N failed", and the exit status is non-zero when any
# failed. Environment: ALIEN_EXAMPLE_TIMEOUT (seconds per run, default 60).
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh

tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=(lua5.1 lua5.2 lua5.3 lua5.4 luajit)
timeout_s=${ALIEN_EXAMPLE_TIMEOUT:-60}

mapfile -t files < <(printf '%s\n' examples/*.lua | LC_ALL=C sort)
if [ ! -f "${files[0]}" ]; then
  echo "FAIL: no examples/*.lua"
  echo "examples: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
for tag in "${tags[@]}"; do
  lua=$(lua_for_tag "$tag")
  if [ ! -f "build/$tag/alien.so" ]; then
    echo "FAIL $tag: build/$tag/alien.so is missing"
    failed=$((failed + ${#files[@]}))
    continue
  fi
  for file in "${files[@]}"; do
    out=$(LUA_CPATH="build/$tag/?.so" timeout "$timeout_s" "$lua" "$file" 2>&1)
    status=$?
    if [ "$status" -eq 0 ]; then
      echo "ok   $tag $file"
      passed=$((passed + 1))
    else
      if [ "$status" -eq 124 ]; then why="timed out after ${timeout_s}s"; else why="exit $status"; fi
      echo "FAIL $tag $file ($why)"
      [ -z "$out" ] || echo "$out" | sed 's/^/    /'
      failed=$((failed + 1))
    fi
  done
done

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
