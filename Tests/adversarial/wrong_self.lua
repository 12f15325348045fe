-- Category 1: wrong `self` and wrong objects.
--
-- Every method and metamethod of every object kind is called with each core
-- value of F.values in the place of its object (long strings, tables, numbers,
-- nil, light userdata, io.stdout, and alien's objects of the other kinds): a Lua
-- error, never a crash ("wrong-self/<target>/<value>"). A __gc called by hand
-- on a wrong value may also do nothing. Each target also has a control case,
-- the same call on a right object, which must work: so a wrong-self case
-- fails only because of what it passes.
--
-- Then the module functions that take an alien object or memory
-- ("wrong-object/<function>/<value>"), where some values are right, and the
-- struct type methods called with fake struct types ("fake-struct/...").

local C, F = ...
local alien = F.alien

-- How a target finds its function on a right object.
local function mm(name) return function(o) return getmetatable(o)[name] end end
local function method(name) return function(o) return o[name] end end

-- { target, kind of the right object, finder, args after self (a table, or a
--   function giving one), expect ("error" unless "any") }
local targets = {
  { "library.__index", "library", mm("__index"), { "tl_add" } },
  { "library.__tostring", "library", mm("__tostring"), {} },
  { "library.__gc", "library", mm("__gc"), {}, "any" },

  { "function.__call", "function", mm("__call"), { "abc" } },
  { "function.__tostring", "function", mm("__tostring"), {} },
  { "function.__gc", "function", mm("__gc"), {}, "any" },
  { "function.types", "function", method("types"), { "size_t", "string" } },
  { "callback.__call", "callback", mm("__call"), { 5, 3 } },
  { "callback.types", "callback", method("types"), { "int", "int", "int" } },

  { "buffer.get", "buffer", method("get"), { 1, "int" } },
  { "buffer.get-default-type", "buffer", method("get"), { 1 } },
  { "buffer.get-string", "buffer", method("get"), { 1, "string" } },
  { "buffer.set", "buffer", method("set"), { 1, 5, "int" } },
  { "buffer.set-default-type", "buffer", method("set"), { 1, 65 } },
  { "buffer.set-double", "buffer", method("set"), { 1, 2.5, "double" } },
  { "buffer.strlen", "buffer", method("strlen"), {} },
  { "buffer.len", "buffer", method("len"), {} },
  { "buffer.tostring", "buffer", method("tostring"), { 4 } },
  { "buffer.tostring-no-length", "buffer", method("tostring"), {} },
  { "buffer.topointer", "buffer", method("topointer"), { 1 } },
  { "buffer.tooffset", "buffer", method("tooffset"),
    function(o) return { o:topointer(3) } end },
  { "buffer.realloc", "buffer", method("realloc"), { 32 } },
  { "buffer.__index", "buffer", mm("__index"), { 1 } },
  { "buffer.__newindex", "buffer", mm("__newindex"), { 1, 65 } },
  { "buffer.__len", "buffer", mm("__len"), {} },
  { "buffer.__tostring", "buffer", mm("__tostring"), {} },
  -- a buffer has a finaliser once realloc has put its bytes on the heap
  { "buffer.__gc", "buffer", function() local h = alien.buffer(1); h:realloc(2); return getmetatable(h).__gc end, {}, "any" },

  { "array.__index", "array", mm("__index"), { 1 } },
  { "array.__index-length", "array", mm("__index"), { "length" } },
  { "array.__index-size", "array", mm("__index"), { "size" } },
  { "array.__index-type", "array", mm("__index"), { "type" } },
  { "array.__index-buffer", "array", mm("__index"), { "buffer" } },
  { "array.__newindex", "array", mm("__newindex"), { 1, 5 } },
  { "array.__len", "array", mm("__len"), {} },
  { "array.ipairs", "array", method("ipairs"), {} },
  { "array.iterator", "array", function(o) return (o:ipairs()) end, { 0 } },
  { "array.realloc", "array", method("realloc"), { 8 } },

  { "instance.__index", "instance", mm("__index"), { "a" } },
  { "instance.__newindex", "instance", mm("__newindex"), { "a", 1 } },
  { "instance.__call", "instance", mm("__call"), {} },

  { "structtype.new", "structtype", method("new"), {} },
  { "structtype.byval", "structtype", method("byval"), {} },
}

-- Values of the same object kind as the target's are right, not wrong.
local same = {
  ["function"] = { ["function"] = true, callback = true },
  callback = { ["function"] = true, callback = true },
  buffer = { buffer = true, foreign = true },
}

local function args_of(t, o)
  local a = t[4]
  if type(a) == "function" then a = a(o) end
  return a
end

for _, t in ipairs(targets) do
  local target, kind, find, expect = t[1], t[2], t[3], t[5] or "error"
  if not target:find("__gc", 1, true) then
    C.ok("wrong-self/" .. target .. "/control", function()
      local o = F.make[kind]()
      local f = find(o)
      assert(type(f) == "function", "no function for " .. target)
      f(o, F.unpack(args_of(t, o)))
      return true
    end)
  end
  for _, v in ipairs(F.values) do
    local vname, make = v[1], v[2]
    if v.core and not (vname == kind or (same[kind] and same[kind][vname])) then
      C[expect]("wrong-self/" .. target .. "/" .. vname, function()
        local o = F.make[kind]()
        local f = find(o)
        assert(type(f) == "function", "no function for " .. target)
        local a = args_of(t, o)
        return f, make(), F.unpack(a)
      end)
    end
  end
end

-- Objects given a metatable of another kind through the debug library: the
-- methods then see the wrong self through the ordinary syntax.
for _, kind in ipairs{ "buffer", "array", "instance", "function", "library" } do
  C.error("wrong-self/debug-setmetatable/stdout-as-" .. kind, function()
    local mt = getmetatable(F.make[kind]())
    local file = io.tmpfile()
    debug.setmetatable(file, mt)
    return function()
      if kind == "buffer" then return file:get(1, "int")
      elseif kind == "array" then return file[1]
      elseif kind == "instance" then return file.a
      elseif kind == "function" then return file("abc")
      else return file.strlen end
    end
  end)
end

-- Module functions that take an alien object or memory. Per value: "error"
-- (the default), "ok" (must work), "any", or false (not run: the value is
-- memory alien must take on trust, or the call would rightly wreck the
-- runner's own io.stdout).
local MEMORY = { buffer = "ok", foreign = "ok", array = "ok", instance = "ok", lightuserdata = "ok",
                 ["bogus-lightuserdata"] = false }
local function with(base, extra)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end

local function works_as_callback(f)
  if getmetatable(f) == nil then return false, "funcptr returned " .. tostring(f) end
  f:types("int", "int", "int")
  local r = f(5, 3)
  return r == 2, "the function made by funcptr gave " .. tostring(r)
end

local wrong_object = {
  { "funcptr", function(v) return alien.funcptr, v end,
    { lightuserdata = "any", ["bogus-lightuserdata"] = "any", ["nil"] = "any",
      callback = { "any", works_as_callback },
      ["function"] = { "any", function(f)
        if getmetatable(f) == nil then return false, "funcptr returned " .. tostring(f) end
        f:types("size_t", "string")
        return f("abc") == 3, "the function made by funcptr is not strlen"
      end } } },
  { "byval", function(v) return alien.byval, v end,
    { buffer = "ok", instance = "ok", array = "any" } },
  { "unwrap", function(v) return alien.unwrap, "adversarial", v end, { tagged = false } },
  { "rewrap", function(v) return alien.rewrap, "adversarial", v, 7 end, { tagged = false } },
  { "memset", function(v) return alien.memset, v, 0, 4 end,
    with(MEMORY, { stdout = false }) },
  { "memmove-destination", function(v) return alien.memmove, v, "abcd", 4 end,
    with(MEMORY, { stdout = false }) },
  { "memmove-source", function(v) return alien.memmove, F.keep(alien.buffer(64)), v, 4 end,
    with(MEMORY, { stdout = "any", ["long-string40"] = "ok", ["long-string100"] = "ok" }) },
  { "tostring", function(v) return alien.tostring, v, 4 end,
    with(MEMORY, { stdout = "any", ["nil"] = "ok" }) },
  { "tostring-no-length", function(v) return alien.tostring, v end,
    with(MEMORY, { stdout = "any", ["nil"] = "ok", array = "any", instance = "any", newproxy = "any" }) },
  { "toint", function(v) return alien.toint, v, 2 end,
    with(MEMORY, { stdout = "any", ["nil"] = "ok" }) },
  { "todouble", function(v) return alien.todouble, v, 2 end,
    with(MEMORY, { stdout = "any", ["nil"] = "ok" }) },
  { "isnull", function(v) return alien.isnull, v end,
    { __default = "any", ["bogus-lightuserdata"] = "any" } },
  { "struct.unpack", function(v) return F.struct.unpack, "i", v, 4 end,
    with(MEMORY, { stdout = "any", ["long-string40"] = "any", ["long-string100"] = "any",
                   ["short-string"] = "any" }) },
  { "buffer", function(v) return alien.buffer, v end,
    { ["long-string40"] = "ok", ["long-string100"] = "ok", ["short-string"] = "ok",
      number = "ok", ["nil"] = "ok", lightuserdata = "ok",
      ["bogus-lightuserdata"] = "ok", buffer = "any", foreign = "any", array = "any",
      instance = "any" } },
  { "array-over", function(v) return alien.array, "int", 2, v end,
    { buffer = "ok", foreign = "ok", ["nil"] = "ok", array = "any", instance = "any",
      lightuserdata = "any", ["bogus-lightuserdata"] = "any" } },
  { "structtype.new-over", function(v) local st = F.structtype(); return st.new, st, v end,
    { buffer = "ok", foreign = "ok", ["nil"] = "ok", lightuserdata = "ok",
      ["bogus-lightuserdata"] = "ok", array = "any", instance = "any" } },
  { "sizeof", function(v) return alien.sizeof, v end, { structtype = "ok" } },
  { "wrap-value", function(v) return alien.wrap, "adversarial", v end,
    { __default = "ok", ["long-string40"] = "error", ["long-string100"] = "error",
      ["short-string"] = "error", table = "error",
      ["big-table"] = "error", boolean = "error", ["lua-function"] = "error",
      coroutine = "error", structtype = "error" } },
}

for _, w in ipairs(wrong_object) do
  local fname, call, expect = w[1], w[2], w[3]
  for _, v in ipairs(F.values) do
    local vname, make = v[1], v[2]
    local e = expect[vname]
    if e == nil then e = expect.__default or "error" end
    if e then
      local check
      if type(e) == "table" then e, check = e[1], e[2] end
      local name = "wrong-object/" .. fname .. "/" .. vname
      if e == "ok" then
        C.ok(name, function()
          local a = F.pack(call(make()))
          a[1](F.unpack(a, 2, a.n))
          return true
        end)
      else
        C[e](name, function() return call(make()) end, check)
      end
    end
  end
end

-- Struct type methods called on fake struct types: tables that are not what
-- alien.defstruct made, and real ones whose size or hidden field table was
-- changed by Lua code.
local fakes = {
  { "size8", function() return { size = 8 } end },
  { "empty", function() return {} end },
  { "negative-size", function() return { size = -1 } end },
  { "size-2^34", function() return { size = 2 ^ 34 } end },
  { "size-nan", function() return { size = 0 / 0 } end },
  { "size-string", function() return { size = "16" } end },
  { "with-metatable", function() return setmetatable({ size = 8 }, getmetatable(F.structtype())) end,
    byval = "any" },   -- byval only turns the size into type names: harmless for a sane size
  { "with-metatable-size-2^34", function()
      return setmetatable({ size = 2 ^ 34 }, getmetatable(F.structtype()))
    end },
  { "with-metatable-negative-size", function()
      return setmetatable({ size = -8 }, getmetatable(F.structtype()))
    end },
  { "other-fields", function()
      local st = F.structtype()
      local fake = { size = 16 }
      fake[F.fieldskey(st)] = { a = "junk" }
      return fake
    end },
}
for _, fake in ipairs(fakes) do
  C.error("fake-struct/new/" .. fake[1], function()
    return function() local st = fake[2](); local inst = F.structtype().new(st); return inst.a end
  end)
  C[fake.byval or "error"]("fake-struct/byval/" .. fake[1], function()
    local st = fake[2]()
    return F.structtype().byval, st
  end)
end

-- A real struct type whose hidden field table was replaced by another value.
for _, junk in ipairs{ { "string", "junk" }, { "number", 42 }, { "table", {} },
                       { "userdata", io.stdout }, { "nil", false } } do
  C.error("fake-struct/clobbered-fields-key/" .. junk[1], function()
    local st = F.structtype()
    local key = F.fieldskey(st)
    if junk[2] == false then st[key] = nil else st[key] = junk[2] end
    return function()
      local inst = st:new()
      inst.a = 1
      return inst.a
    end
  end)
end

-- A real struct type whose size was changed: the instance must still be
-- safe (an error, or a buffer of the real size).
for _, size in ipairs{ { "1", 1 }, { "0", 0 }, { "-1", -1 }, { "2^34", 2 ^ 34 }, { "nan", 0 / 0 } } do
  C.any("fake-struct/shrunk-size/" .. size[1], function()
    local st = F.structtype()
    st.size = size[2]
    return function()
      local inst = st:new()
      inst.b = 2.5
      return inst.b, #inst()
    end
  end, function(b, len)
    return b == 2.5 and len >= 16, ("b read back %s from a %s-byte buffer"):format(tostring(b), tostring(len))
  end)
end
