-- SPEC section 7: arrays
local alien = require "alien"
local lib = alien.load(TESTLIB)

test("alien.array(type, n)", function()
  local a = alien.array("int", 4)
  eq(a.type, "int"); eq(a.length, 4); eq(a.size, 4); eq(#a, 4)
  eq(#a.buffer, 16)
  for i = 1, 4 do eq(a[i], 0) end
  a[2] = 42
  eq(a[2], 42)
  eq(a.buffer:get(5, "int"), 42, "the buffer sees it")
end)

test("alien.array(type, {values})", function()
  local a = alien.array("double", { 1.5, 2.5, 3.5 })
  eq(a.length, 3); eq(a.size, 8)
  eq(a[1], 1.5); eq(a[3], 3.5)
  local sum = lib.tl_sum_doubles
  sum:types("double", "pointer", "int")
  eq(sum(a.buffer, a.length), 7.5)
  eq(sum(a, a.length), 7.5, "an array is accepted as a pointer too")
end)

test("alien.array(type, n, buffer) views an existing buffer", function()
  local b = alien.buffer(8)
  b:set(1, 7, "int"); b:set(5, 9, "int")
  local a = alien.array("int", 2, b)
  eq(a.buffer, b)
  eq(a[1], 7); eq(a[2], 9)
  a[1] = 1
  eq(b:get(1, "int"), 1)
  local fill = lib.tl_static_ints
  fill:types("pointer")
  local foreign = alien.array("int", 4, alien.buffer(fill()))
  eq(foreign[4], 10)
end)

test("arrays of every numeric type", function()
  for _, t in ipairs { "byte", "char", "short", "ushort", "int", "uint", "long", "ulong",
                       "longlong", "ulonglong", "ptrdiff_t", "size_t", "float", "double" } do
    local a = alien.array(t, { 1, 2, 100 })
    eq(a.size, alien.sizeof(t), t)
    eq(a[1] + a[2] + a[3], 103, t)
  end
  eq(alien.array("byte", { -1 })[1], -1)
  eq(alien.array("char", { -1 })[1], 255)
end)

test("arrays of strings and pointers pin their values", function()
  local a = alien.array("string", { "one", "two", "three" })
  collectgarbage(); collectgarbage()
  eq(a[1], "one"); eq(a[3], "three")
  local total = lib.tl_total_length
  total:types("size_t", "pointer", "int")
  a[2] = "second" .. ("!"):rep(3)   -- a fresh string, referenced only by the array
  collectgarbage(); collectgarbage()
  eq(a[2], "second!!!")
  eq(total(a.buffer, 3), 3 + 9 + 5)
  a[2] = nil
  eq(a[2], nil)
  local p = alien.array("pointer", 2)
  do p[1] = alien.buffer("pinned buffer") end
  collectgarbage(); collectgarbage()
  eq(alien.tostring(p[1]), "pinned buffer")
  local numbers = alien.array("string", { 42 })
  eq(numbers[1], "42", "numbers convert to strings")
end)

test("indexes are bounds-checked", function()
  local a = alien.array("int", 3)
  raises(function() return a[0] end, "index 0 out of range 1..3")
  raises(function() return a[4] end, "index 4 out of range")
  raises(function() a[4] = 1 end, "out of range")
  raises(function() a[-1] = 1 end, "out of range")
  raises(function() a[1] = "x" end, "array element")
  raises(function() a[1] = {} end, "got table")
end)

test("ipairs iterates in order", function()
  local a = alien.array("short", { 5, 6, 7 })
  local seen = {}
  for i, v in a:ipairs() do seen[#seen + 1] = i .. "=" .. v end
  eq(table.concat(seen, " "), "1=5 2=6 3=7")
end)

test("realloc changes the length and keeps the contents", function()
  local a = alien.array("int", { 1, 2, 3 })
  a:realloc(5)
  eq(a.length, 5); eq(#a.buffer, 20)
  eq(a[3], 3); eq(a[5], 0)
  a[5] = 50
  a:realloc(2)
  eq(a.length, 2)
  raises(function() return a[3] end, "out of range")
  a:realloc(0)
  eq(a.length, 0)
  raises(function() return a[1] end, "out of range")
  raises(function() a:realloc(-2) end, "bad argument #1 to 'realloc'")
end)

test("qsort sorts an int array in place", function()
  -- comparator-free check through C: fill, then read back
  local a = alien.array("int", 4)
  local fill = lib.tl_fill_ints
  fill:types("void", "pointer", "int")
  fill(a.buffer, 4)
  eq(a[1] + a[4], 50)
end)

test("misuse of alien.array is a Lua error", function()
  raises(function() alien.array("int", -1) end, "bad argument #2 to 'array'")
  raises(function() alien.array("int", -3) end, "bad argument #2 to 'array'")
  raises(function() alien.array("nonsense", 3) end, "unknown type 'nonsense'")
  raises(function() alien.array(42, 3) end, "bad argument #1 to 'array'")
  raises(function() alien.array("int") end, "bad argument #2 to 'array'")
  raises(function() alien.array("int", 3, "x") end, "bad argument #3 to 'array'")
  raises(function() alien.array("int", 3, alien.buffer(8)) end, "too small")
  raises(function() alien.array("int", { 1, {}, 3 }) end, "got table")
end)

test("100,000 arrays are collected with memory staying flat", function()
  memory_stays_flat(function(i)
    local a = alien.array("int", { i, i + 1 })
    if i % 2 == 0 then a:realloc(64) end
  end)
end)

test("empty arrays, as in the original: length 0, from {}, over an empty buffer, realloc(0)", function()
  local empty = alien.array("int", 0)
  eq(empty.length, 0); eq(#empty, 0)
  raises(function() return empty[1] end, "out of range")
  for _ in empty:ipairs() do error("an empty array has no elements") end
  eq(alien.array("double", {}).length, 0)
  local chars = alien.array("char", 0, alien.buffer(""))   -- what an editor builds for an empty string
  eq(chars.length, 0); eq(chars:tostring(), "")
  empty:realloc(3)
  empty[3] = 7
  eq(empty[3], 7)
end)
