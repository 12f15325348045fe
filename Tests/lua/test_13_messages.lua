-- Every error message alien gives stays word for word what it is: each case
-- below triggers one error, and its message is compared with the line of the
-- same name in messages/<key>.txt (key: lua5.1 lua5.2 lua5.3 lua5.4 luajit).
--
-- What varies between runs and machines is normalised before comparing, in
-- the actual message here and in the expected files alike:
--   "<here>: "      the position prefix "file:line: " when the line is within
--                   the case's own function (alien blames the caller's line);
--                   a position anywhere else is kept, so it shows as a difference
--   <dlerror>       the system's text after "cannot load library '...': " and
--                   in "symbol '...' not found in library '...' (...)"
--   <testlib>       the path of the C test library ($ALIEN_TESTLIB)
--   <address>       a hexadecimal address 0x...
--   <traceback>     the frames after "stack traceback:" (Lua's text, and it
--                   depends on how this file calls; its presence is kept)
-- In the files a message is one line: \n, \t and \\ stand for a newline, a
-- tab and a backslash. A case that raises no error reads "(no error)".
--
-- Changing a message on purpose: run this file alone with ALIEN_MESSAGES_OUT
-- set to a file name, e.g.
--   ALIEN_MESSAGES_OUT=/tmp/lua5.4.txt LUA_CPATH='build/lua5.4/?.so' \
--     lua5.4 Tests/lua/run.lua Tests/lua/test_13_messages.lua
-- which writes the actual messages in the files' format; check the
-- differences and copy it over messages/<key>.txt, for every key.
local alien = require "alien"
local struct = require "alien.struct"
local unpack = table.unpack or unpack

local KEY = jit ~= nil and "luajit" or (_VERSION:gsub("^Lua ", "lua"))
local HERE = debug.getinfo(1, "S").source:match("^@(.*)$") or "test_13_messages.lua"
local MESSAGES = (HERE:match("^(.*)/[^/]*$") or ".") .. "/messages/" .. KEY .. ".txt"

