-- The README's Lua examples run as pasted, with the results it shows.
--
-- Every ```lua block of README.md (a line "```lua" up to the next line "```")
-- is one test. The block is written to a file of its own, unchanged, and run
-- as the main chunk of a child interpreter: this one (arg's lowest index), with
-- the same LUA_CPATH, so each block gets a fresh Lua state and only what it
-- defines itself, as a reader pasting it would. The only thing added is a
-- wrapper around the global print that marks what each print call wrote with
-- the line of the block it was called from.
--
-- A block passes when the child exits with status 0, writes nothing to
-- stderr, and every "--> value" comment matches:
--  * "code --> value": what the print call(s) on that line wrote;
--  * a line that is only "--> value": what the nearest line above it that is
--    not a comment printed (for outputs too long to share the line).
-- The comparison is of text, after each side's runs of spaces and tabs become
-- one space and leading and trailing blanks are dropped (print separates
-- values with tabs; the comments use spaces). Nothing else is normalised: a
-- value that prints differently under some Lua (3 under 5.1, 3.0 under 5.4)
-- is a mismatch there, so the README shows only results that are the same
-- under all five. A "-->" line whose line printed nothing, or printed more
-- than once, is a failure. Lines that print without a "-->" are not checked.

-- The README has at least this many lua blocks and "-->" checks: an extractor
-- that finds fewer (a changed fence, a broken pattern) fails instead of
-- passing vacuously.
local MIN_BLOCKS = 16
local MIN_CHECKS = 79

local LUA = LUA_INTERPRETER

local function squash(s)
  return (s:gsub("[ \t]+", " "):gsub("^ ", ""):gsub(" $", ""))
end

-- The blocks: { first = README line of the block's first code line, heading, lines = {...} }.
local function readme_blocks()
  local text = assert(read_file("README.md"), "README.md not found (run from the repository root)")
  local blocks, block, heading = {}, nil, "(top)"
  local n = 0
  for line in (text:gsub("\r\n", "\n") .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if block then
      if line:match("^```%s*$") then
        blocks[#blocks + 1] = block
        block = nil
      else
        block.lines[#block.lines + 1] = line
      end
    elseif line:match("^```lua%s*$") then
      block = { first = n + 1, heading = heading, lines = {} }
    elseif line:match("^#+ ") then
      heading = line
    end
  end
  assert(not block, "README.md: the lua block at line " .. (block and block.first - 1 or 0) .. " is not closed")
  return blocks
end

-- The checks of a block: { line = block line printed, at = block line of the comment, want = text }.
local function expectations(lines)
  local checks = {}
  local last_code
  for i, line in ipairs(lines) do
    local alone = line:match("^%s*%-%->%s?(.*)$")
    if alone then
      assert(last_code, ("block line %d: a \"-->\" line with no code above it"):format(i))
      checks[#checks + 1] = { line = last_code, at = i, want = squash(alone) }
    else
      local code, want = line:match("^(.-)%-%->%s?(.*)$")
      if code and not code:match("^%s*$") then
        checks[#checks + 1] = { line = i, at = i, want = squash(want) }
      end
      if not line:match("^%s*%-%-") and not line:match("^%s*$") then last_code = i end
    end
  end
  return checks
end

-- The child's main chunk: print marked with the calling line, then the block.
local WRAPPER = [==[
local block = %q
local real_print = print
local getinfo = debug.getinfo
function print(...)
  local info = getinfo(2, "Sl")
  if info and info.source == "@" .. block then
    io.stdout:write("\1readme-print ", info.currentline, "\n")
    real_print(...)
    io.stdout:write("\1readme-end\n")
  else
    real_print(...)
  end
end
local chunk = assert(loadfile(block))
chunk()
]==]

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Runs a block in a child; returns its stdout, stderr and exit status.
local function run_block(code)
  local base = os.tmpname()
  local block, wrapper, err = base .. "_block.lua", base .. "_run.lua", base .. ".err"
  write_file(block, code)
  write_file(wrapper, WRAPPER:format(block))
  local command = ("%s%s %s 2>%s; echo \"\1readme-status=$?\""):format(
    HAVE_TIMEOUT and "timeout 120 " or "", quote(LUA), quote(wrapper), quote(err))
  local p = assert(io.popen(command))
  local out = p:read("*a")
  p:close()
  local errtext = read_file(err) or ""
  os.remove(base); os.remove(block); os.remove(wrapper); os.remove(err)
  local status = tonumber(out:match("\1readme%-status=(%d+)"))
  out = out:gsub("\1readme%-status=%d+\n?$", "")
  return out, errtext, status
end

-- What each line printed: printed[line] = { text, text, ... } (one per print call).
local function printed_by_line(out)
  local printed = {}
  for line, text in out:gmatch("\1readme%-print (%d+)\n(.-)\n?\1readme%-end\n") do
    line = tonumber(line)
    printed[line] = printed[line] or {}
    table.insert(printed[line], text)
  end
  return printed
end

local blocks = readme_blocks()
local total_checks = 0
for _, b in ipairs(blocks) do
  b.code = table.concat(b.lines, "\n") .. "\n"
  b.checks = expectations(b.lines)
  total_checks = total_checks + #b.checks
end

test(("README: %d lua blocks found, with %d \"-->\" checks"):format(#blocks, total_checks), function()
  assert(#blocks >= MIN_BLOCKS, ("README.md has %d lua blocks, expected at least %d"):format(#blocks, MIN_BLOCKS))
  assert(total_checks >= MIN_CHECKS,
    ("README.md has %d \"-->\" checks, expected at least %d"):format(total_checks, MIN_CHECKS))
end)

for _, b in ipairs(blocks) do
  local where = ("README.md:%d"):format(b.first - 1)
  test(("README: the lua block at line %d (%s) runs as shown"):format(b.first - 1, b.heading), function()
    if not LUA then skip("no interpreter in arg to start a child with") end
    local out, errtext, status = run_block(b.code)
    local function context()
      return ("\n--- stdout:\n%s\n--- stderr:\n%s"):format(
        (out:gsub("\1readme%-print %d+\n", ""):gsub("\1readme%-end\n", "")), errtext)
    end
    if status ~= 0 then
      error(("%s: the block failed (exit %s)%s"):format(where, tostring(status), context()), 0)
    end
    if errtext ~= "" then
      error(("%s: the block wrote to stderr%s"):format(where, context()), 0)
    end
    local printed = printed_by_line(out)
    local problems = {}
    for _, c in ipairs(b.checks) do
      local got = printed[c.line]
      local readme_line = b.first + c.at - 1
      if not got then
        problems[#problems + 1] = ("README.md:%d: %q printed nothing"):format(readme_line, c.want)
      elseif #got > 1 then
        problems[#problems + 1] = ("README.md:%d: the line printed %d times, expected once"):format(readme_line, #got)
      elseif squash(got[1]) ~= c.want then
        problems[#problems + 1] = ("README.md:%d: printed %q, the comment says %q"):format(
          readme_line, squash(got[1]), c.want)
      end
    end
    if #problems > 0 then error(table.concat(problems, "\n"), 0) end
  end)
end
