#!/usr/bin/env bash
# The adversarial suite (Tests/adversarial, issue 14): every case in its own
# interpreter process with a timeout, so a crash or a hang costs one case.
#
#   bash ci/adversarial.sh [TAG...]
#
# TAGs are build tags (lua5.1 lua5.2 lua5.3 lua5.4 luajit lua5.4-debug);
# by default every one that is built. Each case is classified:
#   PASS       as expected (the error it must raise, or the check it must pass)
#   CRASH      killed by a signal (named), in the case or after it (GC, lua_close, exit handlers)
#   HANG       still running after ADV_TIMEOUT seconds
#   SUCCEEDED  an error was expected, the call returned
#   ERROR      no error was expected, one came
#   WRONG      a check failed (a value read back, an error message)
#   DIED       ended with an exit status and no outcome (a Lua panic ...)
#   BROKEN     the case's own setup failed (a bug in the suite)
#   SKIP       does not apply to this Lua
# Prints one line per case that is not PASS or SKIP ("CRASH lua5.4 NAME: SIGSEGV ..."),
# a count per tag, and last "N passed, N failed" alone; fails when any case
# failed. The full table of each tag is written to build/adversarial/<tag>.txt.
#
# One case by hand (what the line printed for a failure stands for):
#   LUA_CPATH='build/lua5.4/?.so' ALIEN_TESTLIB=build/testlib/libalientest.so \
#     lua5.4 Tests/adversarial/run_case.lua NAME
#
# Environment: ALIEN_BUILD (the build folder, default build), ADV_TIMEOUT
# (seconds per case, default 10), ADV_JOBS (cases run at once, default twice
# the processors), ADV_FILTER (an extended regular expression: only the case
# names it matches).
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh

