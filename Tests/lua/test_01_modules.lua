-- SPEC section 1: modules
local alien = require "alien"

test("require returns the module table", function()
  eq(type(alien), "table")
  eq(type(alien.load), "function")
  eq(require "alien", alien, "require twice")
end)

test("global alien under 5.1 and LuaJIT only", function()
  if IS_51 then eq(rawget(_G, "alien"), alien) else eq(rawget(_G, "alien"), nil) end
end)

test("version is 0.8.0 or later", function()
  eq(type(alien.version), "string")
  local major, minor = alien.version:match("^(%d+)%.(%d+)")
  assert(tonumber(major) > 0 or tonumber(minor) >= 8, alien.version)
end)

test("platform is one of the known names", function()
  local known = { linux = true, bsd = true, darwin = true, windows = true }
  assert(known[alien.platform], alien.platform)
  eq(alien.platform, "linux")
end)

test("alien.struct is the table require 'alien.struct' returns", function()
  local struct = require "alien.struct"
  eq(type(struct), "table")
  eq(alien.struct, struct)
end)
