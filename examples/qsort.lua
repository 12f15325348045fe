-- qsort and bsearch from libc with Lua comparators (callbacks).
-- Library: libc (alien.default). Shows: a C array sorted in place, Lua values
-- of any kind sorted through an array of their indices, bsearch's result
-- pointer turned back into an index, and an error raised inside a callback.
local alien = require "alien"

local libc = alien.default
libc.qsort:types("void", "pointer", "size_t", "size_t", "callback")
libc.bsearch:types("pointer", "pointer", "pointer", "size_t", "size_t", "callback")

-- 1. Numbers in a C array. With "ref int" the callback gets the ints pointed at.
local by_value = alien.callback(function(a, b)
  return a < b and -1 or (a > b and 1 or 0)      -- not a - b: that can overflow an int
end, "int", "ref int", "ref int")
local nums = alien.array("int", { 42, -7, 19, 2147483647, 0, -2147483648, 19 })
libc.qsort(nums, nums.length, nums.size, by_value)
local sorted = {}
for i, v in nums:ipairs() do sorted[i] = v end
print("ints: " .. table.concat(sorted, " "))
assert(table.concat(sorted, " ") == "-2147483648 -7 0 19 19 42 2147483647")

-- bsearch returns a pointer into the array (or NULL); the buffer maps it back.
local key = alien.array("int", { 42 })
local found = libc.bsearch(key, nums, nums.length, nums.size, by_value)
local index = (nums.buffer:tooffset(found) - 1) / nums.size + 1
assert(index == 6 and nums[index] == 42, "bsearch finds 42")
key[1] = 5
assert(libc.bsearch(key, nums, nums.length, nums.size, by_value) == nil, "5 is not there")
print(("bsearch: 42 is element %d, 5 is absent"):format(index))

-- 2. Lua values C cannot hold: sort their indices, compare the values in Lua.
local people = {
  { name = "Ada", born = 1815 }, { name = "Grace", born = 1906 }, { name = "Alan", born = 1912 },
  { name = "Edsger", born = 1930 }, { name = "Barbara", born = 1939 }, { name = "Donald", born = 1938 },
}
local order = alien.array("int", #people)
for i = 1, #people do order[i] = i end
local by_name_length = alien.callback(function(i, j)
  local a, b = people[i], people[j]
  if #a.name ~= #b.name then return #a.name - #b.name end
  return a.born - b.born                         -- ties by year, so the order is total
end, "int", "ref int", "ref int")
libc.qsort(order, order.length, order.size, by_name_length)
local names = {}
for k, i in order:ipairs() do names[k] = people[i].name end
print("by name length: " .. table.concat(names, ", "))
assert(table.concat(names, ",") == "Ada,Alan,Grace,Edsger,Donald,Barbara")

-- 3. An error in a comparator does not unwind through qsort: qsort finishes
-- (the comparator returns 0 from then on) and the call raises the error.
local calls = 0
local broken = alien.callback(function(a, b)
  calls = calls + 1
  if calls == 3 then error("comparator gave up") end
  return a - b
end, "int", "ref int", "ref int")
local ok, err = pcall(libc.qsort, nums, nums.length, nums.size, broken)
assert(not ok and tostring(err):find("comparator gave up", 1, true), "the error comes back")
assert(calls == 3, "no Lua ran after the error")
print("error from the comparator: " .. tostring(err):match("[^\n]*"))
