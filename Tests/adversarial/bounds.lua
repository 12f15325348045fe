-- Category 2: bounds. Every object alien owns knows its size, and every read
-- or write through memset, memmove, alien.tostring, alien.to<type>,
-- struct.unpack, buffer and array access is checked against it: past the
-- end is a Lua error, never a write into the heap or a read of it. (Only
-- foreign memory, light userdata and buffers over it, is taken on trust.)
-- The objects: a struct instance of 4 bytes, a function object, a tagged
-- userdata, a library, a callback, an array, buffers of 8 bytes, and a
-- zero-size userdata (newproxy, 5.1 and LuaJIT).

local C, F = ...
local alien, struct = F.alien, F.struct

local small = {
  instance = function() return alien.defstruct{ { "x", "int" } }:new() end,   -- 4 bytes
  ["function"] = F.make["function"],
  callback = F.make.callback,
  tagged = F.make.tagged,
  library = F.make.library,
  buffer = function() return alien.buffer(8) end,
  array = function() return alien.array("int", 2) end,                         -- 8 bytes
  newproxy = function()
    if not newproxy then F.skip("newproxy is 5.1 and LuaJIT only") end
    return newproxy(false)
  end,
}
local order = { "instance", "function", "callback", "tagged", "library", "buffer", "array", "newproxy" }

-- Past the end of each: writes, then reads.
for _, k in ipairs(order) do
  local make = small[k]
  C.error("bounds/memset/" .. k .. "-64-bytes", function() return alien.memset, make(), 65, 64 end)
  C.error("bounds/memset/" .. k .. "-9-bytes", function() return alien.memset, make(), 65, 9 end)
  C.error("bounds/memmove-into/" .. k, function() return alien.memmove, make(), F.LONG100 end)
  C.error("bounds/memmove-into/" .. k .. "-9-of-buffer", function()
    return alien.memmove, make(), alien.buffer(64), 9
  end)
  C.error("bounds/memmove-from/" .. k, function() return alien.memmove, alien.buffer(4096), make(), 4096 end)
  C.error("bounds/tostring/" .. k .. "-1e5", function() return alien.tostring, make(), 1e5 end)
  C.error("bounds/tostring/" .. k .. "-9", function() return alien.tostring, make(), 9 end)
  C.error("bounds/todouble/" .. k .. "-1000", function() return alien.todouble, make(), 1000 end)
  C.error("bounds/toint/" .. k .. "-3", function() return alien.toint, make(), 3 end)
  C.error("bounds/tolonglong/" .. k .. "-2", function() return alien.tolonglong, make(), 2 end)
  C.error("bounds/struct.unpack/" .. k .. "-c100000", function()
    return struct.unpack, "c100000", make(), 100000
  end)
  C.error("bounds/struct.unpack/" .. k .. "-c9-size9", function() return struct.unpack, "c9", make(), 9 end)
  C.error("bounds/struct.unpack/" .. k .. "-i-at-pos-8", function() return struct.unpack, "i", make(), 8, 8 end)
end

