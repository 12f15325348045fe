-- Category 7: everything else. Callbacks from other OS threads (SPEC 15:
-- C gets zero and Lua does not run); yields and odd error values inside
-- callbacks; finalizers that use alien objects while the state closes;
-- signatures of odd shape; argument values of the wrong kind; objects
-- whose hidden Lua-side parts were replaced through the debug library.

local C, F = ...
local alien, struct = F.alien, F.struct

-- Threads. pthread_create with a callback as the thread's start routine:
-- the callback arrives on a thread where no alien call of its state runs,
-- so it must return NULL without running Lua, whatever the main thread does
-- meanwhile (an alien call: usleep; plain Lua; or join at once).
local function thread_case(name, meanwhile)
  C.ok("threads/callback-on-new-thread/" .. name, function()
    local create = F.c("pthread_create", "int", "pointer", "pointer", "callback", "pointer")
    local join = F.c("pthread_join", "int", "ulong", "pointer")
    local ran = false
    local cb = alien.callback(function() ran = true; return nil end, "pointer", "pointer")
    local tid = alien.buffer(8)
    local result = alien.buffer(8)
    alien.memset(result, 0xFF, 8)
    if create(tid, nil, cb, nil) ~= 0 then return false, "pthread_create failed" end
    meanwhile()
    if join(tid:get(1, "ulong"), result) ~= 0 then return false, "pthread_join failed" end
    if ran then return false, "the Lua function ran on another OS thread" end
    return result:get(1, "pointer") == nil, "the thread got a non-zero value from the callback"
  end)
end
thread_case("main-in-alien-call", function() F.c("usleep", "int", "uint")(200000) end)
thread_case("main-running-lua", function()
  local t = os.clock() + 0.2
  local x = 0
  while os.clock() < t do x = x + 1; local _ = tostring(x) .. "y" end
end)
thread_case("main-joins-at-once", function() end)
thread_case("main-collecting", function()
  local t = os.clock() + 0.2
  while os.clock() < t do collectgarbage("collect") end
end)
C.ok("threads/callback-on-new-thread/inside-a-callback", function()
  -- main is inside a callback (nested alien calls) while the thread calls
  local create = F.c("pthread_create", "int", "pointer", "pointer", "callback", "pointer")
  local join = F.c("pthread_join", "int", "ulong", "pointer")
  local ran = false
  local cb = alien.callback(function() ran = true; return nil end, "pointer", "pointer")
  local outer = alien.callback(function(i)
    local tid = alien.buffer(8)
    assert(create(tid, nil, cb, nil) == 0)
    F.c("usleep", "int", "uint")(100000)
    assert(join(tid:get(1, "ulong"), nil) == 0)
    return i
  end, "int", "int")
  local r = F.tl("tl_call_n", "int", "callback", "int")(outer, 2)
  return r == 3 and not ran, ran and "the Lua function ran on another OS thread" or "tl_call_n gave " .. tostring(r)
end)

-- Yields and odd errors inside callbacks.
C.error("callbacks/yield-inside-callback", function()
  local cb = alien.callback(function(i) coroutine.yield(i); return i end, "int", "int")
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local co = coroutine.wrap(function() return call(cb, 3) end)
  return co
end)
for _, e in ipairs{ { "table", "{}" }, { "nil", "nil" }, { "number", "42" }, { "userdata", "io.stdout" },
                    { "buffer", "alien.buffer(4)" } } do
  C.error("callbacks/error-object-" .. e[1], function()
    local value = assert((loadstring or load)("local alien = ...; return " .. e[2]))(alien)
    local cb = alien.callback(function() error(value) end, "int", "int")
    return F.tl("tl_call_n", "int", "callback", "int"), cb, 3
  end)
