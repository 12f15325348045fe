-- The alien fuzzer: lua Tests/fuzz/fuzz.lua SEED ITERATIONS
--
-- Calls every alien module function, every method and metamethod of every
-- kind of alien object (found through getmetatable(obj) and obj.method) and
-- alien.struct.* with random argument tuples drawn from a pool of interesting
-- values, and fuzzes struct formats and type names. Each call runs under
-- pcall: a Lua error is the expected outcome of most calls; a crash or a hang
-- is a bug in alien. Before each call one line describing it (iteration,
-- target, arguments) is written to the log and flushed, so after a crash the
-- last line of the log is the call that crashed.
--
-- Environment:
--   FUZZ_LOG=path    where the call log goes (default: stderr)
--   FUZZ_ONLY=pats   only targets whose name matches one of the Lua patterns
--                    (separated by ";")
--   FUZZ_SKIP=pats   no target whose name matches one of them (e.g. "__gc" to
--                    leave hand-called finalizers out while triaging)
--   FUZZ_KEEP=list   run only these iterations ("1-40,97"; the others are
--                    drawn but not run): what Tests/fuzz/minimize.lua uses
--   ALIEN_TESTLIB    build/testlib/libalientest.so: adds C functions that call
--                    callbacks (scenario targets) and more pure functions
--
-- Deterministic: the same seed gives the same calls under the same Lua (a
-- PRNG of its own, no pairs() order, no addresses). Works under Lua 5.1-5.4
-- and LuaJIT.
--
-- WHAT IS EXCLUDED, AND WHY. The manual (README "Usage") says misuse is a Lua
-- error "except where alien cannot know": memory it did not allocate and
-- declared signatures are taken on trust. So the fuzzer never makes a call
-- whose crash would be the caller's fault by the manual's own terms:
--
--  1. Foreign memory. The only light userdata in the pool point into the
--     middle of a 256 KiB "arena" buffer that the fuzzer keeps alive and never
--     puts in the pool (a buffer over such a pointer, alien.buffer(lud), and a
--     struct instance over one are in the pool as foreign memory). Wherever
--     foreign memory is read or written (memmove, memset, alien.tostring,
--     alien.to*, struct.unpack, alien.array over it, buf:get/set/tostring/
--     realloc, buf[i]), every size/offset/count argument must be "in the
--     window": not a number, or NaN, +-inf, |x| >= 2^64 (values no C size can
--     hold, which alien must reject), or |x| <= 1024. Everything else
--     (a 2^31-byte read through a pointer) would be the user's fault and is
--     skipped. No NULL or made-up pointer is ever produced: results of calls
--     are never put back in the pool.
--  2. Declared signatures. Every C function object in the pool points at a
--     function that reads no memory through its arguments (abs, labs, getpid,
--     fabs, pow, tl_add, ...), so any signature the fuzzer declares with
--     types() is harmless to call on x86-64/aarch64, with one exception: a
--     "string" result makes alien read a C string at whatever the function
--     returned. After every fuzzed types() call the fuzzer therefore records
--     the signature, and re-types the function with a safe one when the
--     result type is "string" (or when types() failed, so that what the
--     fuzzer believes is always what alien has). Callbacks are only called
--     from C with the signature the C function expects (set just before).
--  3. Reading pointers out of memory the fuzzer scribbled on: buf:get(off,
--     "string") reads a char * stored in the buffer, which may be any bytes
--     the fuzzer wrote there, so it is skipped; pool arrays and struct types
--     have no "string" elements or fields (they do have "pointer" and
--     "callback" ones, which are returned, never followed). Likewise a
--     callback called from Lua is not given a buffer or other userdata for a
--     "string" argument (its closure would strlen memory the fuzzer wrote).
--  4. Anything that ends the process on purpose or runs foreign code: no
--     os.exit, and function objects that are not pool entries (lib.exit as a
--     result of lib.__index, alien.funcptr results, buf:get(off, "callback")
--     results) are never called.
--  5. Pulling the rug from under C: while a C function is calling a pool
--     callback (the "C tl_call_*" scenarios), that callback is not re-typed
--     to another signature (C would go on calling it the old way; it is
--     re-typed to the same one instead, which still frees and remakes what
--     the running call uses), nor freed by hand with __gc, and no library is
--     closed by hand with __gc (the C code on the stack could be unmapped).
--  6. debug.setmetatable is applied to alien's full userdata only (strings,
--     numbers, functions and light userdata share one metatable per type).
-- Everything else is fair game, including finalizers called by hand
-- (getmetatable(obj).__gc(obj), then the object and everything that refers
-- to it used again), objects whose metatable or uservalue was replaced with
-- the debug library, struct types with clobbered fields, callbacks that
-- error, yield, collect garbage, recurse through C or re-type themselves,
-- and calls made inside coroutines.
-- Memory that alien owns (its buffers, arrays, struct instances, functions,
-- libraries, tagged objects, Lua strings) is fair game at any offset and
-- length: alien knows its size, and the manual promises a Lua error.

local alien = require "alien"
local struct = require "alien.struct"

local SEED = math.floor(tonumber(arg and arg[1]) or 1)
local ITERATIONS = math.floor(tonumber(arg and arg[2]) or 1000)
local ONLY = os.getenv("FUZZ_ONLY")
local SKIP = os.getenv("FUZZ_SKIP")
local logpath = os.getenv("FUZZ_LOG")
local log = io.stderr
if logpath and logpath ~= "" then log = assert(io.open(logpath, "w")) end

local function say(line)
  log:write(line, "\n")
  log:flush()
end

---------------------------------------------------------------------------
-- PRNG: Park-Miller "minimal standard" (48271), exact in doubles (products
-- stay below 2^47) and in 5.3+ integers alike. Two streams: the main one
-- chooses the calls; what runs during a call (callback bodies, nested calls)
-- draws from the second, so the choice of call i never depends on what the
-- calls before it did (FUZZ_KEEP and the minimizer rely on it).
local function seeded(s)
  s = s % 2147483646
  if s < 0 then s = s + 2147483646 end
  return s + 1
end
local streams = { seeded(SEED), seeded(SEED * 7 + 12345) }
local stream = 1
local function rnd()
  local x = (streams[stream] * 48271) % 2147483647
  streams[stream] = x
  return x
