-- Category 4: numbers as sizes, offsets and counts. Every such parameter
-- gets each of F.numbers (NaN, +-inf, 2^53, 2^63, 2^64+4096, -1, -2^63, 0.5)
-- and must refuse it with a Lua error: no 0-byte buffer from NaN, no offset
-- taken modulo 2^64, no truncating realloc, no Swift trap on pointer
-- arithmetic. (On buffers over foreign memory, offsets are on trust, so
-- there only the numbers that are no exact 64-bit integer must be refused,
-- and the others must not crash.) Then values (not sizes) of the same kind,
-- converted for C: they wrap as C casts do, and must not trap.

local C, F = ...
local alien, struct = F.alien, F.struct

local params = {
  { "buffer(n)", function(n) return alien.buffer, n end },
  { "buf:realloc(n)", function(n) local b = alien.buffer(8); return b.realloc, b, n end },
  { "buf:get(off)", function(n) local b = alien.buffer(8); return b.get, b, n end },
  { "buf:get(off,int)", function(n) local b = alien.buffer(8); return b.get, b, n, "int" end },
  { "buf:get(off,double)", function(n) local b = alien.buffer(8); return b.get, b, n, "double" end },
  { "buf:set(off)", function(n) local b = alien.buffer(8); return b.set, b, n, 1 end },
  { "buf:set(off,int)", function(n) local b = alien.buffer(8); return b.set, b, n, 1, "int" end },
  { "buf[off]", function(n) local b = alien.buffer(8); return function() return b[n] end end },
  { "buf[off]=v", function(n) local b = alien.buffer(8); return function() b[n] = 1 end end },
  { "buf:tostring(len)", function(n) local b = alien.buffer(8); return b.tostring, b, n end },
  { "buf:tostring(4,off)", function(n) local b = alien.buffer(8); return b.tostring, b, 4, n end },
  { "buf:topointer(off)", function(n) local b = alien.buffer(8); return b.topointer, b, n end },
  { "array(t,n)", function(n) return alien.array, "int", n end },
  { "array(t,n,buf)", function(n) return alien.array, "char", n, alien.buffer(8) end },
  { "arr:realloc(n)", function(n) local a = alien.array("int", 2); return a.realloc, a, n end },
  { "arr[i]", function(n) local a = alien.array("int", 2); return function() return a[n] end end },
  { "arr[i]=v", function(n) local a = alien.array("int", 2); return function() a[n] = 1 end end },
  { "memset(n)", function(n) return alien.memset, alien.buffer(8), 0, n end },
  { "memmove(n)", function(n) return alien.memmove, alien.buffer(8), alien.buffer(8), n end },
  { "memmove(n,string)", function(n) return alien.memmove, alien.buffer(8), "abcdefgh", n end },
  { "toint(p,n)", function(n) return alien.toint, alien.buffer(8), n end },
  { "todouble(lightud,n)", function(n) return alien.todouble, F.keep(alien.buffer(64)):topointer(), n end },
  { "tostring(p,len)", function(n) return alien.tostring, alien.buffer(8), n end },
  { "tostring(lightud,len)", function(n) return alien.tostring, F.keep(alien.buffer(64)):topointer(), n end },
  { "struct.unpack(buf,size)", function(n) return struct.unpack, "i", alien.buffer(8), n end },
  { "struct.unpack(buf,size,pos)", function(n) return struct.unpack, "i", alien.buffer(8), 8, n end },
  { "struct.unpack(lightud,size)", function(n)
      return struct.unpack, "i", F.keep(alien.buffer(64)):topointer(), n
    end },
  { "struct.unpack(string,pos)", function(n) return struct.unpack, "i", "abcdefgh", n end },
  { "struct.offset(fmt,n)", function(n) return struct.offset, "i i", n end },
  { "table(narr)", function(n) return alien.table, n, 1 end },
  { "table(nrec)", function(n) return alien.table, 1, n end },
}

