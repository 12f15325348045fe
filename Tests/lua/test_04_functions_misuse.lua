-- Misuse of alien's objects through their metatables: Lua code can reach
-- every metamethod and method with any value as self, and each must raise
-- a Lua error (or do nothing, for __gc), never read memory that is not an
-- alien object.
local alien = require "alien"

test("__call with something other than an alien function raises", function()
  local abs = typed_function(alien.default, "abs", "int", "int")
  local call = getmetatable(abs).__call
  raises(function() call(("x"):rep(100), 1) end, "not an alien function")
  raises(function() call(io.stdout, 1) end, "not an alien function")
  raises(function() call(alien.buffer(64), 1) end, "not an alien function")
  eq(call(abs, -5), 5)
end)

test("methods with a foreign self raise errors naming what was expected", function()
  local abs = alien.default.abs
  raises(function() abs.types(("x"):rep(100), "int") end, "alien_function expected, got string")
  raises(function() abs.types(alien.buffer(64), "int") end, "alien_function expected, got userdata")
  local buf = alien.buffer(8)
  raises(function() buf.get(("y"):rep(64), 1, "int") end, "alien buffer expected")
  raises(function() buf.set(io.stdout, 1, 1, "int") end, "alien buffer expected")
  local lib = alien.load("m")
  raises(function() getmetatable(lib).__index(alien.buffer(64), "sqrt") end, "alien_library expected")
  raises(function() tostring(getmetatable(lib).__tostring(io.stdout)) end, "alien_library expected")
end)

test("__gc with foreign values does nothing", function()
  local values = { ("z"):rep(80), io.stdout, alien.buffer(64), {}, 42 }
  local abs = alien.default.abs
  local heap = alien.buffer(4)
  heap:realloc(8)                                 -- a buffer's finaliser comes with heap memory
  for _, mt in ipairs { getmetatable(abs), getmetatable(heap), getmetatable(alien.load("m")) } do
    for _, v in ipairs(values) do mt.__gc(v) end
  end
  abs:types("int", "int")
  eq(abs(-3), 3)
end)

test("unwrap of a userdata with the tag's metatable but not made by wrap raises", function()
  local buf = alien.buffer(16)
  raises(function() alien.unwrap("test_tag_misuse", buf) end, "object with tag 'test_tag_misuse' expected")
end)
