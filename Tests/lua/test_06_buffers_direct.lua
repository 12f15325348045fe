-- SPEC section 6: buf:get and buf:set done by the adapter's fast path agree with the core
local alien = require "alien"

test("direct get and set agree with the core over every type and offset", function()
  local types = { "byte", "char", "short", "ushort", "int", "uint", "long", "ulong", "longlong",
                  "ulonglong", "ptrdiff_t", "size_t", "float", "double", "pointer" }
  local values = { 0, 1, -1, 127, 128, 255, 256, -129, 32767, -32768, 65535, 65536, 2147483647,
                   -2147483648, 4294967295, 2^40 + 3, -2^40, 2.75, -2.75 }
  local seen = {}
  local target = alien.buffer(8)
  for _, direct in ipairs { true, false } do
    alien.directcalls(direct)
    local b = alien.buffer(24)
    local out = {}
    for _, t in ipairs(types) do
      for offset = 1, 24 - alien.sizeof(t) + 1, 3 do
        for _, v in ipairs(values) do
          if t == "pointer" then v = (v == 0) and nil or target:topointer(1 + (math.floor(math.abs(v)) % 8)) end
          b:set(offset, v, t)
          local got = b:get(offset, t)
          if t == "pointer" then got = got and target:tooffset(got) end
          out[#out + 1] = tostring(got) .. (t == "pointer" and "" or "|" .. b:tostring(24))
        end
      end
      out[#out + 1] = select(2, pcall(b.get, b, 24, t))
      out[#out + 1] = select(2, pcall(b.set, b, 0, 1, t))
    end
    seen[direct] = out
  end
  alien.directcalls(true)
  eq(#seen[true], #seen[false])
  for i = 1, #seen[true] do eq(seen[true][i], seen[false][i], "step " .. i) end
end)
