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
