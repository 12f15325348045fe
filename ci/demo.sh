#!/usr/bin/env bash
# Runs demo/demo.lua under each built Lua: ci/demo.sh TAG...
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lua-for-tag.sh
for tag in "$@"; do
  echo "== $tag"
  LUA_CPATH="build/$tag/?.so" "$(lua_for_tag "$tag")" demo/demo.lua
done
