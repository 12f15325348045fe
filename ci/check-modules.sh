#!/usr/bin/env bash
# Checks each built alien.so: it exports only luaopen_alien and
# luaopen_alien_struct, and needs no Swift library at run time.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for so in build/*/alien.so; do
  exports=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort | tr '\n' ' ')
  if [ "$exports" != "luaopen_alien luaopen_alien_struct " ]; then
    echo "FAIL: $so exports: $exports"; status=1
  fi
  if ldd "$so" | grep -qi swift; then
    echo "FAIL: $so depends on a Swift library:"; ldd "$so" | grep -i swift; status=1
  fi
done
[ "$status" -eq 0 ] && echo "modules: each alien.so exports only luaopen_alien*, and needs no Swift library"
exit "$status"
