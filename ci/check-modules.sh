#!/usr/bin/env bash
# Checks each built alien.so against what the README promises:
#  - it exports only luaopen_alien and luaopen_alien_struct;
#  - it is position-independent (no text relocations) and never unloaded (NODELETE);
#  - a release module (Embedded Swift) is at most MAX_KIB KiB stripped and its
#    NEEDED entries (readelf -d) are exactly libffi, libm, libc and the dynamic
#    loader, each once: no Swift, C++ or libgcc_s library, and a dependency
#    dropped or added is a change the README must follow. The debug build (full
#    Swift, for its checks) is held to the first two only.
set -uo pipefail
cd "$(dirname "$0")/.."
MAX_KIB=${MAX_KIB:-512}
# The run-time dependencies the README states, one pattern each: every release
# alien.so needs each of them exactly once and nothing else.
required=('libffi\.so\.[0-9]+' 'libm\.so\.6' 'libc\.so\.6' 'ld-linux[-.a-z0-9_]*\.so\.[0-9]+')
status=0
fail() { echo "FAIL: $*"; status=1; }
for so in build/*/alien.so; do
  exports=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort | tr '\n' ' ')
  [ "$exports" = "luaopen_alien luaopen_alien_struct " ] || fail "$so exports: $exports"
  dynamic=$(readelf -d "$so")
  echo "$dynamic" | grep -q TEXTREL && fail "$so has text relocations (not position-independent)"
  echo "$dynamic" | grep -q 'FLAGS_1.*NODELETE' || fail "$so is not marked NODELETE"
  case "$so" in *-debug/*) continue ;; esac
  kib=$(( ($(stat -c %s "$so") + 1023) / 1024 ))
  [ "$kib" -le "$MAX_KIB" ] || fail "$so is $kib KiB, over the $MAX_KIB KiB ceiling"
  needed=$(echo "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  list=$(echo $needed)
  exact=1
  for pattern in "${required[@]}"; do
    [ "$(grep -cE "^$pattern\$" <<<"$needed")" -eq 1 ] || exact=0
  done
  [ "$(grep -c . <<<"$needed")" -eq ${#required[@]} ] || exact=0
  [ "$exact" -eq 1 ] || fail "$so needs: ${list:-nothing} (expected exactly libffi.so.N libm.so.6 libc.so.6 ld-linux*.so.N)"
  echo "  $so: $kib KiB, needs $list"
done
[ "$status" -eq 0 ] && echo "modules: each alien.so exports only luaopen_alien*, is PIC and NODELETE; release modules are at most $MAX_KIB KiB and need exactly libffi, libm, libc and the dynamic loader"
exit "$status"
