-- SPEC section 2: libraries
local alien = require "alien"

local function mapped(pattern)
  local f = io.open("/proc/self/maps")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text:find(pattern, 1, true) ~= nil
end

test("load by bare name, file name and path", function()
  local m = alien.load("m")
  eq(tostring(m), "alien library m")
  local m6 = alien.load("libm.so.6")
  eq(tostring(m6), "alien library libm.so.6")
  local t = alien.load(TESTLIB)
  eq(tostring(t), "alien library " .. TESTLIB)
  t.tl_int:types("int", "int")
  eq(t.tl_int(42), 42)
end)

test("a bare name finds libNAME.so.N through the ld.so cache", function()
  -- zlib and sqlite3 ship only versioned files at run time (libz.so.1, libsqlite3.so.0)
  local z = alien.load("z")
  z.zlibVersion:types("string")
  assert(z.zlibVersion():match("^%d+%.%d+"), "zlibVersion")
  local sqlite = alien.load("sqlite3")
  sqlite.sqlite3_libversion:types("string")
  assert(sqlite.sqlite3_libversion():match("^3%."), "sqlite3_libversion")
end)

test("a missing library is an error naming it with dlerror's text", function()
  raises(function() alien.load("no_such_library_xyz") end,
    "no_such_library_xyz", "cannot load library", "libno_such_library_xyz.so")
  raises(function() alien.load("/nonexistent/libfoo.so") end, "/nonexistent/libfoo.so", "No such file")
end)

test("alien.NAME is nil when no library NAME can be loaded, as in the original", function()
  eq(alien.no_such_library_abc, nil)
  eq(alien.no_such_library_abc, nil, "and again")
  eq(tostring(alien.m), "alien library m")
end)

test("load checks its argument", function()
  raises(function() alien.load() end, "bad argument #1 to 'load'")
  raises(function() alien.load({}) end, "bad argument #1 to 'load'")
end)

test("alien.loaded caches libraries by name", function()
  local a = alien.load("m")
  eq(alien.loaded.m, a)
  eq(alien.load("m"), a)
  eq(alien.m, a)
end)

test("alien.NAME is alien.load(NAME) and fields win", function()
  eq(tostring(alien.c), "alien library c")
  eq(type(alien.load), "function")
  eq(type(alien.default), "userdata")
end)

test("alien.default is the running process", function()
  eq(tostring(alien.default), "alien library default")
  local strlen = alien.default.strlen
  strlen:types("size_t", "string")
  eq(strlen("abc"), 3)
end)

test("functions are cached per library", function()
  local lib = alien.load(TESTLIB)
  eq(lib.tl_int, lib.tl_int)
  eq(lib["tl_add"], lib.tl_add)
  assert(lib.tl_add ~= lib.tl_int)
end)

test("tostring of functions", function()
  eq(tostring(alien.default.strlen), "alien function strlen, library default")
  eq(tostring(alien.load("m").cos), "alien function cos, library m")
end)

test("a missing symbol is an error naming symbol and library", function()
  raises(function() return alien.default.no_such_function_xyz end,
    "no_such_function_xyz", "default")
  raises(function() return alien.m.no_such_function_xyz end, "no_such_function_xyz", "'m'")
end)

test("a library nothing references is closed when collected", function()
  -- a copy of the test library under its own name, so nothing else holds it
  local src = io.open(TESTLIB, "rb")
  local copy = os.tmpname() .. "_alien_gc.so"
  local dst = io.open(copy, "wb")
  dst:write(src:read("*a")); src:close(); dst:close()
  do
    local lib = alien.load(copy)
    local f = lib.tl_add
    f:types("int", "int", "int")
    eq(f(2, 3), 5)
    lib = nil
    collectgarbage(); collectgarbage()
    -- the function keeps its library alive
    eq(f(4, 5), 9)
    assert(alien.loaded[copy] ~= nil, "library still loaded while a function references it")
    assert(mapped(copy), "mapped while referenced")
    f = nil
  end
  collectgarbage(); collectgarbage(); collectgarbage()
  eq(alien.loaded[copy], nil, "weak cache entry")
  assert(not mapped(copy), "dlclose unmapped the library")
  os.remove(copy)
end)
