-- Category 3: stale sizes and lifetimes. An array over a buffer that was
-- shrunk afterwards; a function re-typed while a call of it is running (from
-- inside its own callback); strings and buffers stored in struct fields and
-- arrays, then collected; objects whose __gc was called by hand and then
-- used; callbacks registered with C (on_exit, atexit) that outlive the Lua
-- state: C must get a zero value, the Lua function must not run.

local C, F = ...
local alien = F.alien

-- Stale sizes: the array checks its own length, the buffer under it shrank.
C.error("lifetime/array-buffer-realloc/set-1000", function()
  local a = alien.array("int", 1000)
  a.buffer:realloc(4)
  return function() a[1000] = 1 end
end)
C.error("lifetime/array-buffer-realloc/get-1000", function()
  local a = alien.array("int", 1000)
  a.buffer:realloc(4)
  return function() return a[1000] end
end)
C.error("lifetime/array-buffer-realloc/set-2", function()
  local a = alien.array("int", 2)
  a.buffer:realloc(4)
  return function() a[2] = 1 end
end)
C.error("lifetime/array-buffer-realloc/ipairs", function()
  local a = alien.array("double", 512)
  a.buffer:realloc(8)
  return function() local s = 0 for _, v in a:ipairs() do s = s + v end return s end
end)
C.error("lifetime/array-buffer-realloc-0/get-1", function()
  local a = alien.array("int", 4)
  a.buffer:realloc(0)
  return function() return a[1] end
end)
C.error("lifetime/array-over-given-buffer-realloc/set", function()
  local b = alien.buffer(64)
  local a = alien.array("int", 16, b)
  b:realloc(4)
  return function() a[16] = 7 end
end)
C.any("lifetime/array-realloc-while-iterating", function()
  local a = alien.array("int", { 1, 2, 3, 4, 5, 6, 7, 8 })
  return function()
    local n = 0
    for i in a:ipairs() do
      n = n + 1
      if i == 2 then a:realloc(1) end
    end
    return n
  end
end, function(n) return n <= 8, "iterated " .. tostring(n) .. " times over 8 elements" end)
C.ok("lifetime/array-realloc-then-grow-keeps-values", function()
  local a = alien.array("int", { 1, 2, 3 })
  a:realloc(1)
  a:realloc(3)
  return a[1] == 1 and a.length == 3, "values after shrinking and growing: " .. tostring(a[1])
end)

-- Re-typing a function while a call of it is running: the running call must
-- still convert its results and read back its ref values with the
-- signature it started with (or fail cleanly); never read freed memory.
local function retype_inside(newtypes, churn)
  return function()
    local lib = F.testlib()
    local call = lib.tl_call_counting     -- int tl_call_counting(int (*cb)(int), int n, int *calls)
    call:types("int", "callback", "int", "ref int")
    local cb = alien.callback(function(i)
      call:types(F.unpack(newtypes))
      if churn then F.churn() end
      return i * 10
    end, "int", "int")
    return function()
      local sum, calls = call(cb, 3, 0)
      return sum, calls
    end
  end
end
local retype_check = function(sum, calls)
  return sum == 60 and calls == 3, ("the call gave %s, %s (expected 60, 3)"):format(tostring(sum), tostring(calls))
end
C.any("lifetime/retype-inside-callback/void", retype_inside({ "void" }), retype_check)
C.any("lifetime/retype-inside-callback/many-args", retype_inside(
  { "double", "double", "double", "double", "double", "double", "double", "double", "double", "double",
    "ref double", "ref double", "ref double", "ref double", "ref int", "ref int" }), retype_check)
