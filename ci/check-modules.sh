#!/usr/bin/env bash
# Checks each built alien.so against what the README promises:
#  - it exports only luaopen_alien and luaopen_alien_struct;
#  - it is position-independent (no text relocations) and never unloaded (NODELETE);
#  - a release module (Embedded Swift) is at most MAX_KIB KiB stripped and needs
#    nothing at run time but libc (with its loader), libm and libffi: no Swift,
#    C++ or libgcc_s library. The debug build (full Swift, for its checks) is
#    held to the first two only.
set -uo pipefail
cd "$(dirname "$0")/.."
MAX_KIB=${MAX_KIB:-512}
allowed='^(libc\.so\.6|libm\.so\.6|libffi\.so\.[0-9]+|ld-linux[-.a-z0-9_]*\.so\.[0-9]+)$'
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
  for needed in $(echo "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [[ "$needed" =~ $allowed ]] || fail "$so needs $needed"
  done
  echo "  $so: $kib KiB, needs $(echo "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
done
[ "$status" -eq 0 ] && echo "modules: each alien.so exports only luaopen_alien*, is PIC and NODELETE; release modules are at most $MAX_KIB KiB and need only libc, libm and libffi"
exit "$status"
