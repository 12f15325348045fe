-- The adversarial suite's runner: runs ONE case in this interpreter, so that
-- a crash or a hang takes down only that case (ci/adversarial.sh starts one
-- process per case, with a timeout, and classifies what happened).
--
--   lua run_case.lua --list     every case name, one a line, in file order
--   lua run_case.lua NAME       runs case NAME
--
-- Needs LUA_CPATH to reach the alien.so under test and ALIEN_TESTLIB to name
-- the C test library (build/testlib/libalientest.so).
--
-- The case files (CASE_FILES below) define cases with these four forms; the
-- name's first part is the category ("wrong-self/buffer.get/long-string40"),
-- which CASE_FILES maps to its file:
--
--   C.error(name, setup [, msg])  setup() returns f, args...; f(args...) must
--                                 raise a Lua error (whose message contains
--                                 msg, plain text, when given). An error in
--                                 setup itself is BROKEN (a bug of the case),
--                                 so the error counted is the one f raised.
--   C.ok(name, body)              body() must return true; false, why (or any
--                                 other value) is WRONG, an error is ERROR.
--   C.any(name, setup [, check])  setup() returns f, args...; f(args...) may
--                                 raise or return, but must not crash or
--                                 hang; when it returns, check(results...)
--                                 (if given) must return true, else WRONG.
--   C.exits(name, body)           body() ends the process itself (os.exit);
--                                 exit status 0 is a pass.
--
-- Whatever the case, the runner then collects garbage twice, checks that
-- alien still works (a buffer, and a callback called from Lua), prints the
-- outcome, and returns normally, so that the Lua state is closed (every __gc
-- runs) before the process exits. What it prints, on stdout:
--
--   PHASE setup|act|gc|close     where it is (a crash is reported with the last one)
--   CASE <class> <detail>        the case's outcome, before the collection
--   RESULT <class> <detail>      the final outcome, after it
--   LATE-WRONG <detail>          printed by a case's code that must never run
--                                (e.g. a Lua callback called after its state closed)
--
-- Classes: PASS, SKIP, SUCCEEDED (an error was expected, none came), ERROR
-- (an error came where none was expected), WRONG (a check failed or the
-- message lacks the expected text), BROKEN (the case's own setup failed).

-- The case files, each with the categories (first parts of case names) it
-- defines: running one case loads only its file.
local CASE_FILES = {
  { "wrong_self", "wrong-self", "wrong-object", "fake-struct" },
  { "bounds", "bounds" },
  { "lifetimes", "lifetime" },
  { "numbers", "numbers" },
  { "names", "names" },
  { "recursion", "recursion" },
  { "misc", "threads", "callbacks", "signatures", "arguments", "ref-types", "counts", "close",
    "debug-tamper", "caches", "gc-pressure" },
}

local dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local F = require "fixtures"
local unpack = F.unpack
local pack = F.pack

local cases, byname = {}, {}
local loading             -- the entry of CASE_FILES being loaded
local function define(kind)
  return function(name, body, extra)
    assert(type(name) == "string" and not name:find("%s"), "bad case name " .. tostring(name))
    local category = name:match("^([^/]+)/")
    local known = false
    for i = 2, #loading do known = known or loading[i] == category end
    assert(known, "case " .. name .. ": its category is not listed for " .. loading[1] .. ".lua in run_case.lua")
    assert(not byname[name], "two cases named " .. name)
    assert(type(body) == "function", "case " .. name .. " has no function")
    local c = { name = name, kind = kind, body = body, extra = extra }
    cases[#cases + 1] = c
    byname[name] = c
  end
end
local C = { error = define("error"), ok = define("ok"), any = define("any"), exits = define("exits") }

local wanted = arg[1] ~= "--list" and (arg[1] or ""):match("^([^/]+)/")
for _, file in ipairs(CASE_FILES) do
  local load_it = not wanted
  for i = 2, #file do load_it = load_it or file[i] == wanted end
  if load_it then
    loading = file
    local chunk = assert(loadfile(dir .. "/" .. file[1] .. ".lua"))
    chunk(C, F)
  end
end

if arg[1] == "--list" then
  for _, c in ipairs(cases) do print(c.name) end
  return
end

local c = byname[arg[1] or ""]
if not c then
  io.stderr:write("run_case.lua: no case named ", tostring(arg[1]), "\n")
  os.exit(2)
end

local function say(...)
  io.stdout:write(...)
  io.stdout:write("\n")
  io.stdout:flush()
end

local function oneline(v)
  local s = tostring(v):gsub("[%c]+", " "):gsub("[\128-\255]", "?")
  if #s > 240 then s = s:sub(1, 240) .. "..." end
  return s
end

local function describe(r)
  local parts = {}
  for i = 2, math.min(r.n, 4) do
    local v = r[i]
    parts[#parts + 1] = type(v) == "string" and ("%q"):format(v:sub(1, 40)) or tostring(v)
  end
  return #parts == 0 and "nothing" or table.concat(parts, ", ")
end

local function isskip(err) return type(err) == "table" and getmetatable(err) == F.SKIP end

-- Runs the case; returns its class and a detail.
local function run()
  say("PHASE setup")
  if c.kind == "exits" then
    say("CASE EXPECT-EXIT")
    say("PHASE act")
    c.body()
    return "WRONG", "the case returned instead of ending the process"
  end
  if c.kind == "ok" then
    say("PHASE act")
    local r = pack(pcall(c.body))
    if not r[1] then
      if isskip(r[2]) then return "SKIP", r[2].reason end
      return "ERROR", r[2]
    end
    if r[2] ~= true then return "WRONG", r[3] or ("the check gave " .. tostring(r[2])) end
    return "PASS", ""
  end
  -- error and any: setup, then the one call under test
  local s = pack(pcall(c.body))
  if not s[1] then
    if isskip(s[2]) then return "SKIP", s[2].reason end
    return "BROKEN", "setup failed: " .. tostring(s[2])
  end
  local f = s[2]
  local callable = type(f) == "function" or (getmetatable(f) or {}).__call ~= nil
  if not callable then return "BROKEN", "setup returned " .. type(f) .. ", not a function" end
  say("PHASE act")
  local r = pack(pcall(f, unpack(s, 3, s.n)))
  if c.kind == "error" then
    if r[1] then return "SUCCEEDED", "no error; returned " .. describe(r) end
    local msg = tostring(r[2])
    if c.extra and not msg:find(c.extra, 1, true) then
      return "WRONG", ("the message lacks %q: %s"):format(c.extra, msg)
    end
    return "PASS", msg
  end
  -- any
  if r[1] and c.extra then
    local ok, good, why = pcall(c.extra, unpack(r, 2, r.n))
    if not ok then return "WRONG", "the check raised: " .. tostring(good) end
    if good ~= true then return "WRONG", why or ("returned " .. describe(r)) end
  end
  return "PASS", r[1] and "returned" or tostring(r[2])
end

local class, detail = run()
say("CASE ", class, " ", oneline(detail))

-- Whatever the case left behind is collected now, and alien must still work.
say("PHASE gc")
collectgarbage("collect")
collectgarbage("collect")
local ok, err = pcall(function()
  local alien = F.alien
  assert(alien.buffer("sanity"):strlen() == 6, "a buffer's strlen is wrong")
  local cb = alien.callback(function(a) return a + 1 end, "int", "int")
  assert(cb(41) == 42, "a callback called from Lua gave a wrong value")
end)
if not ok and (class == "PASS" or class == "SKIP") then
  class, detail = "WRONG", "after the case alien no longer works: " .. tostring(err)
end
say("RESULT ", class, " ", oneline(detail))
say("PHASE close")
-- Returning closes the state (lua.c calls lua_close): every __gc runs, and
-- exit handlers registered by the case run after that.
