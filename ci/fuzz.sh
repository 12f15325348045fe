#!/usr/bin/env bash
# The fuzzer (Tests/fuzz/fuzz.lua) under each built Lua: ci/fuzz.sh [--quick] [TAG...]
#
#   --quick   a few fixed seeds, a modest number of iterations (for make test;
#             the whole run under all six builds takes well under a minute)
#   default   more seeds and iterations (make fuzz; longer runs by hand)
#
# TAGs: lua5.1 lua5.2 lua5.3 lua5.4 luajit lua5.4-debug; without any, every
# tag whose build/<tag>/alien.so exists, lua5.4-debug included.
# Each seed runs in its own process, under a timeout and a virtual memory
# limit (so a huge allocation fails instead of exhausting the machine).
# A crash (signal), hang (timeout) or a run that stops early is reported with
# the seed, the Lua and the last call the fuzzer logged before it, and the
# commands that replay and shrink it (Tests/fuzz/minimize.lua); the log is
# kept as build/fuzz/<tag>/seed-N.log.
# The last line is "N passed, N failed" (one per seed per Lua); the exit
# status is non-zero when any failed.
#
# Environment:
#   FUZZ_SEEDS="1 2 3"   the seeds (default: 1 2 3 4 with --quick, 1..16 otherwise)
#   FUZZ_RUNS=N          iterations per seed (default 2000 with --quick, 5000 otherwise)
#   FUZZ_TIMEOUT=S       seconds per seed (default 30 with --quick, 600 otherwise)
#   FUZZ_JOBS=N          seeds run at once (default: the number of CPUs, at most 4)
#   FUZZ_VMEM=KiB        ulimit -v for each run (default 8 GiB)
#   FUZZ_ONLY, FUZZ_SKIP Lua patterns of target names, ";"-separated (Tests/fuzz/fuzz.lua)
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh

quick=
tags=()
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d'; exit 0 ;;
    *) tags+=("$a") ;;
  esac
done
if [ ${#tags[@]} -eq 0 ]; then
  for t in lua5.1 lua5.2 lua5.3 lua5.4 luajit lua5.4-debug; do
    [ -f "build/$t/alien.so" ] && tags+=("$t")
  done
fi
if [ -n "$quick" ]; then
  seeds=${FUZZ_SEEDS:-1 2 3 4}
  runs=${FUZZ_RUNS:-2000}
  limit=${FUZZ_TIMEOUT:-30}
else
  seeds=${FUZZ_SEEDS:-$(seq -s ' ' 1 16)}
  runs=${FUZZ_RUNS:-5000}
  limit=${FUZZ_TIMEOUT:-600}
fi
cpus=$(nproc 2>/dev/null || echo 2)
jobs=${FUZZ_JOBS:-$(( cpus > 4 ? 4 : cpus ))}
vmem=${FUZZ_VMEM:-8388608}

testlib="$PWD/build/testlib/libalientest.so"
if [ ! -f "$testlib" ]; then
  make --no-print-directory testlib >/dev/null 2>&1 || testlib=
fi

# Working files go to a directory of this run's own (make test may run the
# quick seeds while a long run is going); a failing seed's files are then
# copied to build/fuzz/<tag>/seed-N.{log,err}.
# The modules and the test library are copied there first, so that a
# rebuild while the fuzzer runs (the other targets of make) cannot change or
# truncate the code under a running seed.
mkdir -p build/fuzz
work=$(mktemp -d build/fuzz/run.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -n "$testlib" ]; then
  cp "$testlib" "$work/libalientest.so" && export ALIEN_TESTLIB="$PWD/$work/libalientest.so"
fi

signame() { kill -l "$1" 2>/dev/null || echo "signal $1"; }

# One seed under one Lua; writes its verdict to $dir/seed-N.result.
run_one() {
  local tag=$1 seed=$2 dir=$3
  local lua log out err status verdict last
  lua=$(lua_for_tag "$tag")
  log="$dir/seed-$seed.log"; out="$dir/seed-$seed.out"; err="$dir/seed-$seed.err"
  # (bash's own "Segmentation fault" notice goes to the outer 2>/dev/null)
  { (
    ulimit -c 0
    ulimit -v "$vmem" 2>/dev/null
    FUZZ_LOG="$log" LUA_CPATH="$dir/?.so" exec timeout -k 5 "$limit" "$lua" Tests/fuzz/fuzz.lua "$seed" "$runs"
  ) >"$out" 2>"$err"; } 2>/dev/null
  status=$?
  last=$(grep -v '^\(POOL\|NOTE\) ' "$log" 2>/dev/null | tail -1)
  if [ "$status" -eq 0 ] && grep -q '^EXIT ' "$log" 2>/dev/null && grep -q '^fuzz: seed' "$out"; then
    verdict="PASS $(grep '^fuzz: seed' "$out")"
  elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    verdict="FAIL HANG (no end after ${limit}s)"
  elif [ "$status" -gt 128 ]; then
    verdict="FAIL CRASH ($(signame $((status - 128))))"
    case "$last" in EXIT*) verdict="$verdict at lua_close (finalizers, after the last call)" ;; END*) verdict="$verdict in the final collectgarbage" ;; esac
  else
    verdict="FAIL STOPPED (exit $status; fuzzer or interpreter error: $(tail -3 "$err" | tr '\n' ' ' | cut -c1-300))"
  fi
  {
    echo "$verdict"
    echo "last: $last"
    echo "replay: ${FUZZ_ONLY:+FUZZ_ONLY='$FUZZ_ONLY' }${FUZZ_SKIP:+FUZZ_SKIP='$FUZZ_SKIP' }ALIEN_TESTLIB=${testlib} LUA_CPATH='build/$tag/?.so' FUZZ_LOG=build/fuzz/$tag/seed-$seed.log $lua Tests/fuzz/fuzz.lua $seed $runs"
    echo "shrink: ${FUZZ_ONLY:+FUZZ_ONLY='$FUZZ_ONLY' }${FUZZ_SKIP:+FUZZ_SKIP='$FUZZ_SKIP' }lua5.4 Tests/fuzz/minimize.lua $tag $seed $runs"
  } >"$dir/seed-$seed.result"
}

passed=0
failed=0
for tag in "${tags[@]}"; do
  dir="$work/$tag"
  mkdir -p "$dir"
  if [ ! -f "build/$tag/alien.so" ] || ! cp "build/$tag/alien.so" "$dir/alien.so"; then
    echo "== $tag: FAIL: build/$tag/alien.so is missing"
    failed=$((failed + $(echo $seeds | wc -w)))
    continue
  fi
  running=0
  for seed in $seeds; do
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
    run_one "$tag" "$seed" "$dir" &
    running=$((running + 1))
  done
  wait
  echo "== $tag ($(lua_for_tag "$tag")), $runs iterations per seed"
  for seed in $seeds; do
    result="$dir/seed-$seed.result"
    verdict=$(head -1 "$result" 2>/dev/null)
    case "$verdict" in
      PASS*)
        passed=$((passed + 1))
        echo "  seed $seed: ok (${verdict#PASS fuzz: seed $seed, })"
        ;;
      *)
        failed=$((failed + 1))
        echo "  seed $seed: ${verdict:-FAIL (no result)}"
        sed -n '2,4p' "$result" 2>/dev/null | sed 's/^/    /'
        mkdir -p "build/fuzz/$tag"
        cp "$dir/seed-$seed.log" "$dir/seed-$seed.err" "build/fuzz/$tag/" 2>/dev/null
        ;;
    esac
  done
done
echo "Fuzzer, $(echo $seeds | wc -w) seeds x ${#tags[@]} builds:"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