-- Light userdata is foreign memory: a length of 2^53 is the caller's word
-- (reading that much is the caller's crash), so only refused values count.
local trusted = {
  ["tostring(lightud,len)"] = { ["2^53"] = false },
  ["struct.unpack(lightud,size)"] = { ["2^53"] = "any" },
  -- an item past the last is the offset past the end, as in the original
  ["struct.offset(fmt,n)"] = { ["2^53"] = "any" },
}
for _, p in ipairs(params) do
  for _, num in ipairs(F.numbers) do
    local e = (trusted[p[1]] or {})[num[1]]
    if e == nil then e = "error" end
    if e then C[e]("numbers/" .. p[1] .. "/" .. num[1], function() return p[2](num[2]) end) end
  end
end

-- Lua integers at the edges (5.3+): the same parameters, given as integers.
for _, p in ipairs{ "buffer(n)", "buf:realloc(n)", "buf:get(off)", "array(t,n)", "arr:realloc(n)",
                    "memset(n)", "toint(p,n)", "tostring(p,len)", "table(narr)" } do
  local make
  for _, q in ipairs(params) do if q[1] == p then make = q[2] end end
  for _, v in ipairs{ { "mininteger", "math.mininteger" }, { "maxinteger", "math.maxinteger" } } do
    C.error("numbers/" .. p .. "/" .. v[1], function()
      if not F.INTEGERS then F.skip("Lua integers are 5.3+") end
      return make(math[v[2]:sub(6)])
    end)
  end
end

-- Buffers over foreign memory: offsets and lengths are on trust, but a
-- number that is no exact integer in range is still an error, and no
-- offset may trap (Swift's checked pointer arithmetic).
local function foreign() return alien.buffer(F.keep(alien.buffer(64)):topointer()) end
local on_trust = { ["2^53"] = true, ["-1"] = true, ["-2^63"] = true }
for _, num in ipairs(F.numbers) do
  local e = on_trust[num[1]] and "any" or "error"
  C[e]("numbers/foreign:topointer(off)/" .. num[1], function() local b = foreign(); return b.topointer, b, num[2] end)
  C[e]("numbers/foreign:tooffset-of-topointer/" .. num[1], function()
    local b = foreign()
    return function() return b:tooffset(b:topointer(num[2])) end
  end)
end
C.error("numbers/foreign:realloc/64", function() local b = foreign(); return b.realloc, b, 64 end)
C.any("numbers/foreign:tooffset(far-pointer)/min", function() local b = foreign(); return b.tooffset, b, F.ptr(-2 ^ 63) end)
C.any("numbers/foreign:tooffset(far-pointer)/max", function() local b = foreign(); return b.tooffset, b, F.ptr(2 ^ 62 * 1.5) end)
C.any("numbers/buf:tooffset(far-pointer)/min", function() local b = alien.buffer(8); return b.tooffset, b, F.ptr(-2 ^ 63) end)
C.any("numbers/buf:tooffset(far-pointer)/1", function() local b = alien.buffer(8); return b.tooffset, b, F.ptr(1) end)
C.any("numbers/foreign-at-high-address:topointer(2^62)", function()
  local b = alien.buffer(F.ptr(-2 ^ 62))
  return b.topointer, b, 2 ^ 62
end)
C.any("numbers/foreign-at-high-address:tooffset(low)", function()
  local b = alien.buffer(F.ptr(-2 ^ 62))
  return b.tooffset, b, F.ptr(2 ^ 62)
end)

-- Values for integer types: out of range wraps as a C cast; NaN and
-- infinities must not trap (whatever value C gets), through the direct
-- path, through libffi (directcalls off), and through buffers, arrays,
-- struct fields and struct.pack.
local weird = { { "nan", 0 / 0 }, { "inf", 1 / 0 }, { "-inf", -1 / 0 }, { "2^64+4096", 2 ^ 64 + 4096 },
                { "1e300", 1e300 }, { "-2^63", -2 ^ 63 } }
for _, num in ipairs(weird) do
  for _, t in ipairs{ "byte", "int", "uint", "longlong", "ulonglong", "size_t" } do
    for _, direct in ipairs{ true, false } do
      C.any(("numbers/value/%s/%s/%s"):format(direct and "direct" or "ffi", t, num[1]), function()
        alien.directcalls(direct)
        return F.tl("tl_" .. t, t, t), num[2]
      end)
    end
  end
  for _, t in ipairs{ "int", "ulonglong", "float" } do
    C.any(("numbers/value/buf:set/%s/%s"):format(t, num[1]), function()
      local b = alien.buffer(8)
      return b.set, b, 1, num[2], t
    end)
    C.any(("numbers/value/arr[1]=/%s/%s"):format(t, num[1]), function()
      local a = alien.array(t, 1)
      return function() a[1] = num[2] end
    end)
  end
  C.any("numbers/value/struct.pack-i/" .. num[1], function() return struct.pack, "i", num[2] end)
  C.any("numbers/value/struct.pack-I8/" .. num[1], function() return struct.pack, "I8", num[2] end)
  C.any("numbers/value/memset-byte/" .. num[1], function() return alien.memset, alien.buffer(8), num[2], 8 end)
  C.any("numbers/value/field/" .. num[1], function()
    local inst = F.structtype():new()
    return function() inst.a = num[2]; return inst.a end
  end)
  C.any("numbers/value/callback-returns/" .. num[1], function()
    local cb = alien.callback(function() return num[2] end, "longlong", "longlong")
    return F.tl("tl_call_ll", "longlong", "callback", "longlong"), cb, 1
  end)
  C.any("numbers/value/ref-int/" .. num[1], function()
    return F.tl("tl_ref_int", "void", "ref int"), num[2]
  end)
end

-- Struct formats with sizes that overflow or wrap.
for _, fmt in ipairs{ "c999999999999", "c18446744073709551617", "c9223372036854775807",
                      "i9", "i0", "I99999999999999999999", "!3", "!0", "!99999999999999999999",
                      "c-1", "i" .. ("9"):rep(40), ("c2147483647"):rep(3) } do
  -- a size past 2^32 may be computed (nothing is allocated); "!0" may mean the default
  local size_ok = fmt == "!0" or fmt == ("c2147483647"):rep(3)
  C[size_ok and "any" or "error"]("numbers/struct.size/" .. fmt:sub(1, 40), function() return struct.size, fmt end)
  C[fmt == "!0" and "any" or "error"]("numbers/struct.pack/" .. fmt:sub(1, 40), function() return struct.pack, fmt, "x" end)
  C[fmt == "!0" and "any" or "error"]("numbers/struct.unpack/" .. fmt:sub(1, 40), function() return struct.unpack, fmt, ("x"):rep(64) end)
end
C.any("numbers/struct.unpack/c0-after-huge-count", function()
  return struct.unpack, "i4 c0", struct.pack("i4", 2 ^ 31 - 1) .. "abc"
end)
C.error("numbers/struct.unpack/c0-after-negative-count", function()
  return struct.unpack, "i4 c0", struct.pack("i4", -5) .. "abc"
end)
