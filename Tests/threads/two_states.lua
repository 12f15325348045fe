-- SPEC section 15: what each thread of Tests/threads/host.c runs, in its own
-- Lua state, at the same time as the others. Every round makes alien calls
-- whose results depend on this thread (THREAD), so that state shared between
-- threads (the frame stack of running calls, the errno slot, the error
-- message, the directcalls switch) shows up as a wrong value, not only as a
-- crash. Failures are counted per check and reported together at the end.
--
-- Environment: ALIEN_TESTLIB (build/testlib/libalientest.so, required),
-- ALIEN_THREAD_ROUNDS (default 3000), ALIEN_THREAD_CHECKS (the names of the
-- checks to run, e.g. "errno directcalls", to tell which one crashes; default all).
local alien = require "alien"

local T = assert(THREAD, "THREAD is not set: run this through Tests/threads/host.c")
local ROUNDS = tonumber(os.getenv("ALIEN_THREAD_ROUNDS")) or 3000
local lib = alien.load(assert(os.getenv("ALIEN_TESTLIB"), "set ALIEN_TESTLIB to libalientest.so"))
local libc = alien.default

local function typed(l, name, ...)
  local f = l[name]
  f:types(...)
  return f
end

local strlen = typed(libc, "strlen", "int", "string")
local abs = typed(libc, "abs", "int", "int")
local close = typed(libc, "close", "int", "int")
local strtol = typed(libc, "strtol", "long", "string", "pointer", "int")
local qsort = typed(libc, "qsort", "void", "pointer", "int", "int", "callback")
local pthread_create = typed(libc, "pthread_create", "int", "pointer", "pointer", "callback", "pointer")
local pthread_join = typed(libc, "pthread_join", "int", "ulong", "pointer")
local fail_with = typed(lib, "tl_fail_with", "int", "int")          -- sets errno, returns -1
local call_n = typed(lib, "tl_call_n", "int", "callback", "int")     -- sum of cb(i), i = 1..n
local call_counting = typed(lib, "tl_call_counting", "int", "callback", "int", "ref int")
-- A function of this thread's own name, for error messages naming it.
local victims = { "tl_int", "tl_long", "tl_short", "tl_ushort", "tl_uint", "tl_ulong" }
local victim_name = victims[(T - 1) % #victims + 1]
local victim = typed(lib, victim_name, "int", "int")

-- Odd threads switch direct calls off; even threads leave them on. The switch
-- is per Lua state, so each must keep seeing its own setting.
local ODD = T % 2 == 1
local DIRECT = not ODD
if ODD then alien.directcalls(false) end

local failures, order = {}, {}
local callbacks = 0

local function expect(cond, fmt, ...)
  if not cond then error(fmt:format(...), 0) end
end

-- Runs one check; an error (a failed expect, or one alien raised unexpectedly)
-- is counted under the check's name with the first message kept.
local function step(name, r, fn)
  local ok, err = pcall(fn, r)
  if not ok then
    local f = failures[name]
    if not f then
      f = { count = 0, first = ("round %d: %s"):format(r, tostring(err)) }
      failures[name] = f
      order[#order + 1] = name
    end
    f.count = f.count + 1
  end
end

local function plain_calls(r)
  local s = ("t" .. T):rep(r % 40 + 1)
  expect(strlen(s) == #s, "strlen gave %s for %d bytes", tostring(strlen(s)), #s)
  local v = T * 100000 + r
  expect(abs(-v) == v, "abs(-%d) gave %s", v, tostring(abs(-v)))
end

local function sorting(r)
  local values, sum = {}, 0
  for i = 1, 16 do
    values[i] = (i * 7919 + r * 31 + T * 101) % 1000
    sum = sum + values[i]
  end
  local nums = alien.array("int", values)
  local calls, wrong_state = 0, 0
  -- A new comparator each round: closures are made and collected on every
  -- thread at once. It must run in this thread's state (THREAD is a global).
  local cmp = alien.callback(function(a, b)
    calls = calls + 1
    if THREAD ~= T then wrong_state = wrong_state + 1 end
    return a - b
  end, "int", "ref int", "ref int")
  qsort(nums.buffer, nums.length, nums.size, cmp)
  callbacks = callbacks + calls
  expect(wrong_state == 0, "%d of %d comparisons ran in another thread's state", wrong_state, calls)
  expect(calls > 0, "the comparator never ran")
  local got = 0
  for i = 1, 16 do
    got = got + nums[i]
    if i > 1 then expect(nums[i - 1] <= nums[i], "not sorted at %d: %d > %d", i, nums[i - 1], nums[i]) end
  end
  expect(got == sum, "the sorted values sum to %d, not %d", got, sum)
end

-- A callback that makes an alien call that calls back: two frames deep.
local inner = alien.callback(function(i) callbacks = callbacks + 1; return i * T end, "int", "int")
local outer = alien.callback(function(i) callbacks = callbacks + 1; return call_n(inner, i) end, "int", "int")
local function nesting()
  local got = call_n(outer, 3)          -- T * (1 + 3 + 6)
  expect(got == 10 * T, "nested callbacks gave %s, not %d", tostring(got), 10 * T)
end

local function errno(r)
  local code = T * 1000 + r % 100 + 1
  expect(fail_with(code) == -1, "tl_fail_with did not return -1")
  -- Lua's own work in between, while the other threads make alien calls.
  local t = {}
  for i = 1, 50 do t[i] = tostring(i * r) end
  local got = alien.errno()
  expect(got == code, "alien.errno() is %s after setting %d", tostring(got), code)
  -- A libc errno of this thread's kind: EBADF (9) on odd threads, ERANGE (34) on even ones.
  if ODD then
    expect(close(-1) == -1, "close(-1) did not fail")
    got = alien.errno()
    expect(got == 9, "alien.errno() is %s after close(-1), not EBADF (9)", tostring(got))
  else
    strtol("99999999999999999999999999", nil, 10)
    got = alien.errno()
    expect(got == 34, "alien.errno() is %s after strtol overflowed, not ERANGE (34)", tostring(got))
  end
end

local function directcalls()
  local got = alien.directcalls()
  expect(got == DIRECT, "alien.directcalls() is %s in this state, which set %s", tostring(got), tostring(DIRECT))
end

-- Odd threads: a callback that fails at its third call, every round; the
-- error comes back from the alien call on this thread and the state goes on.
-- Even threads: the same C function with a callback that does not fail.
local function callback_errors(r)
  local calls = 0
  if ODD then
    local message = ("boom from thread %d round %d"):format(T, r)
    local cb = alien.callback(function(i)
      calls = calls + 1
      if i == 3 then error(message) end
      return i
    end, "int", "int")
    local ok, err = pcall(call_counting, cb, 10, 0)
    callbacks = callbacks + calls
    expect(not ok, "the failing callback raised no error")
    expect(tostring(err):find(message, 1, true), "the error was %q, not %q", tostring(err), message)
    expect(calls == 3, "the callback ran %d times, not 3", calls)
  else
    local cb = alien.callback(function(i) calls = calls + 1; return i * T end, "int", "int")
    local sum, c_calls = call_counting(cb, 10, 0)
    callbacks = callbacks + calls
    expect(sum == 55 * T and c_calls == 10 and calls == 10,
      "tl_call_counting gave %s, %s (Lua saw %d calls)", tostring(sum), tostring(c_calls), calls)
  end
end

-- A misuse error names this thread's function (the message passes through
-- alien's error buffer).
local function error_message()
  local ok, err = pcall(victim, {})
  expect(not ok, "%s({}) raised no error", victim_name)
  err = tostring(err)
  expect(err:find("'" .. victim_name .. "'", 1, true), "the error for %s was %q", victim_name, err)
end

-- Every tenth round: a callback that C calls on a new OS thread, where this
-- state runs no alien call, gets zero and never runs Lua (SPEC section 15),
-- even while this thread is inside an alien call (pthread_join) all along.
local foreign_runs = 0
-- (its result, a void * to C, is typed long: pointer-sized here, and 42 shows it ran)
local foreign = alien.callback(function() foreign_runs = foreign_runs + 1; return 42 end, "long", "pointer")
local function foreign_thread(r)
  if r % 10 ~= 0 then return end
  local id, result = alien.buffer(8), alien.buffer(8)
  result:set(1, 7, "long")
  expect(pthread_create(id, nil, foreign, nil) == 0, "pthread_create failed")
  expect(pthread_join(id:get(1, "ulong"), result) == 0, "pthread_join failed")
  expect(foreign_runs == 0, "the Lua function ran %d times on other threads", foreign_runs)
  expect(result:get(1, "long") == 0, "the thread's start routine returned %s, not 0", tostring(result:get(1, "long")))
end

-- Every thread has made its setting before any starts checking it.
barrier()

local checks = {
  { "calls", "plain calls", plain_calls },
  { "qsort", "qsort callbacks", sorting },
  { "nested", "nested callbacks", nesting },
  { "errno", "errno", errno },
  { "directcalls", "directcalls", directcalls },
  { "cberrors", "callback errors", callback_errors },
  { "messages", "error messages", error_message },
  { "foreign", "callbacks on other threads", foreign_thread },
}
local only = os.getenv("ALIEN_THREAD_CHECKS")
if only and only ~= "" then
  local chosen = {}
  for _, c in ipairs(checks) do
    if (" " .. only .. " "):find(" " .. c[1] .. " ", 1, true) then chosen[#chosen + 1] = c end
  end
  assert(#chosen > 0, "ALIEN_THREAD_CHECKS names none of: calls qsort nested errno directcalls cberrors messages foreign")
  checks = chosen
end

for r = 1, ROUNDS do
  for _, c in ipairs(checks) do step(c[2], r, c[3]) end
  if r % 100 == 0 then collectgarbage("step") end
end

if #order > 0 then
  local lines = {}
  for _, name in ipairs(order) do
    local f = failures[name]
    lines[#lines + 1] = ("%s: %d of %d rounds wrong (first: %s)"):format(name, f.count, ROUNDS, f.first)
  end
  error(("thread %d: %s"):format(T, table.concat(lines, "; ")), 0)
end
return ("%d rounds, %d callbacks"):format(ROUNDS, callbacks)
