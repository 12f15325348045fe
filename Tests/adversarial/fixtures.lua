-- Shared by every case file: the module, the C test library, and makers for
-- one fresh object of each kind alien has, plus the odd values cases pass
-- where an object is wanted. Loaded by run_case.lua; each case file gets
-- this table as F.

local alien = require "alien"
local F = {}

F.alien = alien
F.struct = require "alien.struct"
F.libc = alien.default
F.TESTLIB = os.getenv("ALIEN_TESTLIB") or "build/testlib/libalientest.so"
F.LONG40 = ("x"):rep(40)
F.LONG100 = ("x"):rep(100)
F.INTEGERS = math.type ~= nil            -- 5.3 and 5.4
F.unpack = table.unpack or unpack
F.pack = table.pack or function(...) return { n = select("#", ...), ... } end

-- Values that must stay alive for the whole case (a foreign buffer's memory).
F.anchor = {}
local function keep(v) F.anchor[#F.anchor + 1] = v; return v end
F.keep = keep

-- The case does not apply to this Lua: the runner counts it as skipped.
F.SKIP = setmetatable({}, { __tostring = function() return "skip" end })
function F.skip(reason) error(setmetatable({ reason = reason }, F.SKIP), 0) end

function F.testlib() return alien.load(F.TESTLIB) end

-- lib[name] typed as (ret, arg...).
function F.typed(lib, name, ret, ...)
  local f = lib[name]
  f:types(ret, ...)
  return f
end

function F.tl(name, ret, ...) return F.typed(F.testlib(), name, ret, ...) end
function F.c(name, ret, ...) return F.typed(alien.default, name, ret, ...) end

-- A light userdata holding address n (n fits in a signed 64-bit integer).
function F.ptr(n)
  local b = alien.buffer(8)
  b:set(1, n, "longlong")
  return b:get(1, "pointer")
end

-- The struct type most cases use: { int a; double b; } (16 bytes).
function F.structtype()
  return alien.defstruct{ { "a", "int" }, { "b", "double" } }
end

-- The hidden key under which a struct type keeps its field table (the one
-- key of a struct type that is not a string).
function F.fieldskey(st)
  for k in pairs(st) do
    if type(k) ~= "string" then return k end
  end
  error("no hidden fields key in the struct type")
end

-- One fresh object of each kind alien makes.
F.make = {
  library = function() return alien.load(F.TESTLIB) end,
  ["function"] = function() return F.c("strlen", "size_t", "string") end,
  callback = function() return alien.callback(function(a, b) return a - b end, "int", "int", "int") end,
  buffer = function() return alien.buffer(16) end,
  foreign = function() return alien.buffer(keep(alien.buffer(16)):topointer()) end,
  array = function() return alien.array("int", { 1, 2, 3, 4 }) end,
  instance = function() return F.structtype():new() end,
  tagged = function() return alien.wrap("adversarial", 1, 2) end,
  structtype = function() return F.structtype() end,
}

-- Wrong values for `self` (and for any argument that wants an alien object):
-- the plain Lua values, then alien's own objects (F.make). Long strings
-- matter: their length is past the size of every object head. The `core`
-- ones are given to every method (wrong_self.lua); all of them to the module
-- functions that take objects.
F.values = {
  { "long-string40", function() return F.LONG40 end, core = true },
  { "long-string100", function() return F.LONG100 end, core = true },
  { "short-string", function() return "abc" end },
  { "table", function() return {} end, core = true },
  { "big-table", function() local t = {} for i = 1, 100 do t[i] = i end return t end },
  { "number", function() return 42 end, core = true },
  { "nil", function() return nil end, core = true },
  { "boolean", function() return true end },
  { "lightuserdata", function() return keep(alien.buffer(64)):topointer() end, core = true },
  { "bogus-lightuserdata", function() return F.ptr(16) end },
  { "stdout", function() return io.stdout end, core = true },
  { "lua-function", function() return print end },
  { "coroutine", function() return coroutine.create(function() end) end },
  { "newproxy", function()
      if not newproxy then F.skip("newproxy is 5.1 and LuaJIT only") end
      return newproxy(true)
    end, core = true },
}
for _, kind in ipairs{ "library", "function", "callback", "buffer", "foreign", "array",
                       "instance", "tagged", "structtype" } do
  F.values[#F.values + 1] = { kind, F.make[kind], alien = kind, core = true }
end

-- The eight numbers every size, offset and count parameter must refuse
-- (or, for foreign memory, at least survive).
F.numbers = {
  { "nan", 0 / 0 },
  { "inf", 1 / 0 },
  { "-inf", -1 / 0 },
  { "2^53", 2 ^ 53 },
  { "2^63", 2 ^ 63 },
  { "2^64+4096", 2 ^ 64 + 4096 },
  { "-1", -1 },
  { "-2^63", -2 ^ 63 },
  { "0.5", 0.5 },
}

-- Full collections, and a churn of fresh strings and buffers so that freed
-- memory is handed out again (a use after free then reads someone else's bytes).
function F.churn()
  collectgarbage("collect")
  collectgarbage("collect")
  local t = {}
  for i = 1, 2000 do
    t[i] = ("y"):rep(100) .. i
    t[-i] = alien.buffer(64)
    alien.memset(t[-i], 0x5A, 64)
  end
  return t
end

return F
