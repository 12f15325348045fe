-- luacheck settings (Debian's lua-check): ci/luacheck.sh runs it over the Lua
-- suite, the adversarial suite, the fuzzer, the threads script, demo/,
-- examples/, bench/ and bin/alien-constants.

-- The same files run on 5.1, 5.2, 5.3, 5.4 and LuaJIT: the union of their
-- standard globals. What one Lua lacks (setfenv, loadstring, unpack, jit,
-- math.type, table.unpack ...) is only used behind a check of the running Lua.
std = "max"

-- Lines up to 180: tests written one case to a line (test_13_messages.lua,
-- test_05_callbacks*.lua) and C declarations quoted whole (test_14_cdef*.lua)
-- read best unwrapped; longer than that is a line to wrap.
max_line_length = 180

-- Globals Tests/lua/run.lua defines for the test files it runs.
local runner = {
  "test", "skip", "raises", "eq", "near", "typed_function",
  "LUA_INTEGERS", "IS_51", "TESTLIB",
  "rss_kib", "memory_stays_flat", "shell", "write_file", "read_file", "guarded_test", "LUA_INTERPRETER", "HAVE_TIMEOUT",
}

files["Tests/lua/run.lua"] = { globals = runner }
files["Tests/lua/test_*.lua"] = { read_globals = runner }

-- Set by Tests/threads/host.c in each thread's Lua state.
files["Tests/threads/two_states.lua"] = {
  read_globals = { "THREAD", "barrier" },
  -- Suppression: `local t = {}` filled and never read is Lua's own work (and
  -- allocation) done on purpose between a C call and alien.errno(), while
  -- the other threads make alien calls.
  ignore = { "241/t" },
}

-- Globals on purpose: a callback kept reachable until the state is closed
-- (the handlers registered at exit call it after lua_close).
files["Tests/adversarial/lifetimes.lua"] = {
  globals = { "CALLBACK" },
  -- Suppression: `foreign = nil` before collecting drops the only reference,
  -- so that the buffer's __gc runs in the case.
  ignore = { "231/foreign" },
}
-- Globals on purpose: objects reachable from the globals table when the state
-- is closed, whose __gc runs during lua_close (KEEP) or stores into a global (RESURRECTED).
files["Tests/adversarial/misc.lua"] = { globals = { "KEEP", "RESURRECTED" } }

-- Suppression: `local keep = F.churn()` holds the churned strings and buffers
-- on purpose while a case reads memory back (fixtures.lua, F.churn), so that
-- freed memory is handed out again and not freed again under the check.
files["Tests/adversarial"] = { ignore = { "211/keep" } }

-- Suppressions: `lib = nil` and `f = nil` before collectgarbage() drop the
-- last references on purpose (a stack slot keeps its value until it is
-- reused), to test that the library is closed only when nothing uses it.
files["Tests/lua/test_02_libraries.lua"] = { ignore = { "311/lib", "311/f" } }
-- Suppression: `local t = {}` filled and never read is Lua's own work between
-- a C call and alien.errno(), which must not change the errno read.
files["Tests/lua/test_11_errno.lua"] = { ignore = { "241/t" } }
-- Suppression: `local junk = {}` filled and never read allocates on purpose, so
-- that memory freed too early would be handed out again before the check.
files["Tests/lua/test_16_hardening.lua"] = { ignore = { "241/junk" } }