end
C.ok("callbacks/error-object-is-kept", function()
  local value = { "mine" }
  local cb = alien.callback(function() error(value) end, "int", "int")
  local ok, err = pcall(F.tl("tl_call_n", "int", "callback", "int"), cb, 3)
  return not ok and err == value, "the error value was " .. tostring(err)
end)
C.error("callbacks/error-in-second-of-nested", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local inner = alien.callback(function(i) if i == 2 then error("inner boom") end return i end, "int", "int")
  local outer = alien.callback(function() return call(inner, 3) end, "int", "int")
  return call, outer, 2
end, "inner boom")
C.any("callbacks/returns-table-for-int", function()
  local cb = alien.callback(function() return {} end, "int", "int")
  return F.tl("tl_call_n", "int", "callback", "int"), cb, 3
end)
C.any("callbacks/returns-string-for-double", function()
  local cb = alien.callback(function() return "abc" end, "double", "double")
  return F.tl("tl_call_double", "double", "callback", "double"), cb, 1.5
end)
C.any("callbacks/returns-function-for-pointer", function()
  local cb = alien.callback(function() return print end, "pointer", "pointer")
  return F.tl("tl_call_pointer", "pointer", "callback", "pointer"), cb, nil
end)
C.any("callbacks/returns-many-values", function()
  local cb = alien.callback(function(i) return i, i, i, i, i end, "int", "int")
  return F.tl("tl_call_n", "int", "callback", "int"), cb, 3
end, function(r) return r == 6, "tl_call_n gave " .. tostring(r) end)
C.ok("callbacks/collect-inside-callback", function()
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i) F.churn(); return i end, "int", "int")
  local r = call(cb, 5)
  return r == 15, "tl_call_n gave " .. tostring(r)
