-- SPEC section 5: callbacks convert the same with and without the direct fast path
local alien = require "alien"
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

test("callbacks convert the same with and without direct calls", function()
  local results = {}
  for _, direct in ipairs { true, false } do
    alien.directcalls(direct)
    local seen = {}
    local r = {}
    r[#r + 1] = typed("tl_call_byte", "byte", "callback")(alien.callback(function() return 200 end, "byte"))
    r[#r + 1] = typed("tl_call_uint", "uint", "callback")(alien.callback(function() return -1 end, "uint"))
    r[#r + 1] = typed("tl_call_double", "double", "callback", "double")(alien.callback(function(x) return x * 3 end, "double", "double"), 0.5)
    r[#r + 1] = typed("tl_call_n", "int", "callback", "int")(alien.callback(function(i) return i + 0.75 end, "int", "int"), 4)
    r[#r + 1] = typed("tl_call_n", "int", "callback", "int")(alien.callback(function() end, "int", "int"), 4)
    r[#r + 1] = typed("tl_call_n", "int", "callback", "int")(alien.callback(function(i) return tostring(i) end, "int", "int"), 4)
    local buf = alien.buffer(4)
    local p = typed("tl_call_pointer", "pointer", "callback", "pointer")
    r[#r + 1] = p(alien.callback(function(q) seen[#seen + 1] = q; return buf end, "pointer", "pointer"), buf) == buf:topointer()
    r[#r + 1] = seen[1] == buf:topointer()
    r[#r + 1] = select(2, pcall(typed("tl_call_n", "int", "callback", "int"), alien.callback(function() return {} end, "int", "int"), 1)):match("callback returned table") ~= nil
    results[direct] = r
  end
  alien.directcalls(true)
  for i = 1, #results[true] do eq(results[true][i], results[false][i], "result " .. i) end
  eq(results[true][1], -56); eq(results[true][2], 4294967295); eq(results[true][3], 1.5); eq(results[true][4], 10)
  eq(results[true][5], 0); eq(results[true][6], 10); eq(results[true][7], true); eq(results[true][8], true); eq(results[true][9], true)
end)

-- Typed trampolines (trampoline.c): a callback with a direct plan gives C a
-- C function instead of its libffi closure, from a pool of 64 per result class.
test("every argument register reaches a callback called through a trampoline", function()
  local got
  local i6 = alien.callback(function(...) got = { ... }; return 42 end, "long", "long", "long", "long", "long", "long", "long")
  eq(typed("tl_call_i6", "long", "callback")(i6), 42)
  eq(table.concat(got, " "), "-1 2 -3 4 -5 6")
  local d8 = alien.callback(function(...) got = { ... }; return 0.25 end,
    "double", "double", "double", "double", "double", "double", "double", "double", "double")
  eq(typed("tl_call_d8", "double", "callback")(d8), 0.25)
  eq(table.concat(got, " "), "0.5 1.5 2.5 3.5 4.5 5.5 6.5 7.5")
  local narrow = alien.callback(function(...) got = { ... }; return -7 end, "int", "byte", "ushort", "char", "short")
  eq(typed("tl_call_narrow", "int", "callback", "long")(narrow, -1), -7)
  eq(table.concat(got, " "), "-2 65535 200 -300")
end)

test("more live callbacks than trampolines: the rest use libffi closures, all run their own function", function()
  local ints, doubles = {}, {}
  for i = 1, 150 do ints[i] = alien.callback(function(x) return x * 1000 + i end, "int", "int") end
  for i = 1, 80 do doubles[i] = alien.callback(function(x) return x + i end, "double", "double") end
  local call_n, call_d = typed("tl_call_n", "int", "callback", "int"), typed("tl_call_double", "double", "callback", "double")
  for i = 1, 150 do eq(call_n(ints[i], 1), 1000 + i, "int callback " .. i) end
  for i = 1, 80 do eq(call_d(doubles[i], 0.5), 0.5 + i, "double callback " .. i) end
  for i = 1, 150 do eq(ints[i](2), 2000 + i, "called from Lua " .. i) end
end)

test("a re-typed callback runs by its new signature, through C and from Lua", function()
  local cb = alien.callback(function(x) return x * 2 end, "int", "int")
  local call_n, call_d = typed("tl_call_n", "int", "callback", "int"), typed("tl_call_double", "double", "callback", "double")
  eq(call_n(cb, 3), 12)
  cb:types("double", "double")                        -- the other result class: its libffi closure
  eq(call_d(cb, 1.25), 2.5)
  eq(cb(0.5), 1)
  cb:types("int", "int")                              -- back to its trampoline
  eq(call_n(cb, 3), 12)
  cb:types("int", "ref int")                          -- no direct plan
  eq(cb(21), 42)
  cb:types("int", "int")
  eq(cb(5), 10)
  local buf = alien.buffer(8)                         -- the address stored comes back as the callback
  buf:set(1, cb, "callback")
  eq(buf:get(1, "callback"), cb)
  cb:types("double", "double")
  buf:set(1, cb, "callback")
  eq(buf:get(1, "callback"), cb)
end)

test("a collected callback's trampoline is reused by a new callback", function()
  local call_n = typed("tl_call_n", "int", "callback", "int")
  for round = 1, 5 do
    local cbs = {}
    for i = 1, 70 do cbs[i] = alien.callback(function(x) return x + round * 100 + i end, "int", "int") end
    for i = 1, 70, 7 do eq(call_n(cbs[i], 1), 1 + round * 100 + i) end
    for i = 1, 70 do cbs[i] = nil end
    collectgarbage(); collectgarbage()
  end
end)