-- The same, at offsets: a read that starts inside and ends outside.
C.error("bounds/memmove/string-source-shorter-than-n", function()
  return alien.memmove, alien.buffer(64), "abc", 10
end)
C.error("bounds/memmove/buffer-source-shorter-than-n", function()
  return alien.memmove, alien.buffer(64), alien.buffer(8), 16
end)
C.error("bounds/struct.unpack/buffer-data-too-short", function() return struct.unpack, "c100", alien.buffer(8) end)
C.error("bounds/struct.unpack/buffer-pos-past-end", function() return struct.unpack, "i", alien.buffer(8), 8, 100 end)
C.error("bounds/struct.unpack/string-s-without-nul", function() return struct.unpack, "c3 s", "abcdef" end)
C.error("bounds/struct.unpack/buffer-s-without-nul", function()
  local b = alien.buffer(8)
  alien.memset(b, 65, 8)
  return struct.unpack, "s", b
end)
C.error("bounds/struct.unpack/string-pos-past-end", function() return struct.unpack, "i", "abcd", 3 end)
C.error("bounds/array/over-small-buffer", function() return alien.array, "double", 4, alien.buffer(8) end)
C.error("bounds/array/index-length-plus-1", function() local a = alien.array("int", 3); return function() return a[4] end end)
C.error("bounds/array/index-0", function() local a = alien.array("int", 3); return function() return a[0] end end)
C.error("bounds/array/set-length-plus-1", function() local a = alien.array("int", 3); return function() a[4] = 1 end end)
C.error("bounds/buffer/get-int-at-last-byte", function() local b = alien.buffer(8); return b.get, b, 8, "int" end)
C.error("bounds/buffer/get-0", function() local b = alien.buffer(8); return b.get, b, 0 end)
C.error("bounds/buffer/set-double-in-4-bytes", function() local b = alien.buffer(4); return b.set, b, 1, 1.5, "double" end)
C.error("bounds/buffer/index-past-end", function() local b = alien.buffer(8); return function() return b[9] end end)
C.error("bounds/buffer/newindex-past-end", function() local b = alien.buffer(8); return function() b[9] = 1 end end)
C.error("bounds/buffer/tostring-len-past-end", function() local b = alien.buffer(8); return b.tostring, b, 9 end)
C.error("bounds/buffer/tostring-offset-past-end", function() local b = alien.buffer(8); return b.tostring, b, 4, 6 end)
C.error("bounds/buffer/topointer-past-end", function() local b = alien.buffer(8); return b.topointer, b, 100 end)
C.error("bounds/buffer/get-pointer-at-byte-5", function() local b = alien.buffer(8); return b.get, b, 5, "pointer" end)
C.error("bounds/buffer/set-callback-at-last-byte", function()
  local b = alien.buffer(8)
  return b.set, b, 5, F.make.callback(), "callback"
end)
C.error("bounds/struct.new/over-a-short-buffer", function()
  -- an instance over a foreign pointer is on trust; over alien's own 16-byte buffer it is not
  local st = alien.defstruct{ { "a", "int" }, { "b", "double" }, { "c", "double" } }   -- 24 bytes
  local b = alien.buffer(16)
  return st.new, st, b
end)

-- Strings without a NUL: a C-string read stops at the end of the object.
-- (A buffer of 4096 'A's: strlen past it would meet the allocator's next
-- chunk, whose header bytes are not zero.)
local function no_nul(n)
  local b = alien.buffer(n)
  alien.memset(b, 65, n)
  return b
end
local function exactly(n)
  return function(s)
    if type(s) == "number" then return s == n, ("read %d bytes of a %d-byte buffer"):format(s, n) end
    return type(s) == "string" and #s == n and not s:find("[^A]"),
      ("read %s bytes of a %d-byte buffer"):format(type(s) == "string" and #s or tostring(s), n)
  end
end
for _, n in ipairs{ 4, 24, 4096 } do
  C.any("bounds/no-nul/alien.tostring-" .. n, function() return alien.tostring, no_nul(n) end, exactly(n))
  C.any("bounds/no-nul/buf-tostring-" .. n, function() local b = no_nul(n); return b.tostring, b end, exactly(n))
  C.any("bounds/no-nul/tostring-meta-" .. n, function() return tostring, no_nul(n) end, exactly(n))
  C.any("bounds/no-nul/strlen-" .. n, function() local b = no_nul(n); return b.strlen, b end, exactly(n))
end

-- An instance over a buffer that was shrunk after the instance was made.
C.error("bounds/instance/after-buffer-realloc", function()
  local st = F.structtype()
  local b = alien.buffer(16)
  local inst = st:new(b)
  b:realloc(1)
  return function() inst.b = 1.5; return inst.b end
end)
C.error("bounds/instance/read-after-buffer-realloc", function()
  local st = F.structtype()
  local b = alien.buffer(16)
  local inst = st:new(b)
  b:realloc(1)
  return function() return inst.b end
end)

-- Forging an object: bytes copied over a userdata must never make it an
-- alien object of another kind (here: the head of a buffer copied over a
-- tagged userdata, which would then pass for a buffer with any data pointer).
C.error("bounds/forge/buffer-head-over-tagged", function()
  local real = alien.buffer(64)
  local tagged = alien.wrap("forge", 1)
  return function()
    alien.memmove(tagged, real, 16)
    return real.get(tagged, 1, "int")
  end
end)