end
for _ = 1, 8 do rnd() end
stream = 2
for _ = 1, 8 do rnd() end
stream = 1
local function below(n) return rnd() % n end             -- 0 .. n-1
local function upto(n) return rnd() % n + 1 end          -- 1 .. n
local function chance(percent) return rnd() % 100 < percent end
local function pick(list) return list[upto(#list)] end

---------------------------------------------------------------------------
-- Describing values, on one line.
local function quote(s)
  local n = #s
  if n > 48 then
    local c = s:sub(1, 1)
    if s == c:rep(n) then return "(" .. quote(c) .. "):rep(" .. n .. ")" end
    return quote(s:sub(1, 40)) .. '.."..."--[[' .. n .. " bytes]]"
  end
  return '"' .. s:gsub("[%c\"\\\128-\255]", function(c) return string.format("\\%03d", c:byte()) end) .. '"'
end

local has_integers = math.type ~= nil
local function numdesc(x)
  if x ~= x then return "0/0" end
  if x == math.huge then return "math.huge" end
  if x == -math.huge then return "-math.huge" end
  if has_integers and math.type(x) == "integer" then
    if x == math.mininteger then return "math.mininteger" end
    if x == math.maxinteger then return "math.maxinteger" end
    return string.format("%d", x)
  end
  if x == math.floor(x) and x ~= 0 and math.abs(x) >= 2^20 then
    local e = math.floor(math.log(math.abs(x)) / math.log(2) + 0.5)
    local sign = x < 0 and "-" or ""
    for _, d in ipairs({ 0, 1, -1, 2, -2, 4096 }) do
      if 2^e + d == math.abs(x) and (d == 0 or 2^e + d ~= 2^e) then
        return sign .. "2^" .. e .. (d == 0 and "" or string.format("%+d", d))
      end
    end
  end
  if x == 0 and 1 / x < 0 then return "-0.0" end
  local s = string.format("%.17g", x)
  if has_integers and not s:find("[%.eEn]") then s = s .. ".0" end
  return s
end

-- Pool entries: { v = value, d = "description", k = kind, ... }.
-- Objects remember their entry, so any value can be described.
local entry_of = setmetatable({}, { __mode = "k" })
local function describe(v)
  local t = type(v)
  if t == "nil" or t == "boolean" then return tostring(v) end
  if t == "number" then return numdesc(v) end
  if t == "string" then return quote(v) end
  local e = entry_of[v]
  if e then return e.d end
  return "<" .. t .. ">"
end

---------------------------------------------------------------------------
-- Building the pool.
local pool = {}            -- every entry
local by_kind = {}         -- kind -> list of entries
local function add(kind, v, d, fields)
  local e = fields or {}
  e.v, e.d, e.k = v, d, kind
  pool[#pool + 1] = e
  by_kind[kind] = by_kind[kind] or {}
  table.insert(by_kind[kind], e)
  if type(v) == "userdata" or type(v) == "table" or type(v) == "function" or type(v) == "thread" then
    entry_of[v] = e
  end
  return e
end

-- add(kind, make(), ...) for objects whose construction may fail on a given build
local function try_add(kind, make, d, fields)
  local ok, v = pcall(make)
  if ok then return add(kind, v, d, fields) end
  say("NOTE could not make " .. d .. ": " .. tostring(v))
end

local function say_pool(e) say("POOL " .. e.d .. (e.how and (" = " .. e.how) or "")) end

say(string.format("FUZZ seed=%d iterations=%d %s alien %s", SEED, ITERATIONS, _VERSION .. (jit and (" " .. jit.version) or ""), tostring(alien.version)))

-- The arena: the only memory light userdata point into (see 1. above).
local ARENA_SIZE = 256 * 1024
local WINDOW = 1024
local arena = alien.buffer(ARENA_SIZE)
local ARENA_MIDDLE = 128 * 1024
local function arena_pointer(offset) return arena:topointer(ARENA_MIDDLE + offset) end

-- nil, booleans
add("nil", nil, "nil")
add("boolean", true, "true")
add("boolean", false, "false")

-- numbers
local numbers = {
  0, -0.0, 1, -1, 2, 3, 4, 7, 8, 9, 16, 17, 255, 256, 4096, 4097, 65536, 0.5, -0.5, 1.5, 3.75, math.pi,
  2^31, -2^31, 2^31 - 1, 2^32, 2^32 + 1, 2^53, 2^53 + 2, -2^53, 2^63, -2^63, 2^64, 2^64 + 4096, -2^64,
  2^100, 1e308, -1e308, 1e-300, 0 / 0, math.huge, -math.huge,
}
for _, x in ipairs(numbers) do add("number", x, numdesc(x)) end
if has_integers then
  for _, x in ipairs({ math.maxinteger, math.mininteger, math.maxinteger - 1, math.mininteger + 1 }) do
    add("number", x, numdesc(x))
  end
end

-- strings (including numeric ones, names of alien's metatables and registry keys)
local huge = ("x"):rep(1024 * 1024)
local strings = {
  "", "a", "abc", "hello", "0", "1", "10", "-1", " 5 ", "0x10", "1e308", "nan", "inf", "2^31", "1.5",
  "int", "string", "pointer", "callback", "ref int", "void", "double", "m", "c", "z", "libm.so.6",
  "abs", "strlen", "getpid", "no_such_symbol_hopefully",
  "alien_library", "alien_function", "alien_buffer", "alien_array", "alien_struct_instance",
  "alien_struct_type", "alien.callbacks", "alien.loaded", "alien.settings", "alien.struct", "alien.tag.",
  "fuzz", "\0", "a\0b", "abs\0junk", "int\0", "strlen\0junk", ("A"):rep(40), ("\255"):rep(100),
  huge, ("\0"):rep(70000),
}
for _, s in ipairs(strings) do add("string", s, quote(s)) end

-- Lua functions: also the bodies of the pool's callbacks.
local nested_call                         -- set below: calls a random target (depth-bounded)
local function pool_value() return pool[upto(#pool)].v end
local lua_functions = {
  { "function() end", function() end },
  { "function() return 1 end", function() return 1 end },
  { "function(...) return ... end", function(...) return ... end },
  { "function(a, b) return a - b end", function(a, b) return a - b end },
  { "function() return <pool value> end", function() return pool_value() end },
  { "function() return <pool values> end", function() return pool_value(), pool_value(), pool_value() end },
  { 'function() error("boom") end', function() error("boom") end },
  { "function() error({}) end", function() error({}) end },
  { "function() error(nil) end", function() error(nil) end },
  { "function() error(<1 MiB string>) end", function() error(huge) end },
  { 'function() collectgarbage() return 0 end', function() collectgarbage() return 0 end },
  { "function() return coroutine.yield(1) end", function() return coroutine.yield(1) end },
  { "function() return 0/0 end", function() return 0 / 0 end },
  { "function() return 2^63 end", function() return 2^63 end },
  { "function() return 'str' end", function() return "str" end },
  { "function() return {} end", function() return {} end },
  { "function() <nested fuzz call> end", function() return nested_call() end },
  { "function() <nested fuzz call> end(2)", function() nested_call() return nested_call() end },
  { "function f() return f() + 1 end (stack overflow)", nil },
}
do
  local function overflow() return overflow() + 1 end
  lua_functions[#lua_functions][2] = overflow
end
for _, f in ipairs(lua_functions) do add("luafunction", f[2], f[1]) end
add("thread", coroutine.create(function() end), "coroutine.create(function() end)")

-- plain tables
local big_table = {}
for i = 1, 1000 do big_table[i] = i end
local cyclic = {}
cyclic[1] = cyclic
cyclic.size = 8
local tables = {
  { {}, "{}" }, { { 1, 2, 3 }, "{1, 2, 3}" }, { { 1.5, "x", true }, '{1.5, "x", true}' },
  { { size = 8 }, "{size = 8}" }, { { size = -1 }, "{size = -1}" }, { { size = 2^34 }, "{size = 2^34}" },
  { { size = 0 / 0 }, "{size = 0/0}" }, { { size = "16" }, '{size = "16"}' },
  { { ret = "int" }, '{ret = "int"}' }, { { ret = "double", abi = "stdcall", "int" }, '{ret = "double", abi = "stdcall", "int"}' },
  { { ret = "int", abi = "fastcall" }, '{ret = "int", abi = "fastcall"}' },
  { { "int", "int" }, '{"int", "int"}' }, { { { "a", "int" } }, '{{"a", "int"}}' },
  { { { "a", "int" }, { "a", "char" } }, '{{"a", "int"}, {"a", "char"}}' },
  { { { 1, "int" } }, '{{1, "int"}}' }, { { "a", "int" }, '{"a", "int"}' },
  { big_table, "{1, 2, ..., 1000}" }, { cyclic, "cyclic" },
  { setmetatable({}, { __index = function() error("__index called") end }), "setmetatable({}, {__index = error})" },
  { setmetatable({}, { __len = function() return 2^40 end }), "setmetatable({}, {__len = 2^40})" },
}
for _, t in ipairs(tables) do add("table", t[1], t[2]) end
add("table", alien, "alien")
add("table", struct, "alien.struct")
add("table", alien.loaded, "alien.loaded")
add("table", alien.tag("fuzz"), 'alien.tag("fuzz")')

-- light userdata (into the arena only)
for _, off in ipairs({ 0, 1, 7, -16 }) do
  add("lud", arena_pointer(off), "arena:topointer(" .. (ARENA_MIDDLE + off) .. ")", { foreign = true })
end

-- libraries
local libm = alien.load("m")
add("library", alien.default, "alien.default")
add("library", libm, 'alien.load("m")')
local testlib_path = os.getenv("ALIEN_TESTLIB")
local testlib
if testlib_path and testlib_path ~= "" then
  local ok, lib = pcall(alien.load, testlib_path)
  if ok then testlib = lib; add("library", testlib, "testlib") end
end

-- C function objects: all pure (see 2. above). sig = the types in force.
local function sig_of(ret, ...) return { ret = ret, args = { ... } } end
local cfunctions = {
  { alien.default, "abs", sig_of("int", "int") },
  { alien.default, "labs", sig_of("long", "long") },
  { alien.default, "getpid", nil },                          -- untyped
  { libm, "fabs", sig_of("double", "double") },
  { libm, "pow", sig_of("double", "double", "double") },
  { libm, "floor", sig_of("float", "float") },
}
if testlib then
  local mixed = { "int", "double", "long", "float", "short", "double", "longlong", "double", "char", "double",
                  "int", "double", "long", "double", "byte", "double", "uint", "double", "size_t", "double" }
  local many = {}
  for i = 1, 12 do many[i] = "long" end
  for _, f in ipairs({
    { "tl_add", sig_of("int", "int", "int") },
    { "tl_pointer", sig_of("pointer", "pointer") },
    { "tl_ulonglong", sig_of("ulonglong", "ulonglong") },
    { "tl_byte_of", sig_of("byte", "int") },
    { "tl_mixed20", sig_of("double", (table.unpack or unpack)(mixed)) },
    { "tl_sum12", sig_of("long", (table.unpack or unpack)(many)) },
    { "tl_void", sig_of("void") },
    { "tl_is_null", sig_of("int", "pointer") },
  }) do
    table.insert(cfunctions, { testlib, f[1], f[2] })
  end
end

local types_method = alien.default.abs.types   -- saved: a pool object's metatable may be swapped
local function apply_sig(f, sig)
  if sig.args then
    return pcall(types_method, f, sig.ret, (table.unpack or unpack)(sig.args))
  end
  return true
end

for _, c in ipairs(cfunctions) do
  local lib, name, sig = c[1], c[2], c[3]
  local f = lib[name]
  local libname = describe(lib)
  add("cfunction", f, libname .. "." .. name, { sig = sig, safe = sig or sig_of("int") })
  if sig then assert(apply_sig(f, sig)) end
end
do -- an untyped function from a pointer: abs through alien.funcptr
  local tmp = alien.buffer(8)
  tmp:set(1, alien.default.abs, "callback")
  add("cfunction", alien.funcptr(tmp:get(1, "pointer")), "alien.funcptr(<address of abs>)", { safe = sig_of("int") })
end

-- callbacks, with Lua functions of the pool as bodies
local callback_specs = {
  { 2, sig_of("int", "int") }, { 3, sig_of("int", "int", "int") }, { 4, sig_of("int", "ref int", "ref int") },
  { 5, sig_of("double", "double", "double") }, { 7, sig_of("void") }, { 5, sig_of("pointer", "pointer") },
  { 3, sig_of("callback", "callback") }, { 6, sig_of("longlong", "string", "ulonglong", "byte") },
  { 17, sig_of("int", "int") }, { 12, sig_of("int", "int") }, { 11, sig_of("double", "ref double") },
  { 10, sig_of("char", "char", "float") },
}
for _, spec in ipairs(callback_specs) do
  local body = lua_functions[spec[1]]
  local sig = spec[2]
  local cb = alien.callback(body[2], sig.ret, (table.unpack or unpack)(sig.args))
  local names = { quote(sig.ret) }
  for _, a in ipairs(sig.args) do names[#names + 1] = quote(a) end
  add("callback", cb, "alien.callback(" .. body[1] .. ", " .. table.concat(names, ", ") .. ")", { sig = sig, safe = sig })
end
local retype_self   -- set below, once the types target exists
do -- a callback whose body re-types the callback itself (while it runs)
  local e
  local cb = alien.callback(function() if retype_self then retype_self(e) end return 0 end, "int", "int")
  e = add("callback", cb, 'alien.callback(function() <re-types itself> end, "int", "int")',
          { sig = sig_of("int", "int"), safe = sig_of("int", "int") })
end
do
  local cb = alien.callback(lua_functions[3][2], { ret = "int", abi = "cdecl", "int", "double" })
  add("callback", cb, 'alien.callback(function(...) return ... end, {ret = "int", abi = "cdecl", "int", "double"})',
      { sig = sig_of("int", "int", "double"), safe = sig_of("int", "int", "double") })
end

-- buffers (own, over foreign memory, without a NUL)
local b16 = alien.buffer(16)
add("buffer", alien.buffer(0), "alien.buffer(0)")
add("buffer", alien.buffer(1), "alien.buffer(1)")
add("buffer", b16, "alien.buffer(16)")
add("buffer", alien.buffer(64), "alien.buffer(64)")
add("buffer", alien.buffer(), "alien.buffer()")
add("buffer", alien.buffer("hello"), 'alien.buffer("hello")')
do
  local b = alien.buffer(8)
  alien.memset(b, 65, 8)
  add("buffer", b, "alien.buffer(8) memset to 65 (no NUL)")
  local r = alien.buffer(8)
  r:realloc(100)
  add("buffer", r, "alien.buffer(8):realloc(100)")
end
add("buffer", alien.buffer(arena_pointer(0)), "alien.buffer(arena:topointer(...))", { foreign = true })

-- arrays (no "string" elements, see 3. above)
local shared = alien.buffer(32)
add("buffer", shared, "alien.buffer(32) (shared with an array)")
try_add("array", function() return alien.array("int", { 1, 2, 3, 4 }) end, 'alien.array("int", {1, 2, 3, 4})')
try_add("array", function() return alien.array("double", 3) end, 'alien.array("double", 3)')
try_add("array", function() return alien.array("char", {}) end, 'alien.array("char", {})')
try_add("array", function() return alien.array("pointer", { "abc", b16, shared }) end, 'alien.array("pointer", {"abc", buf16, shared})')
try_add("array", function() return alien.array("callback", 2) end, 'alien.array("callback", 2)')
try_add("array", function() return alien.array("short", 4, shared) end, 'alien.array("short", 4, shared)')
do
  local a = alien.array("ulonglong", { 1, 2 })
  add("array", a, 'alien.array("ulonglong", {1, 2})')
  add("buffer", a.buffer, 'alien.array("ulonglong", {1, 2}).buffer')
end

-- struct types, instances (no "string" fields, see 3. above)
local st1 = alien.defstruct { { "a", "int" }, { "b", "double" }, { "c", "char" } }
local st2 = alien.defstruct { { "p", "pointer" }, { "cb", "callback" }, { "n", "short" } }
local st3 = alien.defstruct { { "x", "longlong" } }
local st4 = alien.defstruct { { "c", "char" } }
add("structtype", st1, 'defstruct{{"a","int"},{"b","double"},{"c","char"}}', { fields = { "a", "b", "c" } })
add("structtype", st2, 'defstruct{{"p","pointer"},{"cb","callback"},{"n","short"}}', { fields = { "p", "cb", "n" } })
add("structtype", st3, 'defstruct{{"x","longlong"}}', { fields = { "x" } })
add("structtype", st4, 'defstruct{{"c","char"}}', { fields = { "c" } })
do
  local over = alien.buffer(64)
  add("buffer", over, "alien.buffer(64) (under an instance)")
  add("instance", st1:new(), "st1:new()", { fields = { "a", "b", "c" } })
  add("instance", st2:new(over), "st2:new(alien.buffer(64))", { fields = { "p", "cb", "n" } })
  add("instance", st3:new(), "st3:new()", { fields = { "x" } })
  add("instance", st4:new(), "st4:new()", { fields = { "c" } })
  add("instance", st1:new(arena_pointer(64)), "st1:new(arena:topointer(...))", { fields = { "a", "b", "c" }, foreign = true })
end

-- tagged objects
add("tagged", alien.wrap("fuzz", 1, b16, nil, arena_pointer(0)), 'alien.wrap("fuzz", 1, buf16, nil, lud)')
add("tagged", alien.wrap("fuzz2"), 'alien.wrap("fuzz2")')

---------------------------------------------------------------------------
-- Generators: values aimed at a parameter (a hint), or any pool value.
local function from(kinds)
  return function()
    local list = by_kind[pick(kinds)]
    if not list or #list == 0 then return pool[upto(#pool)] end
    return pick(list)
  end
end
local function gen(v, d) return { v = v, d = d or describe(v) } end
local function any() return pool[upto(#pool)] end

local small_sizes = { 0, 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 24, 32, 63, 64, 65, 100, 1000, 4096, 8192 }
local function G_number()
  if chance(50) then return gen(below(20) - 2) end
  return from({ "number" })()
end
local function G_size()
  if chance(70) then return gen(pick(small_sizes)) end
  if chance(20) then return from({ "string" })() end
  return from({ "number" })()
end
local function G_offset()
  if chance(70) then return gen(below(80) - 8) end
  return from({ "number" })()
end

local valid_types = {
  "void", "byte", "char", "short", "ushort", "int", "uint", "long", "ulong", "longlong", "ulonglong",
  "ptrdiff_t", "size_t", "float", "double", "string", "pointer", "callback", "ref char", "ref int",
  "ref uint", "ref double",
}
local junk = { " ", "\0", "x", "*", "\255", "\0\0", "ref ", "  ", "\t" }
local function G_typename()
  local r = below(100)
  local name = pick(valid_types)
  if r < 55 then return gen(name) end
  if r < 65 then return gen(name .. pick(junk)) end
  if r < 70 then return gen(pick(junk) .. name) end
  if r < 75 then return gen(name:upper()) end
  if r < 80 then return gen(name:sub(1, below(#name))) end
  if r < 85 then -- random bytes over the names' alphabet
    local alphabet = "abcdefghilnoprstuvyz _\0"
    local t = {}
    for i = 1, upto(11) do local p = upto(#alphabet); t[i] = alphabet:sub(p, p) end
    return gen(table.concat(t))
  end
  if r < 88 then return gen(name:rep(1 + below(3000))) end
  if r < 90 then return gen(name .. "\0" .. pick(valid_types)) end
  return any()
end

local format_alphabet = { "<", ">", "=", "!", "b", "B", "h", "H", "l", "L", "j", "J", "T", "i", "I", "f", "d", "s",
                          "c", "x", "p", " ", "0", "1", "2", "4", "8", "9" }
local counts = { "0", "1", "2", "3", "4", "8", "9", "16", "17", "100", "255", "4096", "2147483647", "2147483648",
                 "4294967296", "9007199254740993", "18446744073709551616", "999999999999999999999" }
local function G_format()
  local r = below(100)
  if r < 8 then return any() end
  local parts = {}
  for i = 1, upto(8) do
    local x = below(100)
    if x < 60 then parts[i] = pick(format_alphabet)
    elseif x < 80 then parts[i] = pick({ "i", "I", "c", "!", "s", "x" }) .. pick(counts)
    elseif x < 90 then parts[i] = string.char(below(256))
    else parts[i] = pick({ "c0", "s", "p", "!8", "!16", ">i8", "<I3" }) end
  end
  return gen(table.concat(parts))
end

local G_memory = from({ "buffer", "buffer", "array", "instance", "lud", "string", "tagged", "cfunction", "library", "callback" })
local G_buffer = from({ "buffer" })
local G_array = from({ "array" })
local G_instance = from({ "instance" })
local G_struct = function()
  if chance(70) then return from({ "structtype" })() end
  return from({ "table" })()
end
local G_function = from({ "cfunction", "callback" })
local G_lua = from({ "luafunction" })
local G_library = from({ "library" })
local G_tagged = from({ "tagged" })
local G_string = from({ "string" })
local G_lud = from({ "lud" })
local function G_tagname()
  if chance(60) then return gen(pick({ "fuzz", "fuzz2", "other" })) end
  return from({ "string" })()
end
local function G_symbol()
  if chance(50) then return gen(pick({ "abs", "labs", "getpid", "strlen", "exit", "puts", "fabs", "tl_add", "nope", "abs\0junk", "" })) end
  return from({ "string" })()
end
local function G_libname()
  if chance(60) then return gen(pick({ "m", "c", "z", "libm.so.6", "", "m\0junk", "nope_no_such_lib", "/", "./" })) end
  return from({ "string" })()
end
local function G_field(self)
  local e = entry_of[self]
  if e and e.fields and chance(80) then return gen(pick(e.fields)) end
  return any()
end
local function G_value()
  return from({ "number", "number", "string", "buffer", "lud", "nil", "boolean", "callback", "cfunction", "table" })()
end
local function G_fielddefs()
  local t, descs = {}, {}
  for i = 1, upto(4) do
    local name = chance(90) and ("f" .. i) or G_string().v
    local ty = G_typename()
    t[i] = { name, ty.v }
    descs[i] = "{" .. describe(name) .. ", " .. ty.d .. "}"
  end
  if chance(10) then t[#t + 1] = G_value().v; descs[#descs + 1] = "<junk>" end
  return gen(t, "{" .. table.concat(descs, ", ") .. "}")
end
local function G_typelist()  -- the table form of types/callback
  local t, descs = {}, {}
  if chance(70) then local r = G_typename(); t.ret = r.v; descs[#descs + 1] = "ret = " .. r.d end
  if chance(30) then local a = gen(pick({ "default", "cdecl", "stdcall", "fastcall", "" })); t.abi = a.v; descs[#descs + 1] = "abi = " .. a.d end
  for i = 1, below(5) do local a = G_typename(); t[i] = a.v; descs[#descs + 1] = a.d end
  return gen(t, "{" .. table.concat(descs, ", ") .. "}")
end

---------------------------------------------------------------------------
-- Targets.
local targets = {}
-- mem: argument positions read or written as memory; len: positions that
-- are sizes, offsets or counts for that memory (see 1. above).
local function target(name, f, hints, opts)
  local t = {}
  for k, v in pairs(opts or {}) do t[k] = v end   -- opts tables are shared between targets
  t.name, t.f, t.hints = name, f, hints or {}
  targets[#targets + 1] = t
  return t
end

-- C declarations for alien.cdef (SPEC section 14), once it exists: token
-- soup, valid declarations with junk, NULs, huge inputs. No identifier names
-- a function of the pool (a declaration could type it).
local c_tokens = { "typedef", "struct", "union", "enum", "{", "}", ";", ",", "int", "char", "long", "unsigned",
  "double", "float", "void", "const", "volatile", "restrict", "*", "(", ")", "[", "]", "...", "=", "1", "0",
  "-1", "4294967296", "99999999999999999999", "fz_a", "fz_b", "fz_t", "fz_s", "__attribute__((packed))",
  "__attribute__((aligned(8)))", "__attribute__((aligned(3)))", "__extension__", "_Static_assert(1, \"x\");",
  "#", "/*", "*/", "//", "\n", "\0", ":", "3", "fz_f", "__asm__(\"fz\")", "inline" }
local c_snippets = { "struct fz_s { int a; char b[4]; };", "typedef struct fz_s fz_t;", "union fz_u { int a; double b; };",
  "enum fz_e { FZ_A = 1, FZ_B = -1 };", "int fz_f(int, ...);", "typedef int (*fz_cb)(int, double *);",
  "struct fz_n { struct fz_n *next; int v[0]; };", "struct fz_p { char c; long l; } __attribute__((packed));" }
local function G_csource()
  local r = below(100)
  if r < 10 then return any() end
  local parts = {}
  if r < 40 then
    for i = 1, upto(4) do parts[i] = pick(c_snippets) end
    if chance(50) then parts[#parts + 1] = pick(c_tokens) end
  else
    for i = 1, upto(24) do parts[i] = pick(c_tokens) end
  end
  local src = table.concat(parts, " ")
  if chance(5) then src = src:rep(1 + below(2000)) end
  return gen(src)
end

local known_module = {
  load = { G_libname },
  buffer = { function() return from({ "number", "string", "lud", "buffer", "table" })() end },
  array = { G_typename, function() if chance(60) then return G_size() end return from({ "table" })() end, G_buffer },
  memmove = { G_memory, function() return from({ "string", "buffer", "lud", "array", "instance" })() end, G_size },
  memset = { G_memory, G_number, G_size },
  isnull = { any },
  tostring = { G_memory, G_size },
  tag = { G_tagname },
  wrap = { G_tagname, G_value, G_value, G_value },
  unwrap = { G_tagname, G_tagged },
  rewrap = { G_tagname, G_tagged, G_value, G_value },
  funcptr = { function() return from({ "lud", "callback", "cfunction", "buffer", "number" })() end },
  callback = { G_lua, function() if chance(30) then return G_typelist() end return G_typename() end, G_typename, G_typename },
  defstruct = { G_fielddefs },
  byval = { G_memory },
  sizeof = { G_typename },
  align = { G_typename },
  errno = {},
  table = { G_number, G_number },
  directcalls = { function() return from({ "boolean", "nil", "number" })() end },
  pack = { G_format, G_value, G_value, G_value, G_value },
  unpack = { G_format, function() return from({ "string", "buffer", "lud", "array", "instance" })() end, G_size, G_offset },
  size = { G_format },
  offset = { G_format, G_offset },
  -- SPEC sections 13 and 14, when they exist
  cdef = { G_csource },
  defunion = { G_fielddefs, function() return from({ "table", "nil" })() end },
  offsetof = { G_typename, G_string },
  new = { G_typename, G_buffer },
  vararg = { G_typename, G_value },
  typeof = { G_typename },
}
local memory_targets = {
  memmove = { mem = { 1, 2 }, len = { 3 } },
  memset = { mem = { 1 }, len = { 3 } },
  tostring = { mem = { 1 }, len = { 2 } },
  byval = { mem = { 1 }, len = {} },
  unpack = { mem = { 2 }, len = { 3, 4 } },
  array = { mem = { 3 }, len = { 2 } },
}
local module_names = {}
for k, v in pairs(alien) do
  if type(v) == "function" then module_names[#module_names + 1] = k end
end
table.sort(module_names)
local unknown = {}
for _, k in ipairs(module_names) do
  local hints = known_module[k]
  local opts = memory_targets[k] or {}
  if not hints and k:match("^to") then
    hints = { G_memory, G_size }
    opts = { mem = { 1 }, len = { 2 }, count = true }
  end
  if not hints then unknown[#unknown + 1] = k; hints = { any, any, any } end
  target("alien." .. k, alien[k], hints, opts)
end
if #unknown > 0 then say("NOTE functions fuzzed with no hints (new?): alien." .. table.concat(unknown, ", alien.")) end
local struct_names = {}
for k, v in pairs(struct) do if type(v) == "function" then struct_names[#struct_names + 1] = k end end
table.sort(struct_names)
for _, k in ipairs(struct_names) do
  target("alien.struct." .. k, struct[k], known_module[k] or { any, any, any }, memory_targets[k])
end
do
  local mt = getmetatable(alien)
  if mt and type(mt.__index) == "function" then
    target("getmetatable(alien).__index", mt.__index, { function() return gen(alien, "alien") end, G_libname })
  end
end

-- Methods and metamethods of every object kind, from getmetatable(obj) and obj.method.
local function metatargets(kindname, sample, self_gen, hints_by_name, mem_by_name)
  local mt = getmetatable(sample)
  if type(mt) ~= "table" then return end
  local names = {}
  for k, v in pairs(mt) do if type(v) == "function" then names[#names + 1] = k end end
  local function add_targets(label, list, source)
    table.sort(list)
    for _, k in ipairs(list) do
      local hints = { self_gen }
      for _, h in ipairs(hints_by_name[k] or { any, any }) do hints[#hints + 1] = h end
      target(kindname .. label .. k, source[k], hints, mem_by_name[k])
    end
  end
  add_targets(" mt.", names, mt)
  local methods = {}
  if type(mt.__index) == "table" then
    for k, v in pairs(mt.__index) do if type(v) == "function" then methods[#methods + 1] = k end end
  else
    for k in pairs(hints_by_name) do
      if not k:match("^__") then
        local ok, v = pcall(function() return sample[k] end)
        if ok and type(v) == "function" then methods[#methods + 1] = k end
      end
    end
  end
  add_targets(":", methods, sample)
end

local function G_args_for(self) -- arguments shaped by a function's signature
  local e = entry_of[self]
  local out = {}
  local sig = e and e.sig
  local n = sig and #sig.args or below(4)
  if chance(15) then n = n + below(3) - 1 end
  for i = 1, math.max(n, 0) do
    local t = sig and sig.args[i]
    if t == "string" then out[i] = from({ "string", "number", "nil" })()
    elseif t == "pointer" then out[i] = from({ "lud", "buffer", "string", "nil", "array" })()
    elseif t == "callback" then out[i] = from({ "callback", "cfunction", "nil" })()
    elseif t and chance(85) then out[i] = G_number()
    else out[i] = any() end
  end
  return out
end

metatargets("library", alien.default, G_library, {
  __index = { G_symbol }, __tostring = {}, __gc = {},
}, {})
metatargets("function", alien.default.abs, G_function, {
  __call = { "sig" }, __tostring = {}, __gc = {},
  types = { function() if chance(25) then return G_typelist() end return G_typename() end, G_typename, G_typename, G_typename },
}, {})
local foreign_self = { mem = { 1 }, len = { 2 } }
local heap16 = alien.buffer(16)   -- on the heap: its metatable has the finaliser an inline buffer's lacks
heap16:realloc(16)
metatargets("buffer", heap16, G_buffer, {
  __index = { G_offset }, __newindex = { G_offset, G_number }, __len = {}, __tostring = {}, __gc = {},
  strlen = {}, len = {}, tostring = { G_size, G_offset }, topointer = { G_offset }, tooffset = { G_lud },
  get = { G_offset, G_typename }, set = { G_offset, G_value, G_typename }, realloc = { G_size },
}, {
  __index = foreign_self, __newindex = foreign_self, __tostring = foreign_self, strlen = foreign_self,
  len = foreign_self, tostring = { mem = { 1 }, len = { 2, 3 } }, get = foreign_self, set = foreign_self,
  realloc = foreign_self,
})
local sample_array = alien.array("int", { 1, 2 })
metatargets("array", sample_array, G_array, {
  __index = { function() if chance(80) then return G_offset() end return gen(pick({ "type", "length", "size", "buffer", "x" })) end },
  __newindex = { G_offset, G_value }, __len = {}, ipairs = {}, realloc = { G_size },
}, {})
do
  local iterate = sample_array:ipairs()
  target("array:ipairs() iterator", iterate, { G_array, G_offset })
end
metatargets("instance", st1:new(), G_instance, {
  __index = { G_field }, __newindex = { G_field, G_value }, __call = {},
}, {})
metatargets("structtype", st1, G_struct, {
  new = { function() return from({ "nil", "buffer", "lud", "instance", "array", "string", "number" })() end },
  byval = {},
}, {})

-- Scenarios: C calling a callback (the pool's, re-typed first to what C
-- expects, or a fresh one), so that callback errors, yields, collection and
-- nested alien calls happen under C frames.
if testlib then
  local function C(name, sig) local f = testlib[name]; assert(apply_sig(f, sig)); return f end
  local call_n = C("tl_call_n", sig_of("int", "callback", "int"))
  local call_double = C("tl_call_double", sig_of("double", "callback", "double"))
  local call_ref = C("tl_call_ref", sig_of("int", "callback"))
  local scenarios = {
    { "tl_call_n", call_n, sig_of("int", "int"), function() return gen(below(4)) end },
    { "tl_call_double", call_double, sig_of("double", "double"), G_number },
    { "tl_call_ref", call_ref, sig_of("int", "ref int", "ref double"), nil },
  }
  for _, s in ipairs(scenarios) do
    local cname, cf, cbsig, extra = s[1], s[2], s[3], s[4]
    target("C " .. cname, nil, {}, { scenario = function(call)
      local cb, cbdesc
      if chance(50) then
        local e = pick(by_kind.callback)
        cb, cbdesc = e.v, e.d
        call.retype = { e = e, sig = cbsig }
        call.busy = e
      else
        local body = pick(lua_functions)
        call.fresh = { body = body, sig = cbsig }
        cbdesc = "alien.callback(" .. body[1] .. ", <" .. cbsig.ret .. " sig>)"
      end
      local args = { gen(cb, cbdesc) }
      if extra then args[2] = extra() end
      call.args = args
      call.f = cf
    end })
  end
  -- A callback that C calls, which calls C, which calls it... without end:
  -- alien must bound the nesting with a Lua error (issue 14, item 7).
  local recursive
  recursive = alien.callback(function() return call_n(recursive, 1) + 1 end, "int", "int")
  target("C tl_call_n(recursive callback)", nil, {}, { scenario = function(call)
    call.args = { gen(recursive, "alien.callback(function(x) return tl_call_n(<itself>, 1) + 1 end, \"int\", \"int\")"), gen(1) }
    call.f = call_n
  end })
end

-- Mutations through the debug library and raw access: swapped metatables,
-- replaced uservalues (hidden tables), clobbered struct type fields. alien
-- must refuse such objects with an error from then on, never crash.
do
  local objects = { "library", "cfunction", "callback", "buffer", "array", "instance", "tagged", "lud" }
  local metatables = {}
  for _, k in ipairs(objects) do
    local e = by_kind[k] and by_kind[k][1]
    if e then metatables[#metatables + 1] = { getmetatable(e.v), "getmetatable(<" .. k .. ">)" } end
  end
  metatables[#metatables + 1] = { getmetatable(st1), "getmetatable(<struct type>)" }
  metatables[#metatables + 1] = { alien.tag("fuzz"), 'alien.tag("fuzz")' }
  metatables[#metatables + 1] = { {}, "{}" }
  local G_object = from({ "library", "cfunction", "callback", "buffer", "array", "instance", "tagged" })
  if debug and debug.setmetatable then
    -- full userdata only: strings, numbers, functions, light userdata share one
    -- metatable per type, and the fuzzer itself needs strings' methods
    local function full_userdata(v) return type(v) == "userdata" and entry_of[v] and entry_of[v].k ~= "lud" end
    target("debug.setmetatable", function(v, mt) if full_userdata(v) then debug.setmetatable(v, mt) end end, {
      G_object, function() local m = pick(metatables); return gen(m[1], m[2]) end,
    })
  end
  local setuservalue = debug and (debug.setuservalue or debug.setfenv)
  if setuservalue then
    target(debug.setuservalue and "debug.setuservalue" or "debug.setfenv",
           function(v, uv) if type(v) == "userdata" then return setuservalue(v, uv) end end, {
      G_object, function() return from({ "table", "nil", "number", "buffer" })() end,
    })
  end
  target("rawset(<struct type>, k, v)", function(st, key, v)
    if type(st) ~= "table" then return end
    if key == "hidden" then
      for k in pairs(st) do if type(k) == "userdata" then key = k end end
    end
    rawset(st, key, v)
  end, {
    from({ "structtype" }), function() return gen(pick({ "hidden", "size", "offsets", "types", "names", "new" })) end,
    function() return from({ "table", "number", "string", "nil", "buffer" })() end,
  })
end

-- GC and pool refreshing are targets too, so they happen at seeded times.
target("collectgarbage", function() collectgarbage() end, {}, { noargs = true })

-- FUZZ_ONLY / FUZZ_SKIP: Lua patterns separated by ";"
local function matches_any(name, spec)
  for pattern in spec:gmatch("[^;]+") do
    if name:find(pattern) then return true end
  end
  return false
end
local active = {}
for _, t in ipairs(targets) do
  local keep = true
  if ONLY and ONLY ~= "" and not matches_any(t.name, ONLY) then keep = false end
  if SKIP and SKIP ~= "" and matches_any(t.name, SKIP) then keep = false end
  if keep then active[#active + 1] = t end
end
assert(#active > 0, "no target left (FUZZ_ONLY/FUZZ_SKIP)")
say("TARGETS " .. #active .. " of " .. #targets)
for _, e in ipairs(pool) do say_pool(e) end

---------------------------------------------------------------------------
-- Safety rules (see the header).
local function in_window(v)
  local x = tonumber(v)
  if x == nil then return true end
  if x ~= x or x == math.huge or x == -math.huge then return true end
  if x >= 2^64 or x <= -2^64 then return true end
  return x >= -WINDOW and x <= WINDOW
end
local function is_foreign(v)
  if type(v) == "userdata" then
    local e = entry_of[v]
    if e then return e.foreign end
    return true -- not ours: never passed, but be safe
  end
  return false
end

local busy_c = 0   -- C scenarios running (nested)
local function unsafe(t, args, _, call)
  if t.mem then
    local foreign = false
    for _, i in ipairs(t.mem) do if is_foreign(args[i]) then foreign = true end end
    if foreign then
      for _, i in ipairs(t.len or {}) do
        if not in_window(args[i]) then return "foreign memory with size/offset " .. describe(args[i]) end
      end
    end
  end
  if (t.name == "alien.memmove") and is_foreign(args[1]) and args[3] == nil then
    -- the length defaults to the source's: only a short string is in the window
    if not (type(args[2]) == "string" and #args[2] <= WINDOW) then return "foreign destination, length by default" end
  end
  if t.name == "buffer:get" and args[3] == "string" then return "buf:get of a stored char *" end
  if (t.name == "function:types" or t.name == "function mt.__gc") and entry_of[args[1]] and entry_of[args[1]].busy
     and not call.same_sig then
    return "callback in use by C: re-typing it would break the calling convention C uses; freeing it, the code C runs"
  end
  if t.name == "library mt.__gc" and busy_c > 0 then return "library closed while C code may be running" end
  if t.name == "function mt.__call" then
    local e = entry_of[args[1]]
    if e and e.sig and e.k == "callback" then
      for i, ty in ipairs(e.sig.args) do
        if ty == "string" then
          local v = args[i + 1]
          local tv = type(v)
          if not (tv == "nil" or tv == "number" or tv == "string" or (tv == "userdata" and entry_of[v] and entry_of[v].k == "lud")) then
            return "userdata for a callback's string argument"
          end
        end
      end
    end
  end
  return nil
end

-- After a fuzzed types() on a pool function: track what alien now has, and
-- re-type when the result type would make alien read through a pointer.
local safe_names = {}
for _, name in ipairs(valid_types) do safe_names[name] = true end
local function after_types(self, ok, args, n)
  local e = entry_of[self]
  if not e or (e.k ~= "cfunction" and e.k ~= "callback") then return end
  local sig
  if ok then
    local first = args[2]
    if type(first) == "table" then
      if getmetatable(first) == nil then
        local list = {}
        for i = 1, #first do list[i] = first[i] end
        sig = { ret = first.ret == nil and "int" or first.ret, args = list }
      end
    else
      local list = {}
      for i = 3, n do list[#list + 1] = args[i] end
      sig = { ret = first, args = list }
    end
  end
  -- only the type names of the manual's table, and no "string" result: a
  -- name alien accepts beyond those (a C type name once alien.cdef exists,
  -- say "const char *") could read through a pointer, so it is not kept
  local known = sig ~= nil and (sig.ret == nil or (sig.ret ~= "string" and safe_names[sig.ret]))
  if known then
    for i = 1, #sig.args do if not safe_names[sig.args[i]] then known = false end end
  end
  if known then
    e.sig = sig
    return
  end
  -- failed, unknown or unsafe: back to a signature we know
  local back = e.sig or e.safe
  say(string.format("RESET %s:types(%s)", e.d, describe(back.ret)))
  local rok = apply_sig(self, back)
  if rok then e.sig = back
  else say("RESET failed") end
end

---------------------------------------------------------------------------
-- The loop.
local stats = { calls = 0, ok = 0, errors = 0, skipped = 0 }
local per_target = {}   -- name -> { calls, calls that returned }
local iteration = 0
local depth = 0
local MAXDEPTH = 3

local function build_call(t)
  local call = { t = t, args = {}, f = t.f }
  if t.scenario then
    t.scenario(call)
    call.coroutine = chance(8)
    return call
  end
  if t.noargs then return call end
  local hints = t.hints
  local n
  if chance(75) then n = #hints else n = below(6) end
  for i = 1, n do
    local h = hints[i]
    if h == "sig" then
      local self = call.args[1] and call.args[1].v
      for _, a in ipairs(G_args_for(self)) do call.args[#call.args + 1] = a end
      break
    end
    if h and chance(80) then call.args[i] = h(call.args[1] and call.args[1].v) else call.args[i] = any() end
  end
  if n == #hints and chance(10) then call.args[#call.args + 1] = any() end
  call.coroutine = chance(8)
  return call
end

local function run(call)
  local t = call.t
  local n = #call.args
  local args, descs = {}, {}
  for i = 1, n do args[i] = call.args[i].v; descs[i] = call.args[i].d end
  local prefix = depth > 0 and string.format("#%d.%d", iteration, depth) or ("#" .. iteration)
  if call.retype and call.retype.e.busy then
    stats.skipped = stats.skipped + 1   -- C is calling it with another signature (see 5. above)
    return
  end
  if call.retype then
    say(prefix .. " RESET " .. call.retype.e.d .. ":types(<" .. call.retype.sig.ret .. " sig for C>)")
    if not apply_sig(call.retype.e.v, call.retype.sig) then return end  -- collected by hand: skip
    call.retype.e.sig = call.retype.sig
  end
  if call.fresh then
    local sig = call.fresh.sig
    local ok, cb = pcall(alien.callback, call.fresh.body[2], sig.ret, (table.unpack or unpack)(sig.args))
    if not ok then return end
    args[1] = cb
    entry_of[cb] = { d = descs[1], k = "freshcallback" }
  end
  local why = unsafe(t, args, n, call)
  if why then stats.skipped = stats.skipped + 1; return end
  say(prefix .. " " .. t.name .. "(" .. table.concat(descs, ", ") .. ")")
  stats.calls = stats.calls + 1
  local ok
  local f = call.f
  local outer = stream
  stream = 2
  if call.busy then call.busy.busy = (call.busy.busy or 0) + 1 end
  if t.scenario then busy_c = busy_c + 1 end
  if call.coroutine and depth == 0 then
    -- inside a coroutine (a callback then runs on it)
    local co = coroutine.create(function() return pcall(f, (table.unpack or unpack)(args, 1, n)) end)
    local rok, pok = coroutine.resume(co)
    ok = rok and pok
  else
    ok = pcall(f, (table.unpack or unpack)(args, 1, n))
  end
  stream = outer
  if call.busy then call.busy.busy = call.busy.busy > 1 and call.busy.busy - 1 or nil end
  if t.scenario then busy_c = busy_c - 1 end
  if ok then stats.ok = stats.ok + 1 else stats.errors = stats.errors + 1 end
  local ts = per_target[t.name] or { 0, 0 }
  per_target[t.name] = ts
  ts[1], ts[2] = ts[1] + 1, ts[2] + (ok and 1 or 0)
  if t.name == "function:types" then after_types(args[1], ok, args, n) end
end

-- The body of the self-re-typing callback: random types while only Lua
-- calls it; while C calls it, the same types again (still frees and remakes
-- what the running call uses).
local types_target
for _, t in ipairs(targets) do if t.name == "function:types" then types_target = t end end
retype_self = function(e)
  if not types_target or depth >= MAXDEPTH then return end
  local args = { gen(e.v, e.d) }
  if e.busy then
    args[2] = gen(e.sig.ret)
    for i, a in ipairs(e.sig.args) do args[i + 2] = gen(a) end
  else
    for i = 2, 1 + upto(3) do args[i] = G_typename() end
  end
  depth = depth + 1
  local ok, err = pcall(run, { t = types_target, args = args, f = types_target.f, same_sig = e.busy ~= nil })
  depth = depth - 1
  if not ok then error(err, 0) end
end

function nested_call()
  if depth >= MAXDEPTH then return 0 end
  depth = depth + 1
  local ok, err = pcall(function() run(build_call(pick(active))) end)
  depth = depth - 1
  if not ok then error(err, 0) end
  return 0
end

-- FUZZ_KEEP="1-40,97,130-131": run only those iterations (the others are
-- drawn all the same, so the kept ones are the same calls): for minimizing.
local keep
local keepspec = os.getenv("FUZZ_KEEP")
if keepspec and keepspec ~= "" then
  keep = {}
  for part in keepspec:gmatch("[^,]+") do
    local a, b = part:match("^%s*(%d+)%s*%-%s*(%d+)%s*$")
    if not a then a = part:match("^%s*(%d+)%s*$"); b = a end
    assert(a, "bad FUZZ_KEEP part: " .. part)
    for i = tonumber(a), tonumber(b) do keep[i] = true end
  end
end

for i = 1, ITERATIONS do
  iteration = i
  local call = build_call(pick(active))
  if not keep or keep[i] then run(call) end
end

say("END collectgarbage")
collectgarbage()
collectgarbage()
for _, t in ipairs(active) do
  local ts = per_target[t.name] or { 0, 0 }
  say(string.format("STATS %-40s %6d calls %6d returned", t.name, ts[1], ts[2]))
end
say(string.format("DONE %d calls: %d ok, %d errors, %d skipped", stats.calls, stats.ok, stats.errors, stats.skipped))
io.stdout:write(string.format("fuzz: seed %d, %d iterations, %d calls (%d ok, %d Lua errors, %d skipped)\n",
  SEED, ITERATIONS, stats.calls, stats.ok, stats.errors, stats.skipped))
say("EXIT (finalizers at lua_close follow)")
