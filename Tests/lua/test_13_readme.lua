-- The README's sections on composite types and on alien.cdef run as pasted:
-- each code block is run here, and each line it prints must match the
-- "--> ..." comment on the line of the print (values separated by single spaces).
local function readme_block(heading)
  local f = assert(io.open("README.md"))
  local text = f:read("*a")
  f:close()
  local start = assert(text:find(heading, 1, true), "README section missing: " .. heading)
  local code = text:match("```lua\n(.-)```", start)
  return assert(code, "no lua block after " .. heading)
end

local function runs_as_documented(heading)
  local code = readme_block(heading)
  local expected = {}
  for line in code:gmatch("[^\n]+") do
    local want = line:match("^print%(.*%-%->%s*(.-)%s*$")
    if want then expected[#expected + 1] = want end
  end
  assert(#expected >= 5, "the block has its expected outputs")
  local printed = {}
  local env = setmetatable({ print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    printed[#printed + 1] = table.concat(parts, " ")
  end }, { __index = _G })
  local chunk
  if setfenv then
    chunk = assert(loadstring(code, "=README"))
    setfenv(chunk, env)
  else
    chunk = assert(load(code, "=README", "t", env))
  end
  chunk()
  eq(#printed, #expected, "lines printed")
  for i = 1, #expected do eq(printed[i], expected[i], "line " .. i) end
end

test("README: composite types, by value, ref T and variadic calls", function()
  runs_as_documented("### Composite types")
end)

test("README: C declarations (alien.cdef)", function()
  runs_as_documented("### C declarations")
end)
