#!/usr/bin/env bash
# luacheck (Debian's lua-check) over alien's Lua code, with the settings of
# .luacheckrc: the Lua suite (Tests/lua), the adversarial suite, the fuzzer,
# the threads script, demo/, examples/ (when there), bench/ and
# bin/alien-constants. ci/luacheck.sh [FILE...] checks just those files.
# Prints every warning as "file:line:col: message"; the last line is
# "luacheck: N passed, N failed" (files without / with warnings); the exit
# status is non-zero when any file has a warning or luacheck cannot run.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v luacheck >/dev/null 2>&1; then
  echo "FAIL: luacheck is not installed (bash ci/install-deps.sh installs lua-check)"
  echo "luacheck: 0 passed, 1 failed"
  exit 1
fi

if [ $# -gt 0 ]; then
  files=("$@")
else
  dirs=()
  for d in Tests/lua Tests/adversarial Tests/fuzz Tests/threads demo examples bench; do
    [ -d "$d" ] && dirs+=("$d")
  done
  mapfile -t files < <(find "${dirs[@]}" -name '*.lua' -type f | LC_ALL=C sort)
  files+=(bin/alien-constants)
fi

out=$(luacheck --formatter plain --codes "${files[@]}" 2>&1)
status=$?
[ -n "$out" ] && echo "$out"
# The files with a warning or an error: the part of each line before ":line:col:".
bad=$(echo "$out" | sed -n 's/^\(.*\):[0-9]\+:[0-9]\+: .*/\1/p' | LC_ALL=C sort -u | grep -c . || true)
failed=$bad
# 0: no warnings, 1: warnings, 2: syntax errors; more is luacheck failing (a
# bad .luacheckrc, a file it cannot read): one failure more.
if [ "$status" -gt 2 ] || { [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
  echo "FAIL: luacheck stopped (exit $status)"
  failed=$((failed + 1))
fi
passed=$((${#files[@]} - bad))
echo "luacheck: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
