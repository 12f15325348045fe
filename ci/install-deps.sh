#!/usr/bin/env bash
# Installs the Debian packages alien builds and tests with, when missing.
# Extra packages can be named as arguments (e.g. luarocks valgrind).
# zlib1g-dev and libsqlite3-dev: <zlib.h> and <sqlite3.h>, which the section 14
# tests (Tests/lua/test_14_cdef_headers.lua) preprocess and read with alien.cdef.
# lua-check: luacheck, which make test runs over the Lua code (ci/luacheck.sh).
set -euo pipefail

packages=(
  liblua5.1-0-dev liblua5.2-dev liblua5.3-dev liblua5.4-dev libluajit-5.1-dev
  lua5.1 lua5.2 lua5.3 lua5.4 luajit
  libffi-dev pkg-config gcc make
  zlib1g libsqlite3-0
  zlib1g-dev libsqlite3-dev
  lua-check
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "alien: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1 && [ ! -x /opt/swift/usr/bin/swift ]; then
  echo "alien: no Swift toolchain found; install Swift 6 (https://www.swift.org/install/) and put swift on PATH" >&2
  exit 1
fi
