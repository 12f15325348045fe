-- SPEC section 11: alien.table
local alien = require "alien"

test("alien.table preallocates a table", function()
  local t = alien.table(10, 5)
  eq(type(t), "table")
  eq(next(t), nil)
  eq(type(alien.table()), "table")
end)
