-- SPEC section 11: tags (alien.tag, wrap, unwrap, rewrap)
local alien = require "alien"

test("tag returns the same metatable for a name each time", function()
  local t = alien.tag("test_tag_a")
  eq(type(t), "table")
  eq(alien.tag("test_tag_a"), t)
  assert(alien.tag("test_tag_b") ~= t)
end)

test("wrap, unwrap and rewrap", function()
  local b = alien.buffer(4)
  local p = b:topointer()
  local obj = alien.wrap("test_tag_a", 1, nil, 2.5, p, b)
  eq(getmetatable(obj), alien.tag("test_tag_a"))
  local x, y, z, q, r = alien.unwrap("test_tag_a", obj)
  eq(x, 1); eq(y, nil); eq(z, 2.5); eq(q, p); eq(r, b)
  eq(select("#", alien.unwrap("test_tag_a", obj)), 5)
  alien.rewrap("test_tag_a", obj, 7, 8, 9, 10, 11, 12, 13)  -- extra ignored
  eq(select("#", alien.unwrap("test_tag_a", obj)), 5)
  local a1, _, _, _, a5 = alien.unwrap("test_tag_a", obj)
  eq(a1, 7); eq(a5, 11)
  alien.rewrap("test_tag_a", obj, 1)                  -- missing ones become nil
  local c1, c2 = alien.unwrap("test_tag_a", obj)
  eq(c1, 1); eq(c2, nil)
end)

test("the tag's __gc runs when the wrapped object is collected", function()
  local tag = alien.tag("test_tag_gc")
  local freed = {}
  tag.__gc = function(obj) freed[#freed + 1] = alien.unwrap("test_tag_gc", obj) end
  do
    alien.wrap("test_tag_gc", 11)
    alien.wrap("test_tag_gc", 22)
  end
  collectgarbage(); collectgarbage()
  table.sort(freed)
  eq(#freed, 2); eq(freed[1], 11); eq(freed[2], 22)
end)

test("wrong tags and bad values are Lua errors", function()
  local obj = alien.wrap("test_tag_a", 1)
  raises(function() alien.unwrap("test_tag_b", obj) end, "tag 'test_tag_b'", "unwrap")
  raises(function() alien.unwrap("test_tag_a", {}) end, "tag 'test_tag_a'")
  raises(function() alien.unwrap("test_tag_a", alien.buffer(4)) end, "tag 'test_tag_a'")
  raises(function() alien.rewrap("test_tag_b", obj, 1) end, "tag 'test_tag_b'", "rewrap")
  raises(function() alien.wrap("test_tag_a", {}) end, "bad argument #2 to 'wrap'")
  raises(function() alien.wrap("test_tag_a", 1, "str") end, "bad argument #3 to 'wrap'")
  raises(function() alien.wrap() end, "bad argument #1 to 'wrap'")
  raises(function() alien.tag() end, "bad argument #1 to 'tag'")
  -- a tag's name cannot reach alien's own metatables
  local fake = alien.wrap("alien_buffer", 1)
  raises(function() fake:get(1, "int") end)
end)
