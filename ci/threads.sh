#!/usr/bin/env bash
# Several Lua states on several OS threads in one process (SPEC section 15):
# ci/threads.sh [--debug] [TAG...]
# Builds Tests/threads/host.c against each Lua (build/threads/<tag>/host) and
# runs Tests/threads/two_states.lua with 2 threads, then 4. Without TAGs, every
# tag whose build/<tag>/alien.so exists; --debug adds build/lua5.4-debug, whose
# Swift exclusivity checks trap on some races a release build lets pass.
# One pass or failure per Lua per run; the last line is "N passed, N failed".
# Environment: ALIEN_THREAD_COUNTS (default "2 4"), ALIEN_THREAD_ROUNDS (the
# rounds each thread runs, default in the script), ALIEN_THREAD_CHECKS (which
# checks of the script to run, to narrow down a crash), ALIEN_THREAD_TIMEOUT
# (seconds per run, default 300). Under valgrind, see Tests/threads/valgrind.supp.
set -uo pipefail
cd "$(dirname "$0")/.."

tags=()
for a in "$@"; do
  if [ "$a" = "--debug" ]; then debug=1; else tags+=("$a"); fi
done
if [ ${#tags[@]} -eq 0 ]; then
  for t in lua5.1 lua5.2 lua5.3 lua5.4 luajit; do
    [ -f "build/$t/alien.so" ] && tags+=("$t")
  done
fi
[ -n "${debug:-}" ] && tags+=(lua5.4-debug)

# The headers and library of the Lua a tag is built for.
lua_flags() {
  case "$1" in
    lua5.1) echo "-I/usr/include/lua5.1 -llua5.1" ;;
    lua5.2) echo "-I/usr/include/lua5.2 -llua5.2" ;;
    lua5.3) echo "-I/usr/include/lua5.3 -llua5.3" ;;
    lua5.4|lua5.4-debug) echo "-I/usr/include/lua5.4 -llua5.4" ;;
    luajit) echo "-I/usr/include/luajit-2.1 -lluajit-5.1" ;;
    *) return 1 ;;
  esac
}

CC=${CC:-cc}
export ALIEN_TESTLIB="$PWD/build/testlib/libalientest.so"
if [ ! -f "$ALIEN_TESTLIB" ]; then
  make --no-print-directory testlib >/dev/null || { echo "FAIL: cannot build $ALIEN_TESTLIB"; echo "0 passed, 1 failed"; exit 1; }
fi
counts=${ALIEN_THREAD_COUNTS:-2 4}
limit=${ALIEN_THREAD_TIMEOUT:-300}

passed=0
failed=0
for tag in "${tags[@]}"; do
  echo "== $tag"
  runs=$(echo $counts | wc -w)
  if ! flags=$(lua_flags "$tag"); then
    echo "FAIL: unknown tag $tag"
    failed=$((failed + runs)); continue
  fi
  if [ ! -f "build/$tag/alien.so" ]; then
    echo "FAIL: build/$tag/alien.so is missing"
    failed=$((failed + runs)); continue
  fi
  host="build/threads/$tag/host"
  mkdir -p "build/threads/$tag"
  # shellcheck disable=SC2086 # flags is a list of words
  if ! $CC -O2 -g -Wall -Werror -pthread -o "$host" Tests/threads/host.c $flags; then
    echo "FAIL: cannot build the host for $tag"
    failed=$((failed + runs)); continue
  fi
  for n in $counts; do
    start=$(date +%s%N)
    out=$(timeout "$limit" "$host" Tests/threads/two_states.lua "$n" "build/$tag/?.so" 2>&1)
    status=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ -z "$out" ] || echo "$out" | sed 's/^/  /'
    if [ "$status" -eq 0 ]; then
      echo "pass: $tag with $n threads (${ms} ms)"
      passed=$((passed + 1))
    else
      if [ "$status" -eq 124 ]; then why="timed out after ${limit}s"
      elif [ "$status" -gt 128 ]; then why="crashed ($(kill -l $((status - 128)) 2>/dev/null || echo "signal $((status - 128))"))"
      else why="exit $status"; fi
      echo "FAIL: $tag with $n threads: $why (${ms} ms)"
      failed=$((failed + 1))
    fi
  done
done

if [ ${#tags[@]} -eq 0 ]; then
  echo "FAIL: no build/<tag>/alien.so to test (make all)"
  failed=1
fi

echo "Threads, all versions:"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
