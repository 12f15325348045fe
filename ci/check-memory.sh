#!/usr/bin/env bash
# The Lua suite under valgrind memcheck on Lua 5.4 (make check-memory):
# ci/check-memory.sh
# Runs each Tests/lua/test_*.lua on its own (through Tests/lua/run.lua) with the
# release module build/lua5.4/alien.so, then the threads test host
# (Tests/threads/host.c, as ci/threads.sh builds it) with 2 threads. Every run
# must end with no memcheck error: invalid reads and writes, uses of
# uninitialised values, bad frees, and definite leaks (--leak-check=full
# --errors-for-leak-kinds=definite) all count, with --error-exitcode=1.
# The interpreter is made to close its state at os.exit (LUA_INIT_5_4), so every
# __gc runs and what alien frees at lua_close is checked too.
# Suppressions: ci/valgrind.supp (the loader only, each one explained).
#
# Valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes, and the
# release module is stripped, so its frames would read "???". When
# .build/release/libalien_lua54.so stripped is byte for byte build/lua5.4/alien.so
# (the same build), the runs load a copy of it with its symbol table kept (only
# the DWARF removed) from build/memcheck/lua5.4/: the same code, named frames.
#
# One pass or failure per run (test file, threads run); the last line is
# "N passed, N failed". A failing run prints its valgrind report; the full
# logs are in build/memcheck/logs/.
# Environment:
#   ALIEN_MEMCHECK_SKIP     test files to leave out, by name ("test_07_arrays
#                           test_05_callbacks"; printed as skipped, not counted)
#   ALIEN_MEMCHECK_JOBS     runs at once (default: the number of CPUs)
#   ALIEN_MEMCHECK_TIMEOUT  seconds per run (default 900)
#   ALIEN_MEMCHECK_THREADS  0 leaves out the threads run (default 1)
#   ALIEN_THREAD_ROUNDS     rounds per thread in the threads run (default here 1000;
#                           Tests/threads/two_states.lua reads it)
#   VALGRIND_OPTS           extra valgrind options (valgrind reads it itself), e.g.
#                           --track-origins=yes to find where an uninitialised
#                           value came from (doubles the run time, so not default)
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null 2>&1; then
  bash ci/install-deps.sh valgrind >/dev/null || { echo "FAIL: cannot install valgrind"; echo "0 passed, 1 failed"; exit 1; }
fi

out=build/memcheck
logs=$out/logs
rm -rf "$logs"
mkdir -p "$logs" "$out/lua5.4"
export ALIEN_TESTLIB="$PWD/build/testlib/libalientest.so"
if [ ! -f "$ALIEN_TESTLIB" ]; then
  make --no-print-directory testlib >/dev/null || { echo "FAIL: cannot build $ALIEN_TESTLIB"; echo "0 passed, 1 failed"; exit 1; }
fi
module=build/lua5.4/alien.so
if [ ! -f "$module" ]; then
  echo "FAIL: $module is missing (make LUA=5.4)"; echo "0 passed, 1 failed"; exit 1
fi

# The module the runs load: build/lua5.4/alien.so, or the same build with symbols.
moddir=build/lua5.4
unstripped=.build/release/libalien_lua54.so
if [ -f "$unstripped" ] &&
   strip --strip-unneeded -o "$out/lua5.4/stripped.so" "$unstripped" 2>/dev/null &&
   cmp -s "$out/lua5.4/stripped.so" "$module" &&
   strip --strip-debug -o "$out/lua5.4/alien.so" "$unstripped" 2>/dev/null; then
  moddir=$out/lua5.4
  echo "module: $module (the same build with its symbol table: $moddir/alien.so)"
else
  rm -f "$out/lua5.4/alien.so"
  echo "module: $module (stripped: alien's frames will read ???)"
fi
rm -f "$out/lua5.4/stripped.so"

valgrind_args=(
  --tool=memcheck --error-exitcode=1
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
  --num-callers=40
  --suppressions=ci/valgrind.supp
)
limit=${ALIEN_MEMCHECK_TIMEOUT:-900}
jobs=${ALIEN_MEMCHECK_JOBS:-$(nproc 2>/dev/null || echo 2)}
# os.exit(code) closes the state (lua_close) as well: finalizers run, leaks show.
export LUA_INIT_5_4='local exit = os.exit; os.exit = function(code) return exit(code, true) end'