C.any("lifetime/retype-inside-callback/churn", retype_inside({ "void", "pointer" }, true), retype_check)
C.any("lifetime/retype-inside-callback/direct-path", function()
  local lib = F.testlib()
  local call = lib.tl_call_n               -- int tl_call_n(int (*cb)(int), int n)
  call:types("int", "callback", "int")
  local cb = alien.callback(function(i)
    call:types("double", "double", "double", "double")
    F.churn()
    return i
  end, "int", "int")
  return call, cb, 4
end, function(r) return r == 10, "tl_call_n gave " .. tostring(r) .. " (expected 10)" end)
C.any("lifetime/retype-callback-inside-itself", function()
  local lib = F.testlib()
  local call = lib.tl_call_n
  call:types("int", "callback", "int")
  local cb
  cb = alien.callback(function(i)
    cb:types("double", "double", "double", "ref int", "ref int", "ref int")
    F.churn()
    return i
  end, "int", "int")
  return call, cb, 3
end)
C.any("lifetime/retype-callback-inside-itself-twice", function()
  local lib = F.testlib()
  local call = lib.tl_call_n
  call:types("int", "callback", "int")
  local cb
  local n = 0
  cb = alien.callback(function(i)
    n = n + 1
    if n % 2 == 1 then cb:types("void") else cb:types("int", "int") end
    return i
  end, "int", "int")
  return call, cb, 6
end)

-- Strings and buffers stored through struct fields: C can read them for as
-- long as the instance is alive, so the instance must keep them alive.
local ptrst = function() return alien.defstruct{ { "p", "pointer" }, { "s", "string" }, { "n", "int" } } end
C.ok("lifetime/struct-field/string-in-pointer-field", function()
  local inst = ptrst():new()
  inst.p = ("z"):rep(100) .. "end"
  local keep = F.churn()
  local strlen = F.c("strlen", "size_t", "pointer")
  local n = strlen(inst.p)
  return n == 103, "strlen of the collected string gave " .. tostring(n)
end)
C.ok("lifetime/struct-field/string-in-string-field", function()
  local inst = ptrst():new()
  inst.s = ("q"):rep(100) .. "end"
  local keep = F.churn()
  local s = inst.s
  return s == ("q"):rep(100) .. "end", "the string field reads back " .. tostring(s):sub(1, 20) .. "..."
end)
C.ok("lifetime/struct-field/buffer-in-pointer-field", function()
  local inst = ptrst():new()
  inst.p = alien.buffer(("w"):rep(200))
  local keep = F.churn()
  local s = alien.tostring(inst.p)
  return s == ("w"):rep(200), "the buffer read back " .. #s .. " bytes: " .. s:sub(1, 20) .. "..."
end)
C.ok("lifetime/struct-field/replaced-string-is-released", function()
  -- once replaced, the old string may go; the new one must stay
  local inst = ptrst():new()
  inst.s = ("a"):rep(50)
  inst.s = ("b"):rep(60)
  local keep = F.churn()
  return inst.s == ("b"):rep(60), "the string field reads back " .. tostring(inst.s):sub(1, 20)
end)
C.ok("lifetime/array/strings-kept-alive", function()
  local a = alien.array("string", { ("k"):rep(80) .. 1, ("k"):rep(80) .. 2 })
  a[2] = ("m"):rep(80)
  local keep = F.churn()
  return a[1] == ("k"):rep(80) .. 1 and a[2] == ("m"):rep(80), "the array's strings changed"
end)
C.ok("lifetime/array/buffer-in-pointer-array", function()
  local a = alien.array("pointer", 2)
  a[1] = alien.buffer("hello")
  local keep = F.churn()
  return alien.tostring(a[1]) == "hello", "the buffer behind the pointer changed"
end)
C.ok("lifetime/instance-keeps-buffer", function()
  local inst = F.structtype():new()
  inst.a = 1234
  local keep = F.churn()
  return inst.a == 1234, "the instance's buffer was collected"
end)
C.ok("lifetime/array-view-keeps-buffer", function()
  local a = alien.array("int", 4, alien.buffer(16))
  a[4] = 99
  local keep = F.churn()
  return a[4] == 99 and #a.buffer == 16, "the array's buffer was collected"
end)
C.ok("lifetime/function-keeps-library", function()
  local f = F.typed(alien.load(F.TESTLIB), "tl_add", "int", "int", "int")
  alien.loaded[F.TESTLIB] = nil
  local keep = F.churn()
  return f(2, 3) == 5, "the function's library was closed"
end)
C.ok("lifetime/foreign-buffer-gc-frees-nothing", function()
  local real = alien.buffer("still here")
  local foreign = alien.buffer(real:topointer())
  foreign = nil
  local keep = F.churn()
  return real:tostring() == "still here", "a foreign buffer's __gc freed the memory"
end)

