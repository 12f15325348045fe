-- Category 5: names with embedded NUL bytes, and other hostile names. A name
-- that C would cut at its first NUL ("strlen\0junk" is not strlen) is an
-- error, never the shorter name; names with format directives ("%s%n") or
-- of great length must come back in error messages intact, never be
-- interpreted.

local C, F = ...
local alien, struct = F.alien, F.struct

local function fn() return F.c("strlen", "size_t", "string") end

-- Symbols, libraries, tags.
C.error("names/nul/symbol", function() return function() return alien.default["strlen\0junk"] end end)
C.error("names/nul/symbol-trailing", function() return function() return alien.default["strlen\0"] end end)
C.error("names/nul/testlib-symbol", function() local lib = F.testlib(); return function() return lib["tl_add\0x"] end end)
C.error("names/nul/load", function() return alien.load, "m\0x" end)
C.error("names/nul/load-path", function() return alien.load, F.TESTLIB .. "\0junk" end)
C.error("names/nul/load-file", function() return alien.load, "libm.so.6\0junk" end)
C.any("names/nul/module-index", function() return function() return alien["m\0x"] end end,
  function(v) return v == nil, "alien[\"m\\0x\"] gave " .. tostring(v) end)
C.error("names/nul/tag", function() return alien.tag, "a\0b" end)
C.error("names/nul/wrap", function() return alien.wrap, "a\0b", 1 end)
C.error("names/nul/unwrap-other-tag", function()
  local obj = alien.wrap("a", 1)
  return alien.unwrap, "a\0b", obj
end)
C.ok("names/nul/tags-differ", function()
  -- if a tag with a NUL is allowed at all, it must not be the tag before the NUL
  local ok, t = pcall(alien.tag, "a\0b")
  return not ok or t ~= alien.tag("a"), "alien.tag(\"a\\0b\") is alien.tag(\"a\")"
end)

-- Type names everywhere one is taken.
local typed_places = {
  { "types-ret", function(t) local f = fn(); return f.types, f, t, "string" end },
  { "types-arg", function(t) local f = fn(); return f.types, f, "size_t", t end },
  { "types-table-ret", function(t) local f = fn(); return f.types, f, { ret = t, "string" } end },
  { "types-table-arg", function(t) local f = fn(); return f.types, f, { ret = "int", t } end },
  { "callback-ret", function(t) return alien.callback, print, t end },
  { "callback-arg", function(t) return alien.callback, print, "void", t end },
  { "sizeof", function(t) return alien.sizeof, t end },
  { "align", function(t) return alien.align, t end },
  { "array", function(t) return alien.array, t, 2 end },
  { "buf:get", function(t) local b = alien.buffer(16); return b.get, b, 1, t end },
  { "buf:set", function(t) local b = alien.buffer(16); return b.set, b, 1, 1, t end },
  { "defstruct", function(t) return alien.defstruct, { { "a", t } } end },
}
for _, place in ipairs(typed_places) do
  for _, t in ipairs{ { "int-nul-x", "int\0x" }, { "double-nul", "double\0" }, { "ref-int-nul", "ref int\0" },
                      { "nul-int", "\0int" }, { "long-name", ("int"):rep(3000) },
                      { "percent", "%s%s%s%n" }, { "ref-ref", "ref ref int" }, { "ref-space", "ref  int" } } do
    C.error("names/type/" .. place[1] .. "/" .. t[1], function() return place[2](t[2]) end)
  end
end
C.error("names/abi-nul", function() local f = fn(); return f.types, f, { ret = "int", abi = "default\0x", "string" } end)
C.error("names/abi-unknown", function() local f = fn(); return f.types, f, { ret = "int", abi = "fastcall", "string" } end)

-- Struct formats with a NUL.
C.error("names/nul/struct.size", function() return struct.size, "i\0i" end)
C.error("names/nul/struct.pack", function() return struct.pack, "i\0", 1 end)
C.error("names/nul/struct.unpack", function() return struct.unpack, "\0i", ("x"):rep(16) end)

-- Format directives and long names in error messages: the message names
-- them intact.
C.error("names/percent/symbol", function()
  return function() return alien.default["%s%s%s%s%n%n"] end
end, "%s%s%s%s%n%n")
C.error("names/percent/load", function() return alien.load, "%s%n%s%n" end, "%s%n%s%n")
C.error("names/percent/tag-unwrap", function()
  return alien.unwrap, "%s%s%n", alien.wrap("other", 1)
end, "%s%s%n")
C.error("names/percent/type", function() return alien.sizeof, "%p%s%n" end, "%p%s%n")
C.error("names/long/symbol", function() return function() return alien.default[("s"):rep(100000)] end end)
C.error("names/long/load", function() return alien.load, ("l"):rep(100000) end)
C.error("names/long/load-path", function() return alien.load, "/" .. ("d/"):rep(50000) .. "x.so" end)
C.ok("names/long/tag", function()
  alien.tag(("t"):rep(100000))
  local obj = alien.wrap(("t"):rep(100000), 5)
  return alien.unwrap(("t"):rep(100000), obj) == 5, "a tag with a long name lost its value"
end)
C.error("names/empty/symbol", function() return function() return alien.default[""] end end)
C.error("names/empty/load", function() return alien.load, "" end)
C.error("names/number/symbol", function() return function() return alien.default[42] end end)
C.error("names/table/symbol", function() return function() return alien.default[{}] end end)
C.error("names/table/load", function() return alien.load, {} end)
C.any("names/struct-field/nul", function()
  return function()
    local st = alien.defstruct{ { "a\0b", "int" }, { "a", "int" } }
    local inst = st:new()
    inst["a\0b"] = 1
    inst.a = 2
    return inst["a\0b"], inst.a
  end
end, function(x, a) return x == 1 and a == 2, ("fields \"a\\0b\" and \"a\" read %s, %s"):format(tostring(x), tostring(a)) end)