# run NAME COMMAND...: one run under valgrind; writes $logs/NAME.{out,log,result}.
run() {
  local name=$1; shift
  local start status ms errors why
  start=$(date +%s%N)
  timeout "$limit" valgrind "${valgrind_args[@]}" --log-file="$logs/$name.log" "$@" >"$logs/$name.out" 2>&1
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]\+\) errors.*/\1/p' "$logs/$name.log" | tail -1)
  if [ "$status" -eq 0 ] && [ "${errors:-x}" = 0 ]; then
    echo "pass $name ($((ms / 1000)) s)" >"$logs/$name.result"
    return
  fi
  if [ "$status" -eq 124 ]; then why="timed out after ${limit}s"
  elif [ -n "$errors" ] && [ "$errors" != 0 ]; then why="valgrind: $errors errors"
  elif [ -z "$errors" ]; then why="valgrind ended without its summary (exit $status)"
  else why="exit $status"; fi
  echo "FAIL $name: $why ($((ms / 1000)) s)" >"$logs/$name.result"
}

names=()
start_all=$(date +%s)
# The threads run first: it is one of the longest.
if [ "${ALIEN_MEMCHECK_THREADS:-1}" != 0 ]; then
  host=$out/host
  if cc -O2 -g -Wall -Werror -pthread -o "$host" Tests/threads/host.c -I/usr/include/lua5.4 -llua5.4; then
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    names+=(threads_2)
    ALIEN_THREAD_ROUNDS=${ALIEN_THREAD_ROUNDS:-1000} \
      run threads_2 "$host" Tests/threads/two_states.lua 2 "$moddir/?.so" &
  else
    names+=(threads_2)
    echo "FAIL threads_2: cannot build $host" >"$logs/threads_2.result"
  fi
fi
mapfile -t files < <(printf '%s\n' Tests/lua/test_*.lua | LC_ALL=C sort)
skip=" ${ALIEN_MEMCHECK_SKIP:-} "
skipped=()
for f in "${files[@]}"; do
  name=$(basename "$f" .lua)
  if [[ "$skip" == *" $name "* ]]; then skipped+=("$name"); continue; fi
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  names+=("$name")
  LUA_CPATH="$moddir/?.so" LUA_PATH="Tests/lua/?.lua" run "$name" lua5.4 Tests/lua/run.lua "$f" &
done

wait

passed=0
failed=0
for name in "${names[@]}"; do
  result=$(cat "$logs/$name.result" 2>/dev/null || echo "FAIL $name: no result")
  echo "$result"
  case "$result" in
    pass*) passed=$((passed + 1)) ;;
    *)
      failed=$((failed + 1))
      # What the run printed (test failures), then valgrind's report without
      # its banner and the warnings the tests provoke on purpose (close(-1)).
      grep -vE '^(SKIP |[0-9]+ passed, )' "$logs/$name.out" | head -40 | sed 's/^/  | /'
      grep -vE 'Memcheck, a memory|Copyright \(C\)|Using Valgrind|Command: |Parent PID|invalid file descriptor|^==[0-9]+== $' \
        "$logs/$name.log" | sed -n '/ERROR SUMMARY/q;p' | head -150 | sed 's/^/  /'
      ;;
  esac
done
for name in "${skipped[@]}"; do echo "skip $name (ALIEN_MEMCHECK_SKIP)"; done

# The adversarial suite under valgrind as well: every ALIEN_MEMCHECK_ADV_SAMPLE-th
# case (default 10, about 200 cases; 1 runs all of them, which takes about half
# an hour here; 0 none). A memcheck error ends the case with exit 97, which
# the suite counts as a failure.
sample=${ALIEN_MEMCHECK_ADV_SAMPLE:-10}
if [ "$sample" != 0 ] && [ -f ci/adversarial.sh ]; then
  adv=$(ADV_WRAP="valgrind ${valgrind_args[*]} --error-exitcode=97 -q" ADV_SAMPLE="$sample" \
        ADV_TIMEOUT="${ALIEN_MEMCHECK_ADV_TIMEOUT:-180}" bash ci/adversarial.sh lua5.4 2>&1)
  echo "$adv" | grep -vE '^[0-9]+ passed, [0-9]+ failed' | sed 's/^/  adversarial: /' | tail -20
  line=$(echo "$adv" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
  if [ -n "$line" ]; then
    passed=$((passed + ${line%% passed*}))
    f=${line#*, }; failed=$((failed + ${f%% failed*}))
  else
    echo "FAIL adversarial under valgrind: no closing line"; failed=$((failed + 1))
  fi
fi
echo "memcheck on lua5.4: $(( $(date +%s) - start_all )) s; logs in $logs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