-- __gc called by hand, then the object used: an error, or it still works;
-- never a use of freed memory. (Lua calls __gc again when it collects it.)
C.any("lifetime/hand-gc/library-then-call", function()
  local lib = alien.load(F.TESTLIB)
  local f = F.typed(lib, "tl_add", "int", "int", "int")
  getmetatable(lib).__gc(lib)
  return f, 1, 2
end, function(r) return r == 3, "tl_add(1, 2) gave " .. tostring(r) end)
C.any("lifetime/hand-gc/library-then-index", function()
  local lib = alien.load(F.TESTLIB)
  getmetatable(lib).__gc(lib)
  return function() local f = F.typed(lib, "tl_sum12", "long"); return f end
end)
C.any("lifetime/hand-gc/library-then-tostring", function()
  local lib = alien.load(F.TESTLIB)
  getmetatable(lib).__gc(lib)
  return tostring, lib
end)
C.any("lifetime/hand-gc/library-twice", function()
  local lib = alien.load(F.TESTLIB)
  local gc = getmetatable(lib).__gc
  return function() gc(lib); gc(lib) end
end)
C.any("lifetime/hand-gc/library-then-reload", function()
  local lib = alien.load(F.TESTLIB)
  getmetatable(lib).__gc(lib)
  return function()
    local again = alien.load(F.TESTLIB)
    return F.typed(again, "tl_add", "int", "int", "int")(4, 5)
  end
end, function(r) return r == 9, "after reloading, tl_add(4, 5) gave " .. tostring(r) end)
C.any("lifetime/hand-gc/default-then-strlen", function()
  local strlen = F.c("strlen", "size_t", "string")
  getmetatable(alien.default).__gc(alien.default)
  return strlen, "abc"
end, function(r) return r == 3, "strlen gave " .. tostring(r) end)
C.any("lifetime/hand-gc/function-then-call", function()
  local f = F.tl("tl_add", "int", "int", "int")
  getmetatable(f).__gc(f)
  return f, 1, 2
end, function(r) return r == 3, "tl_add(1, 2) gave " .. tostring(r) end)
C.any("lifetime/hand-gc/function-then-types", function()
  local f = F.tl("tl_add", "int", "int", "int")
  getmetatable(f).__gc(f)
  return function() f:types("double", "double", "double"); return f(1, 2) end
end)
C.any("lifetime/hand-gc/callback-then-qsort", function()
  local cmp = alien.callback(function(a, b) return a - b end, "int", "ref int", "ref int")
  local qsort = F.c("qsort", "void", "pointer", "int", "int", "callback")
  local nums = alien.array("int", { 3, 1, 2 })
  getmetatable(cmp).__gc(cmp)
  F.churn()
  return function() qsort(nums.buffer, 3, 4, cmp); return nums[1], nums[2], nums[3] end
end, function(a, b, c) return a == 1 and b == 2 and c == 3, "qsort gave " .. table.concat({ a, b, c }, ",") end)
C.any("lifetime/hand-gc/callback-then-call-from-lua", function()
  local cb = F.make.callback()
  getmetatable(cb).__gc(cb)
  return cb, 5, 3
end, function(r) return r == 2, "the callback gave " .. tostring(r) end)
C.any("lifetime/hand-gc/callback-twice", function()
  local cb = F.make.callback()
  local gc = getmetatable(cb).__gc
  return function() gc(cb); gc(cb) end
end)
-- A buffer gets its finaliser (a metatable with __gc) when realloc moves its
-- bytes to the heap; a new one's bytes are inline and it has none: these
-- apply the finaliser to an inline buffer all the same.
local function buffer_gc()
  local heap = alien.buffer(1)
  heap:realloc(2)
  return getmetatable(heap).__gc
