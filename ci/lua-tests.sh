#!/usr/bin/env bash
# The Lua half of `make test`, each part with its own closing line, then one
# line of the totals of all: ci/lua-tests.sh [--debug] TAG...
#   luacheck over the Lua code (ci/luacheck.sh), the C code under
#   gcc -Wall -Wextra (ci/cwarnings.sh), the suite under every Lua
#   (ci/matrix.sh, README examples included), the 5.1 and LuaJIT modules
#   each under the other interpreter (ci/matrix.sh lua5.1@luajit ...),
#   the programs in examples/ under every Lua (ci/examples.sh),
#   several Lua states on several threads (ci/threads.sh), the adversarial
#   misuse suite (ci/adversarial.sh),
#   the fuzzer's fixed seeds (ci/fuzz.sh --quick), and the suite under
#   valgrind memcheck on Lua 5.4 (ci/check-memory.sh).
# The last line is "N passed, N failed, N skipped"; the exit status is
# non-zero when any part failed or stopped before its closing line.
set -uo pipefail
cd "$(dirname "$0")/.."
debug=""; tags=()
for a in "$@"; do
  if [ "$a" = "--debug" ]; then debug="--debug"; else tags+=("$a"); fi
done
with_debug=("${tags[@]}"); [ -n "$debug" ] && with_debug+=(lua5.4-debug)
# Lua 5.1 and LuaJIT share lib/lua/5.1: each one's alien.so under the other.
crossload=""
[[ " ${tags[*]} " == *" lua5.1 "* && " ${tags[*]} " == *" luajit "* ]] && crossload="lua5.1@luajit luajit@lua5.1"

parts=(
  "bash ci/luacheck.sh"
  "bash ci/cwarnings.sh"
  "bash ci/matrix.sh $debug ${tags[*]}"
  "bash ci/matrix.sh $crossload"
  "bash ci/examples.sh ${tags[*]}"
  "bash ci/threads.sh $debug ${tags[*]}"
  "bash ci/adversarial.sh ${with_debug[*]}"
  "bash ci/fuzz.sh --quick ${with_debug[*]}"
  "bash ci/check-memory.sh"
)
passed=0; failed=0; skipped=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for part in "${parts[@]}"; do
  script=${part#bash }; script=${script%% *}
  [ -f "$script" ] || continue
  [ "$part" != "bash ci/matrix.sh " ] || continue          # no cross-load pair built
  echo "== $part"
  $part | tee "$log"; status=${PIPESTATUS[0]}
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "FAIL: '$part' stopped before its closing line (exit $status)"
    failed=$((failed + 1)); continue
  fi
  p=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p')
  s=$(echo "$line" | sed -n 's/.*\b\([0-9]\+\) skipped.*/\1/p')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  [ "$status" -eq 0 ] || [ "$f" -gt 0 ] || failed=$((failed + 1))
done
echo "Lint, Lua suite, examples, threads, adversarial, fuzzer and memcheck, all versions:"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
