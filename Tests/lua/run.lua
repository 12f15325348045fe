-- The Lua suite's runner: lua run.lua test_a.lua test_b.lua ...
-- Each file calls test(name, fn); a test passes when fn returns without error.
-- A test that does not apply to the running Lua calls skip(reason) first thing:
--   test("64-bit integers are exact", function()
--     if not LUA_INTEGERS then skip("numbers are doubles before 5.3") end
--     ...
-- and is counted as skipped (printed as "SKIP file: name (reason)"), not passed.
-- Environment: ALIEN_TESTLIB is the path of our C test library.
-- The last line printed is "N passed, N failed, N skipped".

local passed, failed, skipped = 0, 0, 0
local current_file
local tests = {}

function test(name, fn)
  tests[#tests + 1] = { file = current_file, name = name, fn = fn }
end

-- The error value skip() raises; the runner tells it from a failure by its metatable.
local Skip = {}
function skip(reason)
  error(setmetatable({ reason = reason }, Skip), 0)
end

-- Asserts that fn(...) raises a Lua error whose message contains every pattern (plain text).
function raises(fn, ...)
  local ok, err = pcall(fn)
  if ok then error("expected an error, got none", 2) end
  err = tostring(err)
  for i = 1, select("#", ...) do
    local want = select(i, ...)
    if not err:find(want, 1, true) then
      error(("error message %q does not contain %q"):format(err, want), 2)
    end
  end
  return err
end

function eq(actual, expected, what)
  if actual ~= expected then
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "",
      tostring(expected), tostring(actual)), 2)
  end
end

function near(actual, expected, tolerance, what)
  if type(actual) ~= "number" or math.abs(actual - expected) > (tolerance or 1e-9) then
    error(("%sexpected about %s, got %s"):format(what and (what .. ": ") or "",
      tostring(expected), tostring(actual)), 2)
  end
end

-- lib[name], typed as (ret, arg...).
function typed_function(lib, name, ret, ...)
  local f = lib[name]
  f:types(ret, ...)
  return f
end

-- Lua version facts tests branch on.
LUA_INTEGERS = math.type ~= nil          -- 5.3 and 5.4: exact 64-bit integers
IS_51 = _VERSION == "Lua 5.1"            -- 5.1 and LuaJIT
TESTLIB = os.getenv("ALIEN_TESTLIB") or "build/testlib/libalientest.so"

-- Resident set size in KiB (Linux), for tests that memory stays flat.
function rss_kib()
  local f = io.open("/proc/self/status")
  if not f then return 0 end
  local text = f:read("*a")
  f:close()
  return tonumber(text:match("VmRSS:%s*(%d+)")) or 0
end

-- Asserts that running make(i) for i = 1..100000 leaks nothing: one round first,
-- so the allocator holds its high-water mark; a second round that leaked would
-- then grow by megabytes. Collecting every 1000 keeps the GC's pacing (which
-- cannot see memory allocated in C) out of the picture.
function memory_stays_flat(make)
  local function round()
    for i = 1, 100000 do
      if i % 1000 == 0 then collectgarbage() end
      make(i)
    end
    collectgarbage(); collectgarbage()
  end
  round()
  local before = rss_kib()
  round()
  local grown = rss_kib() - before
  assert(grown < 8 * 1024, ("memory grew by %d KiB"):format(grown))
end

-- Shared by test files that shell out or write files.
function shell(command)
  local r = os.execute(command)
  return r == true or r == 0
end

function write_file(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- A file's contents, or nil when it cannot be opened.
function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("*a")
  f:close()
  return text
end

-- The interpreter running this suite (the lowest index of arg), for tests
-- that start a child; nil when unknown. HAVE_TIMEOUT: whether timeout(1) is there.
do
  local i = 0
  while arg and arg[i - 1] do i = i - 1 end
  if i < 0 then LUA_INTERPRETER = arg[i] end
end
HAVE_TIMEOUT = shell("command -v timeout >/dev/null 2>&1")

-- A file whose types are defined at its top under pcall: a test() that fails
-- at once with the definition error when they could not be made, instead of
-- the whole file failing to load.
function guarded_test(defined, define_error)
  return function(name, fn)
    test(name, function()
      if not defined then error("the type definitions failed: " .. tostring(define_error), 0) end
      return fn()
    end)
  end
end

local dir = arg[0]:match("^(.*)/[^/]*$") or "."
for i = 1, #arg do
  current_file = arg[i]
  local chunk, err = loadfile(arg[i])
  if not chunk then chunk = loadfile(dir .. "/" .. arg[i]) end
  if not chunk then
    print("FAIL " .. arg[i] .. ": cannot load: " .. tostring(err))
    failed = failed + 1
  else
    local ok, lerr = pcall(chunk)
    if not ok then
      print("FAIL " .. arg[i] .. ": error at top level: " .. tostring(lerr))
      failed = failed + 1
    end
  end
end

local function traceback(err)
  if getmetatable(err) == Skip then return err end
  return debug.traceback(err, 2)
end

for _, t in ipairs(tests) do
  local ok, err = xpcall(t.fn, traceback)
  if ok then
    passed = passed + 1
  elseif getmetatable(err) == Skip then
    skipped = skipped + 1
    print(("SKIP %s: %s (%s)"):format(t.file, t.name, tostring(err.reason)))
  else
    failed = failed + 1
    print(("FAIL %s: %s\n  %s"):format(t.file, t.name, tostring(err):gsub("\n", "\n  ")))
  end
end

print(("%d passed, %d failed, %d skipped"):format(passed, failed, skipped))
os.exit(failed == 0 and 0 or 1)
