#!/usr/bin/env bash
# The Lua half of `make test`: the suite under every Lua (ci/matrix.sh) and
# several Lua states on several threads (ci/threads.sh), both with the
# arguments given. Ends with one line of the totals of both,
# "N passed, N failed, N skipped", and fails when either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
counts() { grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1; }
field() { echo "$1" | sed -n "s/.*\b\([0-9]\+\) $2.*/\1/p"; }
suite=$(mktemp); threads=$(mktemp)
trap 'rm -f "$suite" "$threads"' EXIT
bash ci/matrix.sh "$@" | tee "$suite"; suite_status=${PIPESTATUS[0]}
bash ci/threads.sh "$@" | tee "$threads"; threads_status=${PIPESTATUS[0]}
a=$(counts "$suite"); b=$(counts "$threads")
passed=$(( $(field "$a" passed) + $(field "$b" passed) ))
failed=$(( $(field "$a" failed) + $(field "$b" failed) ))
skipped=$(( ${a:+$(field "$a" skipped)} + 0 ))
# a run that stopped before its totals line counts as a failure
[ -n "$a" ] && [ -n "$b" ] || failed=$((failed + 1))
[ "$suite_status" -eq 0 ] && [ "$threads_status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "Lua suite and threads test, all versions:"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