end)
C.ok("callbacks/drop-own-reference-inside", function()
  -- the callback is an argument of the running call, so it stays alive
  local call = F.tl("tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(i) cb = nil; F.churn(); return i end, "int", "int")
  local r = call(cb, 4)
  return r == 10, "tl_call_n gave " .. tostring(r)
end)
C.ok("callbacks/made-in-dead-coroutine", function()
  local cb = coroutine.wrap(function()
    return alien.callback(function(i) return i * 2 end, "int", "int")
  end)()
  local keep = F.churn()
  local r = F.tl("tl_call_n", "int", "callback", "int")(cb, 3)
  return r == 12, "tl_call_n gave " .. tostring(r)
end)
C.error("callbacks/not-a-function", function() return alien.callback, "print", "int" end)
C.error("callbacks/callable-table", function()
  return alien.callback, setmetatable({}, { __call = print }), "int"
end)
C.error("callbacks/too-many-args-from-lua", function() local cb = F.make.callback(); return cb, 1, 2, 3 end)
C.error("callbacks/65-args", function()
  local t = {}
  for i = 1, 65 do t[i] = "int" end
  return alien.callback, print, "int", F.unpack(t)
end)
C.error("callbacks/void-argument", function() return alien.callback, print, "int", "void" end)

-- Signatures of odd shape.
local function strlen() return alien.default.strlen end
C.error("signatures/never-typed", function()
  local f = alien.load(F.TESTLIB).tl_sum12
  return f, 1
end)
C.error("signatures/65-args", function()
  local t = {}
  for i = 1, 65 do t[i] = "int" end
  local f = strlen()
  return f.types, f, "int", F.unpack(t)
end)
C.ok("signatures/64-args-work", function()
  local t = {}
  for i = 1, 64 do t[i] = "long" end
  local f = F.tl("tl_sum12", "long", F.unpack(t))
  local args = {}
  for i = 1, 64 do args[i] = i end
  local r = f(F.unpack(args))
  return r == 650, "tl_sum12 with 52 extra arguments gave " .. tostring(r) .. " (expected 650)"
end)
C.error("signatures/table-of-100", function()
  local t = { ret = "int" }
  for i = 1, 100 do t[i] = "int" end
  local f = strlen()
  return f.types, f, t
end)
C.error("signatures/void-argument", function() local f = strlen(); return f.types, f, "int", "void" end)
C.error("signatures/nil-hole", function() local f = strlen(); return f.types, f, "int", nil, "int" end)
C.error("signatures/number-as-type", function() local f = strlen(); return f.types, f, "int", 4 end)
C.error("signatures/table-ret-is-table", function() local f = strlen(); return f.types, f, { ret = {} } end)
C.error("signatures/ref-void", function() local f = strlen(); return f.types, f, "int", "ref void" end)
C.error("signatures/too-many-args", function()
  local f = F.c("strlen", "size_t", "string")
  local t = {}
  for i = 1, 200 do t[i] = "x" end
  return f, F.unpack(t)
end, "too many arguments")
C.error("signatures/too-few-args", function() return F.c("strlen", "size_t", "string") end, "too few arguments")
C.error("signatures/funcptr-nil-then-call", function()
  return function() local f = alien.funcptr(nil); f:types("int"); return f() end
end)

-- Argument values of the wrong kind.
local wrong_args = {
  { "table-for-int", "tl_int", "int", "int", {} },
  { "word-for-int", "tl_int", "int", "int", "abc" },
  { "function-for-int", "tl_int", "int", "int", print },
  { "boolean-for-double", "tl_double", "double", "double", true },
  { "table-for-pointer", "tl_pointer", "pointer", "pointer", {} },
  { "function-for-pointer", "tl_pointer", "pointer", "pointer", print },
  { "boolean-for-string", "tl_string", "string", "string", true },
  { "table-for-string", "tl_string", "string", "string", {} },
  { "lua-function-for-callback", "tl_call_n", "int", "callback", print },
  { "buffer-for-callback", "tl_call_n", "int", "callback", "BUFFER" },
  { "table-for-ref-int", "tl_ref_int", "void", "ref int", {} },
  { "word-for-ref-int", "tl_ref_int", "void", "ref int", "abc" },
}
for _, w in ipairs(wrong_args) do
  for _, direct in ipairs{ true, false } do
    C.error(("arguments/%s/%s"):format(direct and "direct" or "ffi", w[1]), function()
      alien.directcalls(direct)
      local f = w[4] == "callback" and F.tl(w[2], w[3], w[4], "int") or F.tl(w[2], w[3], w[4])
      local v = w[5] == "BUFFER" and alien.buffer(16) or w[5]
      if w[4] == "callback" then return f, v, 1 end
      return f, v
    end)
  end
end
C.error("arguments/buf:set-table-as-pointer", function() local b = alien.buffer(8); return b.set, b, 1, {}, "pointer" end)
C.error("arguments/buf:set-lua-function-as-callback", function()
  local b = alien.buffer(8)
  return b.set, b, 1, print, "callback"
end)
C.error("arguments/arr-string-gets-table", function() local a = alien.array("string", 1); return function() a[1] = {} end end)
C.error("arguments/array-values-of-wrong-kind", function() return alien.array, "int", { 1, "x", 3 } end)
C.error("arguments/array-void", function() return alien.array, "void", 3 end)

-- "ref T" types are for arguments (a pointer to a temporary): in memory, as
-- a return type or an array element they mean nothing, and must be refused
-- where they are declared (today an array of "ref int" reads nil and refuses
-- every write with "ref int (a number) expected, got number").
C.error("ref-types/array", function() return alien.array, "ref int", 3 end)
C.error("ref-types/buf:get", function() local b = alien.buffer(16); return b.get, b, 1, "ref int" end)
C.error("ref-types/buf:set", function() local b = alien.buffer(16); return b.set, b, 1, 5, "ref double" end)
C.error("ref-types/defstruct-field", function() return alien.defstruct, { { "x", "ref int" } } end)
C.error("ref-types/callback-return", function() return alien.callback, print, "ref int" end)
C.error("ref-types/function-return", function() local f = strlen(); return f.types, f, "ref int", "string" end)
C.error("ref-types/callback-return-table-form", function() return alien.callback, print, { ret = "ref char" } end)
C.error("arguments/wrap-table", function() return alien.wrap, "adversarial", 1, {} end)
C.error("arguments/rewrap-table", function()
  local obj = alien.wrap("adversarial", 1)
  return alien.rewrap, "adversarial", obj, {}
end)
C.error("arguments/defstruct-empty", function() return alien.defstruct, {} end)
C.error("arguments/defstruct-duplicate", function() return alien.defstruct, { { "a", "int" }, { "a", "int" } } end)
C.error("arguments/defstruct-field-not-table", function() return alien.defstruct, { "a" } end)
C.error("arguments/defstruct-field-no-type", function() return alien.defstruct, { { "a" } } end)
C.error("arguments/instance-unknown-field", function()
  local inst = F.structtype():new()
  return function() return inst.nope end
end)
C.error("arguments/instance-table-key", function()
  local inst = F.structtype():new()
  return function() inst[{}] = 1 end
end)

-- Big counts of values.
C.any("counts/toint-1e6", function() return alien.toint, F.keep(alien.buffer(4000000)), 1000000 end)
C.any("counts/struct.unpack-100000-items", function()
  return struct.unpack, ("i"):rep(100000), alien.buffer(400000)
end, function(...) return select("#", ...) == 100001, "unpack gave " .. select("#", ...) .. " values" end)
C.any("counts/struct.unpack-1e6-items", function()
  return struct.unpack, ("b"):rep(1000000), alien.buffer(1000000)
end)
C.any("counts/byval-of-1MB", function() return alien.byval, alien.buffer(2 ^ 20) end)
C.any("counts/wrap-7000-values", function()
  local t = {}
  for i = 1, 7000 do t[i] = i end
  local obj = alien.wrap("many", F.unpack(t))
  return alien.unwrap, "many", obj
end, function(...) return select("#", ...) == 7000, "unwrap gave " .. select("#", ...) .. " values" end)
C.any("counts/structtype-byval-8000-bytes", function()
  local fields = {}
  for i = 1, 1000 do fields[i] = { "f" .. i, "double" } end
  local st = alien.defstruct(fields)
  return st.byval, st
end)

-- Finalizers that use alien objects while the state closes (lua_close runs
-- them in reverse order of creation, so the objects made after the tagged
-- userdata are finalized before its __gc runs). An error there is fine;
-- a crash is not.
local function at_close(name, setup)
  C.ok("close/" .. name, function()
    setup()
    return true
  end)
end
-- (__gc must be in the tag's metatable before alien.wrap sets it, for 5.2+
-- to mark the object for finalization; the objects the finalizer uses are
-- made after it, so they are finalized first.)
local function closing(gc)
  local tag = alien.tag("closing")
  local uses = {}
  tag.__gc = function() return gc(F.unpack(uses)) end
  KEEP = alien.wrap("closing", 1)
  return uses
end
at_close("tag-gc-uses-collected-buffer", function()
  local uses = closing(function(b) b:set(1, 5, "int"); return b:get(1, "int") end)
  uses[1] = alien.buffer(64)
end)
at_close("tag-gc-calls-collected-callback", function()
  local uses = closing(function(call, cb) return call(cb, 3) end)
  uses[1] = F.tl("tl_call_n", "int", "callback", "int")
  uses[2] = alien.callback(function(i) return i end, "int", "int")
end)
at_close("tag-gc-calls-function-of-collected-library", function()
  local uses = closing(function(lib, f) return f(1, 2), lib.tl_int end)
  uses[1] = alien.load(F.TESTLIB)
  uses[2] = F.typed(uses[1], "tl_add", "int", "int", "int")
end)
at_close("tag-gc-uses-collected-array-and-instance", function()
  local uses = closing(function(a, inst) a[2] = 5; inst.b = 1.5; return a[2], inst.b, #a, inst() end)
  uses[1] = alien.array("int", { 1, 2, 3 })
  uses[2] = F.structtype():new()
end)
at_close("tag-gc-makes-new-objects", function()
  closing(function()
    local cb = alien.callback(function(i) return i end, "int", "int")
    return cb(4), alien.buffer(16), alien.array("int", 3), F.structtype():new(), alien.load(F.TESTLIB)
  end)
end)
at_close("buffer-gc-resurrects", function()
  -- a tag whose values hold a buffer; its __gc stores the buffer in a global
  local tag = alien.tag("resurrect")
  tag.__gc = function(o) RESURRECTED = alien.unwrap("resurrect", o) end
  KEEP = alien.wrap("resurrect", alien.buffer(32))
end)

-- Hidden Lua-side parts replaced through the debug library (uservalues hold
-- an array's buffer and pins, an instance's field table and buffer, a
-- function's library). "Whatever Lua code passes": an error or working, but
-- no crash.
local setuv = debug.setuservalue or function(u, v) return debug.setfenv(u, v) end
local function tamper(name, make, value, use)
  C.any("debug-tamper/" .. name, function()
    local o = make()
    local ok = pcall(setuv, o, value)
    if not ok then F.skip("this Lua's debug library refuses that uservalue") end
    return function() F.churn(); return use(o) end
  end)
end
tamper("instance-empty", function() return F.structtype():new() end, {}, function(i) i.a = 1; return i.a end)
tamper("instance-fields-number", function() return F.structtype():new() end, { 42, 43 }, function(i) return i.a end)
tamper("instance-fields-string", function() return F.structtype():new() end, { "x", "y" }, function(i) i.b = 1; return i.b end)
tamper("instance-call", function() return F.structtype():new() end, {}, function(i) return i() end)
tamper("array-empty", function() local a = alien.array("int", { 1, 2, 3 }); a.buffer:realloc(12); return a end, {},
  function(a) a[3] = 9; return a[3], a.buffer end)
tamper("array-buffer-replaced", function() return alien.array("int", { 1, 2, 3 }) end, { buffer = "junk" },
  function(a) return a[1], a.buffer end)
tamper("function-library-dropped", function() return F.tl("tl_add", "int", "int", "int") end, {},
  function(f) alien.loaded[F.TESTLIB] = nil; F.churn(); return f(1, 2) end)
tamper("library-cache-junk", function() return alien.load(F.TESTLIB) end, { tl_add = 42 },
  function(lib) return lib.tl_add, lib.tl_int end)
tamper("tagged-values-junk", function() return alien.wrap("adversarial", 1, 2) end, {},
  function(o) return alien.unwrap("adversarial", o) end)
tamper("tagged-values-number", function() return alien.wrap("adversarial", 1, 2) end, 42,
  function(o) return alien.unwrap("adversarial", o) end)
tamper("callback-uservalue", function() return F.make.callback() end, {},
  function(cb) return cb(5, 3) end)

-- The caches: alien.loaded holding something that is not a library.
C.any("caches/loaded-junk", function()
  alien.loaded["adversarial-junk"] = 42
  return alien.load, "adversarial-junk"
end)
C.any("caches/loaded-other-library", function()
  alien.loaded["m"] = alien.default
  return function() return F.typed(alien.load("m"), "strlen", "size_t", "string")("abcd") end
end)

-- Libraries that are no libraries.
for _, path in ipairs{ "/", "/etc/passwd", "/dev/zero", "/dev/null", "/proc/self/exe", "/proc/self/maps" } do
  C.error("signatures/load-not-a-library" .. (path:gsub("/", "-")), function() return alien.load, path end)
end

-- GC pressure from C memory: memory behind buffers after realloc and behind
-- callbacks is invisible to Lua's collector unless alien reports it. 1000
-- dropped buffers grown to 1 MiB (1 GiB if none is collected) and 100000
-- dropped callbacks must keep the peak resident size under 256 MiB.
local function peak_kib()
  local f = io.open("/proc/self/status")
  if not f then F.skip("no /proc/self/status") end
  local text = f:read("*a")
  f:close()
  return tonumber(text:match("VmHWM:%s*(%d+)"))
end
C.ok("gc-pressure/realloced-buffers", function()
  for _ = 1, 1000 do
    local b = alien.buffer(8)
    b:realloc(2 ^ 20)
    alien.memset(b, 1, 2 ^ 20)
  end
  local peak = peak_kib()
  return peak < 256 * 1024, ("peak resident size %d MiB"):format(math.floor(peak / 1024))
end)
C.ok("gc-pressure/callbacks", function()
  for _ = 1, 100000 do alien.callback(print, "int", "int", "double", "pointer") end
  local peak = peak_kib()
  return peak < 256 * 1024, ("peak resident size %d MiB"):format(math.floor(peak / 1024))
end)