-- The cases, in areas; each area is one test.
local areas = {}
local function area(title)
  areas[#areas + 1] = { title = title, cases = {} }
end
local function case(name, fn)
  local cases = areas[#areas].cases
  cases[#cases + 1] = { name = name, fn = fn }
end

local libc = alien.default

area "calls"
-- alien.default caches its functions and other files type abs: a library
-- object of its own gives an abs no one has typed.
case("call untyped", function() local f = alien.load("libc.so.6").abs; f(1) end)
case("null callback from get, method", function() local g = alien.buffer(8):get(1, "callback"); g:types("int") end)
case("null callback from get, call", function() local g = alien.buffer(8):get(1, "callback"); g() end)
case("too few", function() local f = libc.abs; f:types("int", "int"); f() end)
case("too many", function() local f = libc.abs; f:types("int", "int"); f(1, 2) end)
case("wrong arg int", function() local f = libc.abs; f:types("int", "int"); f({}) end)
case("wrong arg int boolean", function() local f = libc.abs; f:types("int", "int"); f(true) end)
case("wrong arg float", function() local f = libc.abs; f:types("double", "double", "float"); f(1, "x") end)
case("wrong arg string", function() local f = libc.strlen; f:types("int", "string"); f({}) end)
case("wrong arg pointer", function() local f = libc.strlen; f:types("int", "pointer"); f(true) end)
case("wrong arg callback", function() local f = libc.qsort; f:types("void", "pointer", "int", "int", "callback"); f(nil, 0, 0, "x") end)
case("wrong arg callback buffer", function() local f = libc.qsort; f:types("void", "pointer", "int", "int", "callback"); f(nil, 0, 0, alien.buffer(4)) end)
case("wrong arg ref int", function() local f = libc.abs; f:types("int", "ref int"); f("q") end)
case("wrong arg ref double", function() local f = libc.abs; f:types("int", "ref double"); f({}) end)
case("anonymous wrong arg", function() local f = alien.funcptr(libc.abs); f:types("int", "int"); f({}) end)
case("__call not a function", function() local mt = getmetatable(libc.abs); mt.__call(alien.buffer(4)) end)

area "types"
case("types bad ret", function() libc.abs:types(3) end)
case("types bad ret table", function() libc.abs:types { ret = 3 } end)
case("callback too many args", function() local t = {}; for i = 1, 65 do t[i] = "int" end; alien.callback(print, "int", unpack(t)) end)
case("types unknown ret", function() libc.abs:types("wat") end)
case("types unknown arg", function() libc.abs:types("int", "int", "wat") end)
case("types bad arg", function() libc.abs:types("int", "int", 3) end)
case("types void arg", function() libc.abs:types("int", "void") end)
case("types abi not string", function() libc.abs:types { ret = "int", abi = 3, "int" } end)
case("types unknown abi", function() libc.abs:types { ret = "int", abi = "pascal", "int" } end)
case("types too many args", function() local t = {}; for i = 1, 300 do t[i] = "int" end; libc.abs:types("int", unpack(t)) end)
case("callback unknown arg", function() alien.callback(function() end, "int", "wat") end)
case("callback bad arg", function() alien.callback(function() end, "int", {}) end)
case("callback void arg", function() alien.callback(function() end, "int", "void") end)
case("callback unknown abi", function() alien.callback(function() end, { ret = "int", abi = "x" }) end)
case("funcptr number", function() alien.funcptr(3) end)
case("funcptr none", function() alien.funcptr() end)

area "callback results"
local function sortwith(ret, result)
  local cmp = alien.callback(function() return result end, ret, "pointer", "pointer")
  local qsort = libc.qsort
  qsort:types("void", "pointer", "int", "int", "callback")
  local buf = alien.buffer(8)
  qsort(buf, 2, 4, cmp)
end
case("callback int result", function() sortwith("int", {}) end)
case("callback double result", function() sortwith("double", "x") end)
case("callback pointer result", function() sortwith("pointer", true) end)
case("callback string result", function() sortwith("string", {}) end)
case("callback callback result", function() sortwith("callback", 1) end)

area "libraries"
case("load missing", function() alien.load("no_such_lib_qq") end)
case("load table", function() alien.load({}) end)
case("symbol missing", function() return libc.no_such_symbol_qq end)
case("symbol number", function() return libc[1] end)
case("symbol missing by path", function() return alien.load(TESTLIB).no_such_symbol_qq end)

area "buffers"
case("buffer arg", function() alien.buffer({}) end)
case("buffer size negative", function() alien.buffer(-1) end)
case("buffer huge", function() alien.buffer(2^40) end)
case("get offset", function() alien.buffer(4):get(5, "int") end)
case("get offset0", function() alien.buffer(4):get(0) end)
case("get unknown type", function() alien.buffer(4):get(1, "wat") end)
case("get void", function() alien.buffer(4):get(1, "void") end)
case("get type table", function() alien.buffer(4):get(1, {}) end)
case("get offset string", function() alien.buffer(4):get("x", "int") end)
case("get offset table", function() alien.buffer(4):get({}, "int") end)
case("get not a buffer", function() local b = alien.buffer(4); b.get({}, 1, "int") end)
case("set int value", function() alien.buffer(4):set(1, {}, "int") end)
case("set string value", function() alien.buffer(8):set(1, {}, "string") end)
case("set double value", function() alien.buffer(8):set(1, "q", "double") end)
case("set bounds", function() alien.buffer(4):set(2, 1, "int") end)
case("set unknown type", function() alien.buffer(4):set(1, 1, "wat") end)
case("set type number", function() alien.buffer(4):set(1, 1, 7) end)
case("index bounds", function() return alien.buffer(4)[9] end)
case("index 0", function() return alien.buffer(4)[0] end)
case("newindex bounds", function() local b = alien.buffer(4); b[9] = 1 end)
case("newindex table", function() local b = alien.buffer(4); b[1] = {} end)
case("newindex string", function() local b = alien.buffer(4); b[1] = "x" end)
case("__len not a buffer", function() local b = alien.buffer(4); getmetatable(b).__len({}) end)
case("strlen not a buffer", function() local b = alien.buffer(4); b.strlen(3) end)
case("buffer tostring len negative", function() alien.buffer(4):tostring(-1) end)
case("buffer tostring len big", function() alien.buffer(4):tostring(9) end)
case("buffer tostring offset", function() alien.buffer(4):tostring(1, 9) end)
case("buffer tostring offset table", function() alien.buffer(4):tostring(1, {}) end)
case("buffer tostring len table", function() alien.buffer(4):tostring({}) end)
case("topointer offset", function() alien.buffer(4):topointer(9) end)
case("topointer table", function() alien.buffer(4):topointer({}) end)
case("tooffset number", function() alien.buffer(4):tooffset(3) end)
case("tooffset none", function() alien.buffer(4):tooffset() end)
case("realloc negative", function() alien.buffer(4):realloc(-1) end)
case("realloc string", function() alien.buffer(4):realloc("x") end)
case("realloc foreign", function() alien.buffer(alien.buffer(4):topointer()):realloc(8) end)
case("get on foreign memory", function() local b = alien.buffer(4); local f = alien.buffer(b:topointer()); return f:get(1, "int") end)
case("buffer over a pointer", function() return alien.buffer(alien.buffer(4):topointer()) end)

area "arrays"
case("array type number", function() alien.array(3, 2) end)
case("array unknown type", function() alien.array("wat", 2) end)
case("array void", function() alien.array("void", 2) end)
case("array length string", function() alien.array("int", "x") end)
case("array length 0", function() alien.array("int", 0) end)
case("array length big", function() alien.array("int", 2^31) end)
case("array buffer table", function() alien.array("int", 2, {}) end)
case("array buffer small", function() alien.array("int", 4, alien.buffer(8)) end)
case("array index bounds", function() local a = alien.array("int", 2); return a[3] end)
case("array index 0", function() local a = alien.array("int", 2); return a[0] end)
case("array newindex bounds", function() local a = alien.array("int", 2); a[3] = 1 end)
case("array set int", function() local a = alien.array("int", 2); a[1] = {} end)
case("array set double", function() local a = alien.array("double", 2); a[2] = "z" end)
case("array set string", function() local a = alien.array("string", 2); a[2] = true end)
case("array realloc 0", function() local a = alien.array("int", 2); a:realloc(0) end)
case("array realloc string", function() local a = alien.array("int", 2); a:realloc("q") end)
case("array realloc foreign", function() local b = alien.buffer(8); local a = alien.array("int", 2, alien.buffer(b:topointer())); a:realloc(4) end)
case("array foreign index bounds", function() local b = alien.buffer(8); local a = alien.array("int", 2, alien.buffer(b:topointer())); return a[3] end)

area "memmove and memset"
case("memmove dst number", function() alien.memmove(3, "x") end)
case("memmove dst nil", function() alien.memmove(nil, "x") end)
case("memmove src number", function() alien.memmove(alien.buffer(4), 3) end)
case("memmove src none", function() alien.memmove(alien.buffer(4)) end)
case("memmove size none", function() alien.memmove(alien.buffer(4), alien.buffer(4)) end)
case("memmove size negative", function() alien.memmove(alien.buffer(4), "abc", -1) end)
case("memmove size table", function() alien.memmove(alien.buffer(4), "abc", {}) end)
case("memmove bounds dst", function() alien.memmove(alien.buffer(4), "abcdefgh") end)
case("memmove bounds src", function() alien.memmove(alien.buffer(16), alien.buffer(4), 8) end)
case("memmove bounds string", function() alien.memmove(alien.buffer(16), "abc", 8) end)
case("memmove from a function, no size", function() alien.memmove(alien.buffer(4):topointer(), alien.funcptr(alien.buffer(1):topointer())) end)
case("memset dst string", function() alien.memset("x", 1, 1) end)
case("memset byte table", function() alien.memset(alien.buffer(4), {}, 1) end)
case("memset byte none", function() alien.memset(alien.buffer(4)) end)
case("memset count negative", function() alien.memset(alien.buffer(4), 1, -1) end)
case("memset count none", function() alien.memset(alien.buffer(4), 1) end)
case("memset bounds", function() alien.memset(alien.buffer(4), 1, 9) end)

area "pointers and type queries"
case("isnull number", function() alien.isnull(3) end)
case("isnull string", function() alien.isnull("x") end)
case("tostring number", function() alien.tostring(3) end)
case("tostring len negative", function() alien.tostring(alien.buffer(4), -1) end)
case("tostring len table", function() alien.tostring(alien.buffer(4), {}) end)
case("tostring bounds", function() alien.tostring(alien.buffer(4), 9) end)
case("toint number", function() alien.toint(3) end)
case("toint count negative", function() alien.toint(alien.buffer(4), -1) end)
case("todouble count big", function() alien.todouble(alien.buffer(4), 2000000) end)
case("toint count table", function() alien.toint(alien.buffer(4), {}) end)
case("toint bounds", function() alien.toint(alien.buffer(4), 2) end)
case("tochar boolean", function() alien.tochar(true) end)
case("sizeof unknown", function() alien.sizeof("wat") end)
case("sizeof number", function() alien.sizeof(3) end)
case("sizeof none", function() alien.sizeof() end)
case("align unknown", function() alien.align("wat") end)
case("align table", function() alien.align({}) end)

area "defstruct"
case("defstruct type number", function() alien.defstruct { { "a", 3 } } end)
case("defstruct unknown type", function() alien.defstruct { { "a", "wat" } } end)
case("defstruct void", function() alien.defstruct { { "a", "int" }, { "b", "void" } } end)
case("new table", function() local s = alien.defstruct { { "a", "int" } }; s:new({}) end)
case("new number", function() local s = alien.defstruct { { "a", "int" } }; s:new(3) end)
case("new buffer small", function() local s = alien.defstruct { { "a", "double" } }; s:new(alien.buffer(4)) end)
case("field set int", function() local s = alien.defstruct { { "a", "int" } }; local i = s:new(); i.a = {} end)
case("field set double", function() local s = alien.defstruct { { "a", "double" } }; local i = s:new(); i.a = "q" end)
case("field set pointer", function() local s = alien.defstruct { { "a", "pointer" } }; local i = s:new(); i.a = 1 end)

area "struct.pack"
case("pack format table", function() struct.pack({}) end)
case("pack format none", function() struct.pack() end)
case("pack invalid option", function() struct.pack("q", 1) end)
case("pack invalid option control", function() struct.pack("\1", 1) end)
case("pack invalid option high", function() struct.pack("\200", 1) end)
case("pack alignment", function() struct.pack("!3i", 1) end)
case("pack integral size 9", function() struct.pack("i9", 1) end)
case("pack integral size 0", function() struct.pack("i0", 1) end)
case("pack size big", function() struct.pack("c99999999999", "x") end)
case("pack number string", function() struct.pack("i", "x") end)
case("pack number none", function() struct.pack("ii", 1) end)
case("pack double table", function() struct.pack("d", {}) end)
case("pack string table", function() struct.pack("s", {}) end)
case("pack string none", function() struct.pack("s") end)
case("pack chars short", function() struct.pack("c5", "abc") end)
case("pack pointer number", function() struct.pack("p", 3) end)
case("pack pointer none", function() struct.pack("p") end)
-- over 2 GiB of result from one 8 MiB string, given 300 times
case("pack result too large", function() local s, t = ("x"):rep(8 * 2^20), {}; for i = 1, 300 do t[i] = s end; struct.pack(("c0"):rep(300), unpack(t)) end)
case("pack too large, string short", function() struct.pack("c2000000000c2000000000", "x") end)

area "struct.unpack"
case("unpack format table", function() struct.unpack({}, "x") end)
case("unpack data table", function() struct.unpack("i", {}) end)
case("unpack data none", function() struct.unpack("i") end)
case("unpack from a function, no size", function() struct.unpack("i", alien.funcptr(alien.buffer(1):topointer())) end)
case("unpack pointer, no size", function() struct.unpack("i", alien.buffer(4):topointer()) end)
case("unpack size beyond buffer", function() struct.unpack("i", alien.buffer(4), 9) end)
case("unpack size negative", function() struct.unpack("i", alien.buffer(4), -1) end)
case("unpack position beyond", function() struct.unpack("i", "abcd", 9) end)
case("unpack position 0", function() struct.unpack("i", "abcd", 0) end)
case("unpack position table", function() struct.unpack("i", "abcd", {}) end)
case("unpack short", function() struct.unpack("i", "ab") end)
case("unpack short at 2", function() struct.unpack("bi", "abc", 1) end)
case("unpack c0 first", function() struct.unpack("c0", "ab") end)
case("unpack c0 after string", function() struct.unpack("sc0", "ab\0c") end)
case("unpack unfinished string", function() struct.unpack("bs", "abc") end)
case("unpack invalid option", function() struct.unpack("q", "abc") end)

area "struct.size and struct.offset"
case("size s", function() struct.size("s") end)
case("size c0", function() struct.size("c0") end)
case("size too large", function() struct.size("c2000000000c2000000000") end)
case("size format table", function() struct.size({}) end)
case("size invalid option", function() struct.size("iz") end)
case("offset item beyond", function() struct.offset("i", 3) end)
case("offset item 0", function() struct.offset("i", 0) end)
case("offset item table", function() struct.offset("i", {}) end)
case("offset format table", function() struct.offset({}, 1) end)
case("offset after s", function() struct.offset("ss", 2) end)
case("offset too large", function() struct.offset("c2000000000c2000000000i", 3) end)

-- Normalising and the files' format.

local function replace_plain(s, old, new)
  if old == "" then return s end
  local out, at = {}, 1
  while true do
    local i, j = s:find(old, at, true)
    if not i then break end
    out[#out + 1] = s:sub(at, i - 1)
    out[#out + 1] = new
    at = j + 1
  end
  out[#out + 1] = s:sub(at)
  return table.concat(out)
end

local function normalise(message, fn)
  local info = debug.getinfo(fn, "S")
  local src = info.short_src
  if message:sub(1, #src + 1) == src .. ":" then
    local line, rest = message:match("^(%d+): (.*)$", #src + 2)
    line = tonumber(line)
    if line and line >= info.linedefined and line <= info.lastlinedefined then
      message = "<here>: " .. rest
    end
  end
  local traceback = message:find("\nstack traceback:", 1, true)
  if traceback then
    message = message:sub(1, traceback - 1) .. "\nstack traceback:<traceback>"
  end
  message = replace_plain(message, TESTLIB, "<testlib>")
  message = message:gsub("^(.-alien: cannot load library '.-'): .*$", "%1: <dlerror>")
  message = message:gsub("^(.-alien: symbol '.-' not found in library '.-') %(.*%)$", "%1 (<dlerror>)")
  message = message:gsub("0x%x+", "<address>")
  return message
end

local escapes = { ["\n"] = "\\n", ["\t"] = "\\t", ["\\"] = "\\\\" }
local function escape(s)
  return (s:gsub("[%c\\]", function(c) return escapes[c] or ("\\%03d"):format(c:byte()) end))
end

-- The case's message, normalised and escaped.
local function message_of(c)
  local ok, err = pcall(c.fn)
  if ok then return "(no error)" end
  return escape(normalise(tostring(err), c.fn))
end

local expected_cache
-- name -> expected line, and the names in file order; raises naming the file when it is unreadable.
local function expected()
  if expected_cache then return expected_cache end
  local f, err = io.open(MESSAGES)
  if not f then error("cannot read the expected messages: " .. tostring(err), 0) end
  local byname, order, n = {}, {}, 0
  for line in f:lines() do
    n = n + 1
    if line ~= "" and line:sub(1, 1) ~= "#" then
      local name, message = line:match("^([^\t]+)\t(.*)$")
      if not name then
        f:close()
        error(("%s:%d: not \"name<TAB>message\": %s"):format(MESSAGES, n, line), 0)
      end
      if byname[name] then
        f:close()
        error(("%s:%d: case %q is there twice"):format(MESSAGES, n, name), 0)
      end
      byname[name] = message
      order[#order + 1] = name
    end
  end
  f:close()
  expected_cache = { byname = byname, order = order }
  return expected_cache
end

local function need_expected()
  local f = io.open(MESSAGES)
  if not f then skip("no expected messages for " .. KEY .. " (" .. MESSAGES .. ")") end
  f:close()
  return expected()
end

local actual = {} -- name -> actual line, for ALIEN_MESSAGES_OUT

for _, a in ipairs(areas) do
  test(("messages: %s (%d cases)"):format(a.title, #a.cases), function()
    local want = need_expected().byname
    local problems = {}
    for _, c in ipairs(a.cases) do
      local got = message_of(c)
      actual[c.name] = got
      if want[c.name] == nil then
        problems[#problems + 1] = ("case %q has no line in %s\n    actual:   %s"):format(c.name, MESSAGES, got)
      elseif want[c.name] ~= got then
        problems[#problems + 1] = ("case %q\n    expected: %s\n    actual:   %s"):format(c.name, want[c.name], got)
      end
    end
    if #problems > 0 then
      error(("%d of %d messages differ from %s:\n  %s"):format(#problems, #a.cases, MESSAGES,
        table.concat(problems, "\n  ")), 0)
    end
  end)
end

test("messages: the expected file has one line per case and no others", function()
  local e = need_expected()
  local known, problems = {}, {}
  for _, a in ipairs(areas) do
    for _, c in ipairs(a.cases) do
      if known[c.name] then problems[#problems + 1] = ("case %q is defined twice"):format(c.name) end
      known[c.name] = true
    end
  end
  for _, name in ipairs(e.order) do
    if not known[name] then problems[#problems + 1] = ("%s names a case that does not exist: %q"):format(MESSAGES, name) end
  end
  if #problems > 0 then error(table.concat(problems, "\n"), 0) end
end)

local out = os.getenv("ALIEN_MESSAGES_OUT")
if out and out ~= "" then
  test("messages: write the actual messages to $ALIEN_MESSAGES_OUT", function()
    local f = assert(io.open(out, "w"))
    f:write("# alien's error messages under ", KEY, ", checked by Tests/lua/test_13_messages.lua\n")
    f:write("# (its header says how they are normalised). One line per case: name, tab, message.\n")
    for _, a in ipairs(areas) do
      for _, c in ipairs(a.cases) do
        f:write(c.name, "\t", actual[c.name] or message_of(c), "\n")
      end
    end
    f:close()
  end)
end
