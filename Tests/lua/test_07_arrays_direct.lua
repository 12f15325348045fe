-- SPEC section 7: arr[i] and arr[i] = v of numeric elements are done by the
-- adapter (array.c); everything must read, store and fail exactly as the core does.
local alien = require "alien"

local kinds = { "char", "byte", "short", "ushort", "int", "uint", "long", "ulong", "longlong", "ulonglong",
                "size_t", "float", "double" }
local values = { 0, 1, -1, 127, 128, 255, 256, -129, 32767, 65535, 65536, 2^31 - 1, 2^31, -2^31, 2^32 - 1,
                 2^32, 2^53, -2^53, 0.5, -0.5, 1.25, 3.0, "7", "x", true, {}, nil }

-- The outcome of f as one string: its results or its error message.
local function pack(...) return { n = select("#", ...), ... } end
local function outcome(f)
  local r = pack(pcall(f))
  local parts = {}
  for i = 1, r.n do parts[#parts + 1] = tostring(r[i]) end
  return table.concat(parts, ",")
end

local function run_all(direct)
  alien.directcalls(direct)
  local out = {}
  for _, kind in ipairs(kinds) do
    local arr = alien.array(kind, 4)
    for n = 1, #values + 1 do
      local v = values[n]
      out[#out + 1] = kind .. "[" .. n .. "]=" .. outcome(function() arr[2] = v; return arr[2] end)
    end
    for _, i in ipairs { 0, 1, 4, 5, -1, 1.5, "2", 2^40 } do
      out[#out + 1] = kind .. " read " .. tostring(i) .. ": " .. outcome(function() return arr[i] end)
      out[#out + 1] = kind .. " write " .. tostring(i) .. ": " .. outcome(function() arr[i] = 3 end)
    end
  end
  alien.directcalls(true)
  return out
end

test("numeric elements read and store the same with and without direct access", function()
  local direct, core = run_all(true), run_all(false)
  eq(#direct, #core)
  for i = 1, #core do eq(direct[i], core[i], "case " .. i) end
end)

test("direct element access: values, bounds and the buffer underneath", function()
  local a = alien.array("int", { 10, 20, 30 })
  eq(a[1] + a[2] + a[3], 60)
  a[2] = -5
  eq(a[2], -5)
  eq(a.buffer:get(5, "int"), -5, "the write went to the buffer")
  raises(function() return a[4] end, "out of range")
  raises(function() a[0] = 1 end, "out of range")
  local d = alien.array("double", 2)
  d[1] = 0.1
  eq(d[1], 0.1)
  local u = alien.array("uint", 1)
  u[1] = -1
  eq(u[1], 4294967295)
  local c = alien.array("char", 1)
  c[1] = 300
  eq(c[1], 44)
end)

test("an array over a buffer shrunk under it stops at the buffer's end", function()
  local buf = alien.buffer(16)
  local a = alien.array("int", 4, buf)
  a[4] = 9
  eq(a[4], 9)
  buf:realloc(8)
  raises(function() return a[4] end, "out of range")
  raises(function() a[3] = 1 end, "out of range")
  a[2] = 7
  eq(a[2], 7)
end)

test("struct and pointer elements still go through the core", function()
  local p = alien.array("pointer", 1)
  local s = "kept alive by the array"
  p[1] = s
  eq(alien.tostring(p[1]), s)
  local pt = alien.defstruct { { "x", "int" }, { "y", "int" } }
  local pts = alien.array(pt, 2)
  pts[1] = { x = 1, y = 2 }
  eq(pts[1].y, 2)
end)
