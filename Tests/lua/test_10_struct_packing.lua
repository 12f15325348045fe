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