end
C.any("lifetime/hand-gc/buffer-then-get", function()
  local b = alien.buffer(64)
  b:set(1, 77, "int")
  buffer_gc()(b)
  F.churn()
  return b.get, b, 1, "int"
end, function(v) return v == 77 or v == 0, "the buffer read " .. tostring(v) end)
C.any("lifetime/hand-gc/buffer-then-set", function()
  local b = alien.buffer(64)
  buffer_gc()(b)
  return function() for i = 1, 64 do b[i] = 0x41 end end
end)
C.any("lifetime/hand-gc/realloced-buffer-twice", function()
  local b = alien.buffer(8)
  b:realloc(4096)
  local gc = getmetatable(b).__gc
  return function() gc(b); gc(b) end
end)
C.any("lifetime/hand-gc/realloced-buffer-then-realloc", function()
  local b = alien.buffer(8)
  b:realloc(4096)
  getmetatable(b).__gc(b)
  return b.realloc, b, 64
end)
C.any("lifetime/hand-gc/array-buffer-then-index", function()
  local a = alien.array("int", { 1, 2, 3 })
  a.buffer:realloc(64)
  getmetatable(a.buffer).__gc(a.buffer)
  F.churn()
  return function() a[3] = 5; return a[3] end
end)
C.any("lifetime/hand-gc/instance-buffer-then-field", function()
  local inst = F.structtype():new()
  local b = inst()
  b:realloc(64)
  getmetatable(b).__gc(b)
  F.churn()
  return function() inst.b = 2.5; return inst.b end
end)

-- Callbacks that outlive their Lua state. The state is closed when the case
-- returns (the runner returns normally, lua.c calls lua_close); then exit()
-- runs the handlers registered here, which call the freed callbacks.
-- Expected: C gets zero, the Lua function does not run, the process exits 0.
-- (atexit itself is not exported by glibc: __cxa_atexit(f, arg, NULL) is
-- what it calls, with a handler taking one pointer.)
local function late(msg) return function() io.stdout:write("LATE-WRONG ", msg, "\n"); io.stdout:flush() end end
local function atexit(cb)
  return F.c("__cxa_atexit", "int", "callback", "pointer", "pointer")(cb, nil, nil)
end
C.ok("lifetime/outlives-state/on_exit", function()
  local on_exit = F.c("on_exit", "int", "callback", "pointer")
  CALLBACK = alien.callback(late("the on_exit callback ran after its state was closed"), "void", "int", "pointer")
  return on_exit(CALLBACK, nil) == 0, "on_exit failed"
end)
C.ok("lifetime/outlives-state/atexit", function()
  CALLBACK = alien.callback(late("the atexit callback ran after its state was closed"), "void", "pointer")
  return atexit(CALLBACK) == 0, "atexit failed"
end)
C.ok("lifetime/outlives-state/stored-in-testlib", function()
  -- the test library keeps the callback's pointer (tl_store); an exit
  -- handler, tl_call_stored itself, calls it once the state is closed
  local lib = F.testlib()
  -- one more reference to the test library, so it stays mapped after lua_close
  -- (which closes it) until tl_call_stored runs at exit
  assert(F.c("dlopen", "pointer", "string", "int")(F.TESTLIB, 2), "dlopen failed")
  CALLBACK = alien.callback(late("a callback stored in C ran after its state was closed"), "int", "int", "int")
  F.typed(lib, "tl_store", "void", "callback")(CALLBACK)
  return atexit(lib.tl_call_stored) == 0, "atexit failed"
end)
-- The same through os.exit(0, true), which closes the state on 5.2+ first;
-- on 5.1 and LuaJIT the state is still open at exit, but no alien call is
-- running, so the callback must still not run Lua.
C.exits("lifetime/outlives-state/on_exit-os-exit", function()
  local on_exit = F.c("on_exit", "int", "callback", "pointer")
  CALLBACK = alien.callback(late("the on_exit callback ran Lua at exit"), "void", "int", "pointer")
  on_exit(CALLBACK, nil)
  os.exit(0, true)
end)
C.exits("lifetime/outlives-state/atexit-os-exit", function()
  CALLBACK = alien.callback(late("the atexit callback ran Lua at exit"), "void", "pointer")
  atexit(CALLBACK)
  os.exit(0, true)
end)
C.exits("lifetime/outlives-state/atexit-os-exit-no-close", function()
  -- os.exit without closing: the state is alive, but no alien call is running
  CALLBACK = alien.callback(late("the atexit callback ran Lua outside an alien call"), "void", "pointer")
  atexit(CALLBACK)
  os.exit(0)
end)
