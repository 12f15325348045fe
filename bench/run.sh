#!/usr/bin/env bash
# make bench: times alien beside the hand-written floors and LuaJIT's FFI on
# every built Lua and prints one table (ns per operation, best of several
# runs, empty-loop cost subtracted; ratios are alien over the floor in the
# same run on the same Lua).
#   bench/run.sh [--callgrind] [TAG...]
# --callgrind counts instructions per operation instead (valgrind; stable on
# a noisy machine), less those of an empty loop of the same length.
# BENCH_ONLY, an extended regular expression, keeps only the operations whose
# names match it (e.g. BENCH_ONLY='^struct (un)?pack$'), and leaves out the
# require and cdef timings.
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh

mode=time
tags=()
for a in "$@"; do
  if [ "$a" = "--callgrind" ]; then mode=callgrind; else tags+=("$a"); fi
done
[ ${#tags[@]} -gt 0 ] || tags=(lua5.1 lua5.2 lua5.3 lua5.4 luajit)

incdir() { case "$1" in luajit) echo /usr/include/luajit-2.1 ;; *) echo "/usr/include/$1" ;; esac; }

mkdir -p bench/build
cc -O2 -Wall -Wextra -shared -fPIC -o bench/build/libbench.so bench/benchlib.c
export BENCH_LIB="$PWD/bench/build/libbench.so"

N=${BENCH_N:-1000000}
[ "$mode" = callgrind ] && N=${BENCH_N:-20000}

# instructions of a run of OP with N iterations: the least of BENCH_REPEAT
# runs, since start-up (hash seeds, the loader) varies by some 10^5
# instructions from run to run while the loop itself does not
REPEAT=${BENCH_REPEAT:-3}
instructions() { # lua impl op
  local out best=""
  for _ in $(seq "$REPEAT"); do
    out=$(BENCH_ONCE=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" bench/bench.lua "$2" "$N" "$3" 2>&1 \
          | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    out=${out:-0}
    if [ -z "$best" ] || [ "$out" -lt "$best" ]; then best=$out; fi
  done
  echo "$best"
}

only=${BENCH_ONLY:-}
keep() { # "op<TAB>..." lines whose op matches BENCH_ONLY
  if [ -n "$only" ]; then awk -F'\t' -v re="$only" '$1 ~ re'; else cat; fi
}

measure() { # lua impl -> "op<TAB>value" lines
  local lua=$1 impl=$2
  if [ "$mode" = time ]; then
    "$lua" bench/bench.lua "$impl" "$N" | keep
  else
    local base ops op
    ops=$("$lua" bench/bench.lua "$impl" 1 | keep | cut -f1)
    [ -n "$ops" ] || return 0
    base=$(instructions "$lua" "$impl" empty)
    while IFS= read -r op; do
      local total
      total=$(instructions "$lua" "$impl" "$op")
      awk -v o="$op" -v t="$total" -v b="$base" -v n="$N" 'BEGIN { printf "%s\t%.0f\n", o, (t - b) / n }'
    done <<< "$ops"
  fi
}

unit="ns/op"; [ "$mode" = callgrind ] && unit="instr/op"
results=$(mktemp)
for tag in "${tags[@]}"; do
  lua=$(lua_for_tag "$tag")
  [ -f "build/$tag/alien.so" ] || { echo "bench: build/$tag/alien.so missing (run make first)" >&2; exit 1; }
  mkdir -p "bench/build/$tag"
  cc -O2 -Wall -Wextra -shared -fPIC -I"$(incdir "$tag")" -o "bench/build/$tag/floor.so" bench/floor.c bench/build/libbench.so \
     -Wl,-rpath,"$PWD/bench/build"
  export LUA_CPATH="build/$tag/?.so" BENCH_FLOOR="bench/build/$tag/floor.so"
  for impl in alien plain call; do
    measure "$lua" "$impl" | sed "s/^/$tag\t$impl\t/" >> "$results"
  done
  if [ "$tag" = luajit ]; then
    measure luajit ffi | sed "s/^/$tag\tffi\t/" >> "$results"
    if [ "$mode" = time ]; then
      luajit -joff bench/bench.lua ffi "$N" | sed "s/^/$tag\tffi-joff\t/" >> "$results"
    fi
  fi
  if [ "$mode" = time ] && [ -z "$only" ]; then   # require "alien": 20 fresh processes with it, 20 without
    t0=$(date +%s%N); for _ in $(seq 20); do "$lua" -e '' ; done; t1=$(date +%s%N)
    for _ in $(seq 20); do "$lua" -e 'require "alien"'; done; t2=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v t="$tag" 'BEGIN { printf "%s\talien\trequire (ms)\t%.2f\n", t, ((c - b) - (b - a)) / 20 / 1e6 }' >> "$results"
    # alien.cdef of the preprocessed <sqlite3.h> in a fresh state: the least of 10 runs
    if [ -f /usr/include/sqlite3.h ]; then
      header=bench/build/sqlite3.i
      [ -f "$header" ] || echo '#include <sqlite3.h>' | cc -E -P -x c - > "$header"
      for _ in $(seq 10); do
        "$lua" -e 'local alien = require "alien"; local f = assert(io.open("'"$header"'")); local s = f:read("*a"); f:close()
                   local t = os.clock(); alien.cdef(s); print((os.clock() - t) * 1000)'
      done | sort -g | head -1 | awk -v t="$tag" '{ printf "%s\talien\tcdef sqlite3.h (ms)\t%.2f\n", t, $1 }' >> "$results"
    fi
  fi
done

awk -F'\t' -v unit="$unit" '
  { key = $1 SUBSEP $3; v[$1, $2, $3] = $4; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  function show(x) { return x == "" ? "-" : x }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2fx", a / b) }
  END {
    printf "%-7s %-14s %9s %9s %9s %9s %9s %9s %9s\n", "lua", "operation (" unit ")", "alien", "plain", "call", "/call", "/plain", "ffi", "ffi-joff"
    for (i = 1; i <= n; i++) {
      split(order[i], k, SUBSEP); t = k[1]; o = k[2]
      a = v[t, "alien", o]; p = v[t, "plain", o]; c = v[t, "call", o]
      if (o == "add1 bound") { p = v[t, "plain", "add1"]; c = v[t, "call", "add1"] }          # f:bind() of the same
      if (o == "buffer bound") { p = v[t, "plain", "buffer arg"]; c = v[t, "call", "buffer arg"] }
      printf "%-7s %-14s %9s %9s %9s %9s %9s %9s %9s\n", t, o, show(a), show(p), show(c), ratio(a, c), ratio(a, p),
             show(v[t, "ffi", o]), show(v[t, "ffi-joff", o])
    }
  }' "$results"
rm -f "$results"
