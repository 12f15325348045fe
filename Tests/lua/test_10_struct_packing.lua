-- SPEC section 10: alien.struct pack, unpack, size, offset
local alien = require "alien"
local struct = require "alien.struct"
local lib = alien.load(TESTLIB)

local function hex(s) return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)) end

test("the four functions, also as alien.pack/unpack/size/offset", function()
  eq(alien.struct, struct)
  eq(alien.pack, struct.pack); eq(alien.unpack, struct.unpack)
  eq(alien.size, struct.size); eq(alien.offset, struct.offset)
end)

test("integers in both byte orders", function()
  eq(hex(struct.pack(">I4", 0x01020304)), "01020304")
  eq(hex(struct.pack("<I4", 0x01020304)), "04030201")
  eq(hex(struct.pack(">h", -2)), "fffe")
  eq(hex(struct.pack("<i3", -2)), "feffff")
  eq(hex(struct.pack("=H", 1)), "0100", "native is little endian here")
  eq(struct.unpack(">I4", "\1\2\3\4"), 0x01020304)
  eq(struct.unpack("<I4", "\1\2\3\4"), 0x04030201)
  eq(struct.unpack(">i2", "\255\254"), -2)
  eq(struct.unpack(">I2", "\255\254"), 65534)
end)

test("round trips of every letter, both byte orders, at the limits of each width", function()
  local cases = {
    { "b", -128, 127 }, { "B", 0, 255 }, { "h", -32768, 32767 }, { "H", 0, 65535 },
    { "i", -2147483648, 2147483647 }, { "I", 0, 4294967295 }, { "l", -2^53, 2^53 }, { "L", 0, 2^53 },
    { "j", -2^53, 2^53 }, { "J", 0, 2^53 }, { "T", 0, 2^53 }, { "i1", -128, 127 }, { "I1", 0, 255 },
    { "i3", -8388608, 8388607 }, { "I3", 0, 16777215 }, { "i5", -2^39, 2^39 - 1 }, { "I7", 0, 2^53 },
    { "i8", -2^53, 2^53 }, { "f", -0.5, 1.5 }, { "d", -1e300, 1e-300 },
  }
  for _, c in ipairs(cases) do
    for _, order in ipairs { "<", ">", "=" } do
      local fmt = order .. c[1] .. " " .. c[1]
      local packed = struct.pack(fmt, c[2], c[3])
      eq(#packed, struct.size(fmt), fmt .. " size")
      local x, y, pos = struct.unpack(fmt, packed)
      eq(x, c[2], fmt .. " low"); eq(y, c[3], fmt .. " high"); eq(pos, #packed + 1, fmt .. " next position")
    end
  end
end)

test("64-bit integers are exact on 5.3 and 5.4", function()
  if not LUA_INTEGERS then skip("no integer subtype: numbers are doubles before 5.3") end
  for _, fmt in ipairs { "<j", ">j", "<i8", ">l" } do
    eq(struct.unpack(fmt, struct.pack(fmt, math.mininteger)), math.mininteger, fmt)
    eq(struct.unpack(fmt, struct.pack(fmt, math.maxinteger)), math.maxinteger, fmt)
  end
  eq(struct.unpack("J", struct.pack("J", -1)), -1, "unsigned keeps its bits")
  eq(hex(struct.pack(">J", -1)), "ffffffffffffffff")
end)

test("strings: s zero-terminated, c[n] fixed, c0 from the previous value", function()
  local p = struct.pack("s c3 x", "hi", "abcdef")
  eq(p, "hi\0abc\0")
  local s, c, pos = struct.unpack("s c3 x", p)
  eq(s, "hi"); eq(c, "abc"); eq(pos, 8)
  local q = struct.pack("B c0", 5, "hello")
  eq(q, "\5hello")
  local text, next_pos = struct.unpack("B c0", q)
  eq(text, "hello"); eq(next_pos, 7)
  eq(struct.pack("c0", "anything"), "anything")
  eq(struct.pack("s", 42), "42\0", "numbers convert")
end)

test("alignment with ! and !n", function()
  eq(struct.size("b d"), 9, "no alignment by default")
  eq(struct.size("!b d"), 16)
  eq(struct.size("!4 b d"), 12)
  eq(struct.size("!2 b i"), 6)
  eq(struct.offset("!b d", 2), 9)
  eq(struct.offset("!4 b h b i", 4), 9)
  eq(struct.size("!8 b x h"), 4, "x is not aligned")
  local p = struct.pack("!b d", 1, 2.5)
  eq(#p, 16); eq(p:sub(2, 8), ("\0"):rep(7), "padding is zero")
  local b, d = struct.unpack("!b d", p)
  eq(b, 1); eq(d, 2.5)
  eq(struct.size("!4 c3 i"), 8, "c is not aligned, i is")
end)

test("offset counts values and gives 1-based offsets", function()
  eq(struct.offset("i i i", 1), 1)
  eq(struct.offset("i i i", 3), 9)
  eq(struct.offset("b x x h", 2), 4, "padding x is not a value")
  eq(struct.offset("b s", 2), 2, "an s value has an offset")
  raises(function() struct.offset("b s i", 3) end, "no fixed size")
  eq(struct.offset("i i", 3), struct.size("i i") + 1, "past the last item: just past the end, as the original")
  eq(struct.offset("b h", 9), struct.size("b h") + 1)
  raises(function() struct.offset("i", 0) end, "bad argument #2 to 'offset'")
end)

test("spaces are ignored", function()
  eq(struct.pack("  < i2   i2 ", 1, 2), struct.pack("<i2i2", 1, 2))
end)

test("unpack from a position, from buffers and from pointers", function()
  local p = struct.pack("<i i i", 1, 2, 3)
  local v, pos = struct.unpack("<i", p, 5)
  eq(v, 2); eq(pos, 9)
  local buf = alien.buffer(p)
  local a, b, c = struct.unpack("<i i i", buf)
  eq(a + b + c, 6)
  eq(struct.unpack("<i", buf, 12, 9), 3, "size then position for userdata")
  local x, y = struct.unpack("<i i", buf:topointer(), 8)
  eq(x, 1); eq(y, 2)
  raises(function() struct.unpack("<i", buf:topointer()) end, "bad argument #3 to 'unpack'")
  raises(function() struct.unpack("<i", buf, 100) end, "larger than the buffer")
end)

test("unpack a record a C function wrote into a buffer", function()
  local write = lib.tl_write_record
  write:types("void", "pointer")
  local buf = alien.buffer(16)
  write(buf)
  local id, h, d = struct.unpack(">I4 <h !8 d", buf, 16)
  eq(id, 0x12345678); eq(h, -2); eq(d, 2.5)
end)

test("unpack from a pointer returned by C", function()
  local get = lib.tl_padded_static
  get:types("pointer")
  local fmt = "!hlhl"
  local a, b, c, d = struct.unpack(fmt, get(), struct.size(fmt))
  eq(a, 7); eq(b, 8); eq(c, 9); eq(d, 10)
end)

test("pointers packed and unpacked back into buffers", function()
  local target = alien.buffer("pointed at")
  local p = struct.pack("p p", target, nil)
  eq(#p, 2 * alien.sizeof("pointer"))
  local ptr, null = struct.unpack("p p", p)
  eq(ptr, target:topointer()); eq(null, nil)
  eq(alien.buffer(ptr):tostring(), "pointed at")
  eq(struct.unpack("p", struct.pack("p", ptr)), ptr, "light userdata in")
end)

test("large formats and results", function()
  local fmt = ("i"):rep(500)
  local values = {}
  for i = 1, 500 do values[i] = i end
  local p = struct.pack(fmt, (unpack or table.unpack)(values))
  eq(#p, 2000)
  local out = { struct.unpack(fmt, p) }
  eq(#out, 501); eq(out[500], 500); eq(out[501], 2001)
  eq(#struct.pack("c2000", ("x"):rep(2000)), 2000)
end)

test("misuse is a Lua error", function()
  raises(function() struct.pack("z", 1) end, "invalid format option 'z'")
  raises(function() struct.size("i9") end, "integral size 9")
  raises(function() struct.size("i0") end, "integral size 0")
  raises(function() struct.size("!3 i") end, "alignment 3 is not a power of 2")
  raises(function() struct.size("c999999999999") end, "larger than")
  raises(function() struct.size("s") end, "no fixed size")
  raises(function() struct.size("c0") end, "no fixed size")
  raises(function() struct.pack("i", {}) end, "bad argument #2 to 'pack'", "got table")
  raises(function() struct.pack("i i", 1) end, "bad argument #3 to 'pack'", "no value")
  raises(function() struct.pack("d", "x") end, "bad argument #2 to 'pack'")
  raises(function() struct.pack("s", {}) end, "bad argument #2 to 'pack'")
  raises(function() struct.pack("c5", "abc") end, "shorter than c5")
  raises(function() struct.pack("p", 42) end, "bad argument #2 to 'pack'", "pointer")
  raises(function() struct.unpack("i", "ab") end, "data too short")
  raises(function() struct.unpack("s", "abc") end, "unfinished string")
  raises(function() struct.unpack("c0", "abc") end, "'c0' needs a previous size")
  raises(function() struct.unpack("i", {}) end, "bad argument #2 to 'unpack'")
  raises(function() struct.unpack("i", "abcd", 9) end, "bad argument #3 to 'unpack'")
  raises(function() struct.unpack("i", "abcd", 0) end, "bad argument #3 to 'unpack'")
  raises(function() struct.pack(nil) end, "bad argument #1 to 'pack'")
  raises(function() struct.size({}) end, "bad argument #1 to 'size'")
end)

test("fuzz: random formats and data return or raise, never crash", function()
  local seed = 12345
  local function random(n)          -- a fixed-seed LCG, the same on every Lua
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  local letters = "bBhHlLjJTiIfdscxp<>=! 0123456789"
  local outcomes = { ok = 0, err = 0 }
  for _ = 1, 3000 do
    local fmt = {}
    for _ = 1, 1 + random(8) do
      local k = random(#letters) + 1
      fmt[#fmt + 1] = letters:sub(k, k)
    end
    fmt = table.concat(fmt)
    local data = {}
    for _ = 1, random(40) do data[#data + 1] = string.char(random(256)) end
    data = table.concat(data)
    local args = {}
    for i = 1, random(6) do
      local kind = random(4)
      args[i] = kind == 0 and random(1000) - 500 or kind == 1 and data or kind == 2 and (random(100) / 7) or nil
    end
    for _, call in ipairs {
      function() return struct.size(fmt) end,
      function() return struct.offset(fmt, 1 + random(4)) end,
      function() return struct.pack(fmt, args[1], args[2], args[3], args[4], args[5], args[6]) end,
      function() return struct.unpack(fmt, data) end,
      function() return struct.unpack(fmt, data, 1 + random(#data + 1)) end,
    } do
      local ok, err = pcall(call)
      if ok then outcomes.ok = outcomes.ok + 1
      else
        assert(type(err) == "string" and #err > 0, "an error message")
        outcomes.err = outcomes.err + 1
      end
    end
  end
  assert(outcomes.ok > 1000 and outcomes.err > 1000, ("both outcomes exercised: %d ok, %d errors"):format(outcomes.ok, outcomes.err))
end)

test("struct.offset(fmt) without n is item 1's offset, as in the original", function()
  eq(struct.offset("!i b d"), 1)
  eq(struct.offset("!i b d", nil), 1)
  raises(function() struct.offset("!i b d", 0) end, "bad argument #2 to 'offset'")
end)

-- Integers are moved as whole words (swapped when the format's byte order is
-- not the machine's), and a result is packed in one walk into room on the C
-- stack, measured only when it does not fit: the tests below check each width,
-- order, alignment and the results larger than that room, against bytes
-- worked out here and, on 5.3+, against string.pack/string.unpack.

-- The bytes of the integer v (|v| <= 2^53, or any on 5.3+ within the width)
-- in `size` bytes, least significant first, as two's complement.
-- (Floor division: `//` on 5.3+, where it keeps integers exact; 5.1 cannot parse it.)
local idiv = LUA_INTEGERS and load("return function(a, b) return a // b end")()
  or function(a, b) return (a - a % b) / b end
local function le_bytes(v, size)
  local negative = v < 0
  local m = negative and (-v - 1) or v      -- the bits of v, inverted when negative
  local t = {}
  for i = 1, size do
    local b = m % 256
    m = idiv(m, 256)
    t[i] = negative and 255 - b or b
  end
  return t
end

local function bytes_string(t, big)
  local out = {}
  for i = 1, #t do out[i] = string.char(t[big and #t + 1 - i or i]) end
  return table.concat(out)
end

local string_pack, string_unpack = string.pack, string.unpack   -- 5.3+

-- Test values for an integer of `size` bytes: the extremes when exact here,
-- a pattern of distinct bytes, and small ones around 0.
local function integer_values(size, signed)
  local bits = 8 * size
  local values = { 0, 1, 2, 127, 128, 255 }
  if signed then
    for _, v in ipairs { -1, -2, -128, -129 } do values[#values + 1] = v end
  end
  local pattern = 0x1f2e3d4c5b6a79 % 2 ^ math.min(bits, 53)       -- distinct bytes, exact everywhere
  values[#values + 1] = pattern
  if LUA_INTEGERS then
    if bits < 64 then
      local half = math.tointeger(2 ^ (bits - 1))
      if signed then
        values[#values + 1] = -half; values[#values + 1] = half - 1
      else
        values[#values + 1] = 2 * half - 1; values[#values + 1] = half
      end
    else
      values[#values + 1] = math.mininteger; values[#values + 1] = math.maxinteger
      values[#values + 1] = math.tointeger(0x0102030405060708)
    end
  elseif bits <= 53 then
    if signed then
      values[#values + 1] = -2 ^ (bits - 1); values[#values + 1] = 2 ^ (bits - 1) - 1
    else
      values[#values + 1] = 2 ^ bits - 1; values[#values + 1] = 2 ^ (bits - 1)
    end
  else
    values[#values + 1] = 2 ^ 53; values[#values + 1] = -2 ^ 53
  end
  -- what fits the width as this signedness reads it
  local kept = {}
  for _, v in ipairs(values) do
    local fits
    if bits >= 64 or not LUA_INTEGERS and bits > 53 then fits = signed or v >= 0
    elseif signed then fits = v >= -2 ^ (bits - 1) and v < 2 ^ (bits - 1)
    else fits = v >= 0 and v < 2 ^ bits end
    if fits then kept[#kept + 1] = v end
  end
  return kept
end

test("integers of every size 1..8, both byte orders, signed and unsigned: the bytes, and back", function()
  for size = 1, 8 do
    for _, letter in ipairs { "i", "I" } do
      local signed = letter == "i"
      for _, v in ipairs(integer_values(size, signed)) do
        for _, order in ipairs { "<", ">", "=" } do
          local fmt = order .. letter .. size
          local what = ("%s with %s"):format(fmt, tostring(v))
          local expected = bytes_string(le_bytes(v, size), order == ">")
          eq(hex(struct.pack(fmt, v)), hex(expected), what)
          local back, pos = struct.unpack(fmt, expected)
          eq(back, v, what .. " unpacked"); eq(pos, size + 1, what .. " next position")
          if string_pack then
            eq(struct.pack(fmt, v), string_pack(fmt, v), what .. " as string.pack")
            eq(back, (string_unpack(fmt, expected)), what .. " as string.unpack")
          end
        end
      end
    end
  end
end)

test("64-bit unsigned values keep their bits; wider values keep their low bytes", function()
  eq(hex(struct.pack("<I2", 0x12345)), "4523", "the low bytes of a wider value")
  eq(hex(struct.pack(">i3", -0x1000001)), "ffffff")
  eq(struct.unpack("<i3", "\255\255\127"), 0x7fffff)
  eq(struct.unpack("<i3", "\0\0\128"), -0x800000)
  eq(struct.unpack(">I5", "\128\0\0\0\1"), 2 ^ 39 + 1)
  eq(struct.unpack(">i7", "\255\255\255\255\255\255\254"), -2)
  eq(struct.unpack("<i6", "\1\2\3\4\5\6"), 0x060504030201)
  if not LUA_INTEGERS then return end
  for _, order in ipairs { "<", ">" } do
    for _, fmt in ipairs { order .. "J", order .. "I8", order .. "L" } do
      eq(struct.unpack(fmt, struct.pack(fmt, -1)), -1, fmt)
      eq(struct.pack(fmt, math.mininteger), string_pack(fmt, math.mininteger), fmt)
      eq(struct.unpack(fmt, string_pack(fmt, math.maxinteger)), math.maxinteger, fmt)
    end
  end
end)

test("integers, floats and doubles at unaligned positions, packed and unpacked", function()
  local pointer_size = alien.sizeof("pointer")
  for lead = 0, 7 do
    local prefix = ("\7"):rep(lead)
    for size = 1, 8 do
      for _, order in ipairs { "<", ">" } do
        local v = -(0x1f2e3d4c5b6a79 % 2 ^ (8 * size - 1))
        local fmt = order .. ("c" .. lead):rep(lead > 0 and 1 or 0) .. "i" .. size .. " d f"
        local args = lead > 0 and { prefix, v, -2.5, 0.75 } or { v, -2.5, 0.75 }
        local p = struct.pack(fmt, (unpack or table.unpack)(args))
        eq(#p, lead + size + 12, fmt .. " size")
        eq(p:sub(lead + 1, lead + size), bytes_string(le_bytes(v, size), order == ">"), fmt .. " integer bytes")
        if string_pack then eq(p, string_pack(fmt, (table.unpack)(args)), fmt .. " as string.pack") end
        -- from a longer string at a position, and from a buffer
        local data = "xyz" .. p
        local got = { struct.unpack(order .. "i" .. size .. " d f", data, 4 + lead) }
        eq(got[1], v, fmt .. " integer"); eq(got[2], -2.5, fmt .. " double"); eq(got[3], 0.75, fmt .. " float")
        eq(got[4], 4 + lead + size + 12, fmt .. " next position")
        local buf = alien.buffer(data)
        eq(struct.unpack(order .. "i" .. size, buf, #data, 4 + lead), v, fmt .. " from a buffer")
      end
    end
    -- a pointer at an unaligned position is stored as C stores it
    local target = alien.buffer(8)
    local p = struct.pack(("x"):rep(lead) .. "p", target)
    eq(#p, lead + pointer_size)
    eq(struct.unpack(("x"):rep(lead) .. "p", p), target:topointer(), "pointer after " .. lead .. " bytes")
  end
end)

test("! alignment pads with zeros as C and string.pack do", function()
  local cases = {
    { "!b i2 b i4 b i8 b d b f b h", { 1, -2, 3, -4, 5, -6, 7, 1.5, 9, 0.25, 11, 12 } },
    { "!4 b d b i8 b j", { 1, 2.5, 3, -4, 5, 6 } },
    { "!2 b i4 b d", { -1, 0x01020304, 2, -0.5 } },
    { "!1 b d h", { 1, 2.5, 3 } },
    { "!8 >b >I2 <b <i4 b >d", { 1, 0x0102, 3, -5, 6, 1e300 } },
    { "! c3 i4 B x i2", { "abc", 7, 8, 9 } },
  }
  for _, c in ipairs(cases) do
    local fmt, args = c[1], c[2]
    local p = struct.pack(fmt, (unpack or table.unpack)(args))
    eq(#p, struct.size(fmt), fmt .. " size")
    local out = { struct.unpack(fmt, p) }
    for i, v in ipairs(args) do eq(out[i], v, fmt .. " value " .. i) end
    eq(out[#args + 1], #p + 1, fmt .. " next position")
    for i = 1, #args do
      -- each value's offset; the bytes between the end of one and the start of the next are zero
      local offset = struct.offset(fmt, i)
      eq(offset >= 1 and offset <= #p, true, fmt .. " offset " .. i)
    end
    if string_pack then
      eq(p, string_pack(fmt, (table.unpack)(args)), fmt .. " as string.pack")
      local theirs = { string_unpack(fmt, p) }
      for i = 1, #args + 1 do eq(out[i], theirs[i], fmt .. " as string.unpack, value " .. i) end
    end
  end
  local p = struct.pack("!b d", -1, 2.5)
  eq(p:sub(2, 8), ("\0"):rep(7), "padding is zero")
end)

test("results larger than the room on the C stack (512 bytes): at, across and past the edge", function()
  local unpack_ = unpack or table.unpack
  -- exactly 512 bytes, then 516: 128 and 129 ints
  for _, n in ipairs { 127, 128, 129, 300 } do
    local values = {}
    for i = 1, n do values[i] = i * 0x01010101 % 2 ^ 31 end
    local fmt = "<" .. ("i4"):rep(n)
    local p = struct.pack(fmt, unpack_(values))
    eq(#p, 4 * n)
    local pieces = {}
    for i = 1, n do pieces[i] = struct.pack("<i4", values[i]) end
    eq(p, table.concat(pieces), n .. " ints")
    if string_pack then eq(p, string_pack(fmt, unpack_(values)), n .. " ints as string.pack") end
    local out = { struct.unpack(fmt, p) }
    eq(#out, n + 1); eq(out[n], values[n]); eq(out[n + 1], 4 * n + 1)
  end
  -- an integer across the edge (bytes 511..514), and one ending at it
  local x = ("x"):rep(510)
  eq(struct.pack(">c510 I4", x, 0x01020304), x .. "\1\2\3\4")
  eq(struct.pack(">c508 I4", x, 0x01020304), x:sub(1, 508) .. "\1\2\3\4")
  eq(struct.pack(">c509 I4 b", x, 0x01020304, -1), x:sub(1, 509) .. "\1\2\3\4\255")
  -- alignment padding across the edge is zero
  local p = struct.pack("!c509 d", x, 2.5)
  eq(#p, 520); eq(p:sub(510, 512), "\0\0\0"); eq(select(2, struct.unpack("!c509 d", p)), 2.5)
  -- strings: s and c0 past the edge, a number converted to a string there
  local long = ("ab"):rep(300)
  eq(struct.pack("s s", long, "end"), long .. "\0end\0")
  eq(struct.pack("B c0 i", 3, long, 7), "\3" .. long .. struct.pack("i", 7))
  eq(struct.pack("c600 s", long, 42), long .. "42\0", "a number converted after the edge")
  eq(struct.pack("s c600", 42, long), "42\0" .. long, "a number converted before the edge")
  eq(#struct.pack("c100000", ("y"):rep(100000)), 100000)
  -- x and p past the edge
  local target = alien.buffer(4)
  local q = struct.pack("c600 x p", long, target)
  eq(q:sub(601, 601), "\0"); eq(select(3, struct.unpack("c600 x p", q)), #q + 1)
  eq(select(2, struct.unpack("c600 x p", q)), target:topointer())
  -- values are still checked, and errors raised, past the edge
  raises(function() struct.pack("c600 i", long, {}) end, "bad argument #3 to 'pack'", "got table")
  raises(function() struct.pack("c600 i") end, "bad argument #2 to 'pack'", "got no value")
  raises(function() struct.pack("c600 c5", long, "abc") end, "bad argument #3 to 'pack'", "shorter than c5")
  raises(function() struct.pack("c600 i9", long, 1) end, "integral size 9")
  raises(function() struct.pack("c600 p", long, 3) end, "bad argument #3 to 'pack'", "pointer expected")
end)

test("unpack: more values than the first room, and its arguments", function()
  local n = 200
  local fmt = "<" .. ("h"):rep(n)
  local values = {}
  for i = 1, n do values[i] = i - 100 end
  local p = struct.pack(fmt, (unpack or table.unpack)(values))
  local data = "ab" .. p
  local buf = alien.buffer(data)
  for _, call in ipairs {
    function() return struct.unpack(fmt, data, 3) end,
    function() return struct.unpack(fmt, buf, #data, 3) end,
    function() return struct.unpack(fmt, buf:topointer(), #data, 3) end,
    function() return struct.unpack(fmt, data, 3, "ignored", "too") end,
    function() return struct.unpack(fmt, buf, nil, 3) end,
  } do
    local out = { call() }
    eq(#out, n + 1)
    for i = 1, n do eq(out[i], values[i], "value " .. i) end
    eq(out[n + 1], #data + 1)
  end
  eq(select("#", struct.unpack("i", "abcd", 1, "extra")), 2, "arguments past the fourth are ignored")
  raises(function() struct.unpack("i") end, "bad argument #2 to 'unpack'", "got nil")
  raises(function() struct.unpack("i", alien.buffer(4):topointer()) end, "bad argument #3 to 'unpack'", "got nil")
end)
