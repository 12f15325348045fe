-- SPEC section 5: callbacks
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

local qsort = alien.default.qsort
qsort:types("void", "pointer", "int", "int", "callback")

test("a C function calls a Lua function n times", function()
  local cb = alien.callback(function(i) return i * i end, "int", "int")
  eq(typed("tl_call_n", "int", "callback", "int")(cb, 10), 385)
end)

test("the table form of alien.callback", function()
  local cb = alien.callback(function(i) return i + 1 end, { ret = "int", abi = "default", "int" })
  eq(typed("tl_call_n", "int", "callback", "int")(cb, 3), 9)
end)

test("a callback is callable from Lua with its own types", function()
  local cb = alien.callback(function(a, b) return a * 10 + b end, "int", "int", "int")
  eq(cb(2, 3), 23)
  eq(tostring(cb), "alien function anonymous, library default")
  raises(function() cb(1) end, "too few arguments")
end)

test("qsort of a char buffer", function()
  local cmp = alien.callback(function(a, b) return a - b end, "int", "ref char", "ref char")
  local chars = alien.buffer("spam, spam, and spam")
  qsort(chars, chars:len(), alien.sizeof("char"), cmp)
  eq(chars:tostring(), "   ,,aaaadmmmnpppsss")
end)

test("qsort of int and double arrays", function()
  local icmp = alien.callback(function(a, b) return a - b end, "int", "ref int", "ref int")
  local nums = alien.array("int", { 4, 5, 3, 2, 6, 1 })
  qsort(nums.buffer, nums.length, nums.size, icmp)
  local seen = {}
  for _, v in nums:ipairs() do seen[#seen + 1] = v end
  eq(table.concat(seen, ","), "1,2,3,4,5,6")
  local dcmp = alien.callback(function(a, b) return a < b and -1 or (a > b and 1 or 0) end,
    "int", "ref double", "ref double")
  local ds = alien.array("double", { 2.5, -1, 1e10, 0.25 })
  qsort(ds, ds.length, ds.size, dcmp)
  eq(ds[1], -1); eq(ds[2], 0.25); eq(ds[4], 1e10)
end)

test("qsort of a string array", function()
  local function deref(p) return alien.buffer(p):get(1, "string") end
  local scmp = alien.callback(function(a, b)
    local x, y = deref(a), deref(b)
    return x < y and -1 or (x > y and 1 or 0)
  end, "int", "pointer", "pointer")
  local words = alien.array("string", { "pear", "apple", "fig", "banana" })
  qsort(words, words.length, words.size, scmp)
  eq(words[1] .. " " .. words[2] .. " " .. words[3] .. " " .. words[4], "apple banana fig pear")
end)

test("callbacks with 12 mixed integer and double arguments", function()
  local got
  local cb = alien.callback(function(...)
    got = { ... }
    local s = 0
    for i, v in ipairs(got) do s = s + i * v end
    return s
  end, "double", "int", "double", "long", "float", "short", "double", "char", "double",
     "longlong", "double", "int", "double")
  local expected = 0
  local args = { 1, 2.5, 3, 4.5, 5, 6.5, 7, 8.5, 9, 10.5, 11, 12.5 }
  for i, v in ipairs(args) do expected = expected + i * v end
  eq(typed("tl_call_mixed", "double", "callback")(cb), expected)
  eq(#got, 12)
  for i, v in ipairs(args) do eq(got[i], v, "argument " .. i) end
end)

test("every return type", function()
  eq(typed("tl_call_byte", "byte", "callback")(alien.callback(function() return -5 end, "byte")), -5)
  eq(typed("tl_call_byte", "byte", "callback")(alien.callback(function() return 200 end, "byte")), -56)
  eq(typed("tl_call_char", "char", "callback")(alien.callback(function() return 250 end, "char")), 250)
  eq(typed("tl_call_short", "short", "callback")(alien.callback(function() return -300 end, "short")), -300)
  eq(typed("tl_call_uint", "uint", "callback")(alien.callback(function() return -1 end, "uint")), 4294967295)
  eq(typed("tl_call_float", "float", "callback", "float")(alien.callback(function(x) return x * 2 end, "float", "float"), 1.25), 2.5)
  eq(typed("tl_call_double", "double", "callback", "double")(alien.callback(function(x) return x / 4 end, "double", "double"), 1), 0.25)
  eq(typed("tl_call_ll", "longlong", "callback", "longlong")(alien.callback(function(x) return x - 1 end, "longlong", "longlong"), 2^40), 2^40 - 1)
  local keep = "four"
  eq(typed("tl_call_string", "size_t", "callback", "string")(alien.callback(function() return keep end, "string", "string"), "x"), 4)
  local buf = alien.buffer(4)
  local p = typed("tl_call_pointer", "pointer", "callback", "pointer")
  eq(p(alien.callback(function(q) return q end, "pointer", "pointer"), buf), buf:topointer())
  eq(p(alien.callback(function() return nil end, "pointer", "pointer"), buf), nil)
  local seen
  typed("tl_call_void", "void", "callback", "int")(alien.callback(function(x) seen = x end, "void", "int"), 77)
  eq(seen, 77)
end)

test("64-bit values pass exactly through callbacks on 5.3 and 5.4", function()
  if not LUA_INTEGERS then skip("no integer subtype: numbers are doubles before 5.3") end
  local f = typed("tl_call_ull", "ulonglong", "callback", "ulonglong")
  local cb = alien.callback(function(x) return x + 1 end, "ulonglong", "ulonglong")
  eq(f(cb, math.maxinteger), math.mininteger)
  local g = typed("tl_call_ll", "longlong", "callback", "longlong")
  eq(g(alien.callback(function(x) return x end, "longlong", "longlong"), math.mininteger + 1), math.mininteger + 1)
end)

test("nil or nothing gives C zero; floats are truncated for integers", function()
  local n = typed("tl_call_n", "int", "callback", "int")
  eq(n(alien.callback(function() end, "int", "int"), 5), 0)
  eq(n(alien.callback(function() return nil end, "int", "int"), 5), 0)
  eq(n(alien.callback(function(i) return i + 0.9 end, "int", "int"), 2), 3)
  eq(n(alien.callback(function() return -0.5 end, "int", "int"), 2), 0)
end)

test("ref arguments arrive as the pointed-to value", function()
  local cb = alien.callback(function(i, d) return i * 10 + d * 2 end, "int", "ref int", "ref double")
  eq(typed("tl_call_ref", "int", "callback")(cb), 55)
end)

test("stored function pointers: in C, in buffers, through funcptr", function()
  local cb = alien.callback(function(a, b) return a - b end, "int", "int", "int")
  typed("tl_store", "void", "callback")(cb)
  eq(typed("tl_call_stored", "int", "int", "int")(10, 3), 7)
  local ptr = typed("tl_stored", "pointer")()
  local f = alien.funcptr(ptr)
  f:types("int", "int", "int")
  eq(f(9, 4), 5)
  local buf = alien.buffer(16)
  buf:set(1, cb, "callback")
  eq(buf:get(1, "callback"), cb, "the callback object itself comes back")
  eq(buf:get(1, "callback")(8, 8), 0)
  buf:set(9, cb, "pointer")
  eq(buf:get(9, "pointer"), ptr)
  typed("tl_store", "void", "callback")(nil)
  eq(typed("tl_call_stored", "int", "int", "int")(1, 1), -1)
end)

test("a callback can be re-typed", function()
  local cb = alien.callback(function(a, b) return a + b end, "int", "int", "int")
  eq(cb(1, 2), 3)
  cb:types("double", "double", "double")
  eq(cb(0.5, 0.25), 0.75)
  eq(typed("tl_call_double", "double", "callback", "double")(
    alien.callback(function(x) return x end, "int", "int"), 1) ~= nil, true)
end)

test("an error in a callback is raised after C returns, with its message", function()
  local calls = 0
  local cmp = alien.callback(function()
    calls = calls + 1
    error("comparator exploded")
  end, "int", "ref int", "ref int")
  local nums = alien.array("int", { 5, 4, 3, 2, 1, 9, 8, 7 })
  local err = raises(function() qsort(nums.buffer, nums.length, nums.size, cmp) end, "comparator exploded")
  eq(calls, 1, "no more callbacks after the first error")
  if not IS_51 or jit then assert(err:find("stack traceback", 1, true), "a traceback") end
  -- the interpreter is fully usable, and so is qsort
  local ok = alien.callback(function(a, b) return a - b end, "int", "ref int", "ref int")
  qsort(nums.buffer, nums.length, nums.size, ok)
  eq(nums[1], 1); eq(nums[8], 9)
end)

test("an error object that is not a string survives", function()
  local cb = alien.callback(function() error({ code = 42 }) end, "int", "int")
  local ok, err = pcall(typed("tl_call_n", "int", "callback", "int"), cb, 3)
  eq(ok, false)
  eq(type(err), "table"); eq(err.code, 42)
end)

test("later callbacks in the same C call do not run after an error", function()
  local calls = 0
  local cb = alien.callback(function(i)
    calls = calls + 1
    if i == 3 then error("stop at 3") end
    return i
  end, "int", "int")
  local f = typed("tl_call_counting", "int", "callback", "int", "ref int")
  raises(function() f(cb, 10, 0) end, "stop at 3")
  eq(calls, 3)
  calls = 0
  local sum, c_calls = f(alien.callback(function(i) calls = calls + 1; return i end, "int", "int"), 4, 0)
  eq(sum, 10); eq(c_calls, 4); eq(calls, 4)
end)

test("a wrong result kind from the Lua function is an error", function()
  local cb = alien.callback(function() return {} end, "int", "int")
  raises(function() typed("tl_call_n", "int", "callback", "int")(cb, 2) end, "callback returned table")
  local s = alien.callback(function() return {} end, "string", "string")
  raises(function() typed("tl_call_string", "size_t", "callback", "string")(s, "x") end, "callback returned table")
  local keep = alien.callback(function() return 4200 end, "string", "string")
  eq(typed("tl_call_string", "size_t", "callback", "string")(keep, "x"), 4, "numbers convert as Lua converts them")
end)

test("a callback runs on the coroutine of the alien call", function()
  local n = typed("tl_call_n", "int", "callback", "int")
  local co
  local seen_threads = {}
  local cb = alien.callback(function(i)
    seen_threads[#seen_threads + 1] = coroutine.running()
    return i
  end, "int", "int")
  co = coroutine.create(function(k)
    local local_factor = k
    local inner = alien.callback(function(i) return i * local_factor end, "int", "int")
    local a = n(inner, 4)
    local b = n(cb, 2)
    coroutine.yield(a + b)
    return "done"
  end)
  local ok, v = coroutine.resume(co, 3)
  eq(ok, true); eq(v, 30 + 3)
  for _, t in ipairs(seen_threads) do eq(t, co) end
  eq(select(2, coroutine.resume(co)), "done")
end)

test("callbacks outlive the coroutine that made them", function()
  local made
  do
    local co = coroutine.wrap(function()
      made = alien.callback(function(i) return i + 100 end, "int", "int")
    end)
    co()
  end
  collectgarbage(); collectgarbage()
  eq(typed("tl_call_n", "int", "callback", "int")(made, 1), 101)
end)

test("nested calls: a callback makes an alien call that calls back", function()
  local n = typed("tl_call_n", "int", "callback", "int")
  local inner = alien.callback(function(i) return i end, "int", "int")
  local outer = alien.callback(function(i) return n(inner, i) end, "int", "int")
  -- sum over i=1..4 of (1 + ... + i) = 1 + 3 + 6 + 10
  eq(n(outer, 4), 20)
  local failing_inner = alien.callback(function() error("inner failure") end, "int", "int")
  local outer2 = alien.callback(function(i) return n(failing_inner, i) end, "int", "int")
  raises(function() n(outer2, 3) end, "inner failure")
  eq(n(outer, 2), 4)
end)

test("misuse of alien.callback is a Lua error", function()
  raises(function() alien.callback(42, "int") end, "bad argument #1 to 'callback'")
  raises(function() alien.callback(function() end, "nonsense") end, "unknown type 'nonsense'")
  raises(function() alien.callback(function() end, "int", "void") end, "cannot be void")
  raises(function() alien.callback(function() end, { ret = "int", abi = "weird" }) end, "unknown abi")
  raises(function() typed("tl_call_n", "int", "callback", "int")(print, 1) end, "bad argument #1 to 'tl_call_n'")
  raises(function() typed("tl_call_n", "int", "callback", "int")("str", 1) end, "bad argument #1")
end)

test("100,000 callbacks are collected with memory staying flat", function()
  local n = typed("tl_call_n", "int", "callback", "int")
  memory_stays_flat(function(i)
    local cb = alien.callback(function(x) return x + i end, "int", "int")
    if i % 1000 == 0 then eq(n(cb, 1), 1 + i) end
  end)
end)

-- A callback allocates nothing on any Lua: on 5.1 and LuaJIT its C helpers
-- are closures made once per state, not one per invocation (callback.c).
test("callbacks allocate nothing: Lua memory is flat over 100000 of them", function()
  local n = typed("tl_call_n", "int", "callback", "int")
  local direct = alien.callback(function(x) return x % 7 end, "int", "int")
  local float = typed("tl_call_float", "float", "callback", "float")
  local viaCore = alien.callback(function(x) return x * 2 end, "float", "float")  -- floats: no direct plan
  n(direct, 10)
  float(viaCore, 1.5)
  collectgarbage("collect")
  collectgarbage("stop")
  local before = collectgarbage("count")
  eq(n(direct, 100000), 14285 * 21 + 15)   -- 14285 runs of 0..6, then 1..5
  local sum = 0
  for i = 1, 2000 do sum = sum + float(viaCore, i) end
  local grown = collectgarbage("count") - before
  collectgarbage("restart")
  eq(sum, 2000 * 2001)
  assert(grown < 16, ("Lua memory grew by %.1f KiB over the callbacks"):format(grown))
end)