BUILD=${ALIEN_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
TIMEOUT=${ADV_TIMEOUT:-10}
export ALIEN_TESTLIB=${ALIEN_TESTLIB:-$BUILD/testlib/libalientest.so}
RUNNER=Tests/adversarial/run_case.lua
ulimit -c 0

# A worker: --worker TAG reads "INDEX NAME" lines and runs those cases one
# after another, printing "INDEX<tab>CLASS<tab>NAME<tab>DETAIL" for each.
# (Builtins only between cases: a fork per case beyond timeout and Lua would
# double the time of the whole run.)
if [ "${1:-}" = "--worker" ]; then
  tag=$2
  lua=$(lua_for_tag "$tag")
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  out=$scratch/out err=$scratch/err
  while read -r index name; do
    start=$SECONDS
    # ADV_WRAP: a command the interpreter runs under (ci/check-memory.sh: valgrind)
    LUA_CPATH="$BUILD/$tag/?.so" timeout -k 2 "$TIMEOUT" ${ADV_WRAP:-} "$lua" "$RUNNER" "$name" </dev/null >"$out" 2>"$err"
    rc=$?
    elapsed=$((SECONDS - start))
    result= caseline= phase= late= why= first=
    while IFS= read -r l; do
      case $l in
        "RESULT "*) result=${l#RESULT } ;;
        "CASE "*) caseline=${l#CASE } ;;
        "PHASE "*) phase=${l#PHASE } ;;
        "LATE-WRONG "*) [ -n "$late" ] || late=${l#LATE-WRONG } ;;
      esac
    done <"$out"
    # the most telling line of stderr: a Swift or Lua diagnostic if there is
    # one, else the first line (a Lua error message comes first)
    shopt -s nocasematch
    while IFS= read -r l; do
      [[ -z "$why" && $l =~ fatal|error|assert|panic|abort|overflow ]] && why=$l
      [[ -z "$first" && $l =~ [^[:space:]] ]] && first=$l
    done <"$err"
    shopt -u nocasematch
    why=${why:-$first}
    why=${why//$'\t'/ }
    why=${why:0:200}
    caseline=${caseline% }
    where="in phase ${phase:-start}${caseline:+, the case having given $caseline}"
    if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ "$elapsed" -ge "$TIMEOUT" ]; }; then
      class=HANG detail="no end after ${TIMEOUT}s ($where)"
    elif [ "$rc" -gt 128 ]; then
      class=CRASH detail="SIG$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128))) ($where)${why:+: $why}"
    elif [ -n "$late" ]; then
      class=WRONG detail=$late
    elif [ -n "$result" ]; then
      class=${result%% *} detail=${result#* }
      [ "$class" = "$result" ] && detail=
      if [ "$rc" -ne 0 ] && { [ "$class" = PASS ] || [ "$class" = SKIP ]; }; then
        class=DIED detail="exit status $rc after the case passed${why:+: $why}"
      fi
    elif [ "$caseline" = "EXPECT-EXIT" ] && [ "$rc" -eq 0 ]; then
      class=PASS detail="the process ended with status 0"
    else
      class=DIED detail="exit status $rc $where${why:+: $why}"
    fi
    printf '%s\t%s\t%s\t%s\n' "$index" "$class" "$name" "$detail"
  done
  exit 0
fi

tags=("$@")
if [ ${#tags[@]} -eq 0 ]; then
  for t in lua5.1 lua5.2 lua5.3 lua5.4 luajit lua5.4-debug; do
    [ -f "$BUILD/$t/alien.so" ] && tags+=("$t")
  done
fi
[ ${#tags[@]} -gt 0 ] || { echo "adversarial: nothing built in $BUILD/"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$ALIEN_TESTLIB" ] || echo "adversarial: warning: no test library at $ALIEN_TESTLIB (make testlib)"

jobs=${ADV_JOBS:-$(( $(nproc 2>/dev/null || echo 1) * 2 ))}
mkdir -p "$BUILD/adversarial"
total_passed=0 total_failed=0
for tag in "${tags[@]}"; do
  lua=$(lua_for_tag "$tag")
  if [ ! -f "$BUILD/$tag/alien.so" ]; then
    echo "FAIL $tag: $BUILD/$tag/alien.so is missing"
    total_failed=$((total_failed + 1))
    continue
  fi
  names=$(LUA_CPATH="$BUILD/$tag/?.so" "$lua" "$RUNNER" --list 2>&1)
  if [ $? -ne 0 ]; then
    echo "FAIL $tag: the case list cannot be read: $names"
    total_failed=$((total_failed + 1))
    continue
  fi
  [ -n "${ADV_FILTER:-}" ] && names=$(grep -E -- "$ADV_FILTER" <<<"$names")
  # ADV_SAMPLE=N: every Nth case only (for slow wrappers such as valgrind)
  [ -n "${ADV_SAMPLE:-}" ] && names=$(awk -v n="$ADV_SAMPLE" '(NR - 1) % n == 0' <<<"$names")
  table="$BUILD/adversarial/$tag.txt"
  # the cases dealt round-robin to $jobs workers
  rows=$(mktemp -d)
  for ((k = 0; k < jobs; k++)); do
    [ -n "$names" ] && awk -v j="$jobs" -v k="$k" 'NR % j == k { print NR, $0 }' <<<"$names" \
      | bash "$0" --worker "$tag" >"$rows/$k" 2>/dev/null &   # (bash's own "Segmentation fault" notes)
  done
  wait
  cat "$rows"/* | sort -n | cut -f2- >"$table"
  rm -rf "$rows"
  awk -F'\t' -v tag="$tag" '$1 != "PASS" && $1 != "SKIP" { print $1, tag, $2 ": " $3 }' "$table"
  passed=$(awk -F'\t' '$1 == "PASS"' "$table" | wc -l)
  skipped=$(awk -F'\t' '$1 == "SKIP"' "$table" | wc -l)
  expected=$(grep -c . <<<"$names")
  failed=$((expected - passed - skipped))   # a case with no row counts as failed
  echo "== $tag: $passed passed, $failed failed, $skipped skipped ($table)"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
