-- SPEC section 13: a view (a nested struct, an array field) passed where
-- memory is wanted stands for its own bytes, not the start of the buffer.
local alien = require "alien"
local point = alien.defstruct { { "x", "int" }, { "y", "int" } }
local rect = alien.defstruct { { "tl", point }, { "br", point }, { "tags", "char", 8 } }

test("a nested struct passed as a pointer is its own memory", function()
  local memcpy = typed_function(alien.default, "memcpy", "pointer", "pointer", "pointer", "size_t")
  local r = rect:new()
  r.tl = { x = 1, y = 2 }
  r.br = { x = 42, y = 43 }
  local out = alien.buffer(8)
  memcpy(out, r.br, 8)
  eq(out:get(1, "int"), 42)
  eq(out:get(5, "int"), 43)
  alien.memmove(out, r.tl, 4)
  eq(out:get(1, "int"), 1)
end)

test("an array field passed as a pointer is its own memory, bounded by what follows it", function()
  local r = rect:new()
  alien.memmove(r.tags, "abc", 3)
  eq(r.tags:tostring(), "abc")
  eq(r.tl.x, 0)
  raises(function() alien.memset(r.tags, 0, 9) end, "out of bounds")
  raises(function() alien.memset(r.br, 0, 17) end, "out of bounds")
end)
