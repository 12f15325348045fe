# Sourced: lua_for_tag TAG prints the interpreter for a build tag.
lua_for_tag() {
  case "$1" in
    luajit) echo luajit ;;
    lua5.4-debug) echo lua5.4 ;;
    *) echo "$1" ;;
  esac
}
