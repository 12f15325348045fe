-- Hardening: misuse that once crashed, read or wrote out of bounds, or
-- wrapped silently. Each case must end in a Lua error (or a right result),
-- never a crash.
local alien = require "alien"

local point = alien.defstruct { { "x", "int" }, { "y", "int" } }

test("struct new and byval take only struct types made by defstruct", function()
  raises(function() point.new({ size = 8 }) end, "alien struct type expected")
  raises(function() point.byval({ size = 8 }) end, "alien struct type expected")
  raises(function() point.new(42) end, "alien struct type expected")
end)

test("a struct type's size field changed by Lua code does not change its layout", function()
  local fake = alien.defstruct { { "a", "int" } }
  for _, size in ipairs { -1, 2 ^ 34, 0 / 0 } do
    fake.size = size
    local inst = fake:new()
    eq(#inst(), 4)
    eq(select("#", fake:byval()), 1)
    eq(alien.sizeof(fake), 4)
  end
end)

test("a struct type whose hidden field table was replaced is refused", function()
  local st = alien.defstruct { { "a", "int" } }
  for k in pairs(st) do
    if type(k) == "userdata" then st[k] = 5 end
  end
  raises(function() st:new() end, "alien struct type expected")
end)

test("an instance over a buffer that shrank cannot reach past its memory", function()
  local st = alien.defstruct { { "a", "int" }, { "b", "double" } }
  local buf = alien.buffer(16)
  local inst = st:new(buf)
  buf:realloc(4)
  inst.a = 7
  eq(inst.a, 7)
  raises(function() return inst.b end, "out of bounds")
  raises(function() inst.b = 1 end, "out of bounds")
end)

test("array.buffer with something other than an array raises", function()
  local arr = alien.array("int", 2)
  local index = getmetatable(arr).__index
  raises(function() index("a string", "buffer") end, "alien_array expected")
  raises(function() index({}, "buffer") end, "alien_array expected")
  eq(index(arr, "buffer"), arr.buffer)
end)

test("funcptr takes addresses, not the memory of other objects", function()
  raises(function() alien.funcptr(alien.buffer(16)) end, "function pointer expected, got userdata")
  raises(function() alien.funcptr(alien.array("int", 2)) end, "function pointer expected")
  local twice = alien.callback(function(x) return 2 * x end, "int", "int")
  local f = alien.funcptr(twice)          -- an alien function gives its own address
  f:types("int", "int")
  eq(f(21), 42)
end)

test("a function of a library closed by calling __gc by hand raises", function()
  local path = TESTLIB:gsub("/([^/]*)$", "//%1")   -- the same file under another name: its own handle
  local lib = alien.load(path)
  local f = typed_function(lib, "tl_add", "int", "int", "int")
  eq(f(2, 3), 5)
  getmetatable(lib).__gc(lib)
  raises(function() f(2, 3) end, "NULL address")
  alien.directcalls(false)
  local ok, err = pcall(f, 2, 3)
  alien.directcalls(true)
  assert(not ok and tostring(err):find("NULL address", 1, true), tostring(err))
  local again = alien.load(path)                    -- loaded anew, not the closed one
  assert(again ~= lib)
  eq(typed_function(again, "tl_add", "int", "int", "int")(2, 3), 5)
end)

test("memory functions stay inside struct instances, functions and tags", function()
  local inst = point:new()
  raises(function() alien.memset(inst, 65, 64) end, "out of bounds")
  alien.memset(inst, 0, 8)
  raises(function() alien.tostring(inst, 100000) end, "out of bounds")
  raises(function() alien.todouble(inst, 1000) end, "out of bounds")
  raises(function() alien.memmove(alien.default.strlen, "xxxxxxxx", 8) end, "pointer expected")
  raises(function() alien.memset(alien.wrap("hardening_tag", 1), 0, 64) end, "pointer expected")
  local arr = alien.array("char", 16)
  raises(function() alien.struct.unpack("c100000", arr, 100000) end, "bad argument #3 to 'unpack'")
  raises(function() alien.memset(io.stdout, 0, 100000) end, "out of bounds")  -- any full userdata has a known size
end)

test("alien.tostring of an own buffer without a NUL stops at its end", function()
  local buf = alien.buffer(4)
  for i = 1, 4 do buf[i] = 65 end
  eq(alien.tostring(buf), "AAAA")
  eq(alien.tostring(buf:topointer(3), 2), "AA")   -- a light userdata is foreign: its length is the caller's word
end)

test("an array whose buffer shrank checks the buffer's size", function()
  local a = alien.array("int", 1000)
  a.buffer:realloc(16)
  raises(function() a[1000] = 1 end, "out of range")
  raises(function() return a[5] end, "out of range 1..4")
  a[4] = 9
  eq(a[4], 9)
end)

test("strings stored in struct fields stay alive with the instance", function()
  local holder = alien.defstruct { { "s", "string" }, { "p", "pointer" } }
  local inst = holder:new()
  local expected = {}
  do
    local s = ("hardening string "):rep(4) .. tostring(os.time())
    local p = ("pointer string "):rep(4) .. tostring(os.clock())
    expected.s, expected.p = s, p
    inst.s = s .. "!"
    inst.p = p .. "?"
  end
  collectgarbage(); collectgarbage()
  local junk = {}
  for i = 1, 2000 do junk[i] = ("junk %d "):format(i):rep(10) end
  eq(inst.s, expected.s .. "!")
  eq(alien.tostring(inst.p), expected.p .. "?")
end)

test("types() of a function while a call of it is running raises", function()
  local call = typed_function(alien.load(TESTLIB), "tl_call_n", "int", "callback", "int")
  local cb
  cb = alien.callback(function(x)
    call:types("int", "callback", "int")       -- the running function
    return x
  end, "int", "int")
  raises(function() call(cb, 1) end, "while a call of it is running")
  local self
  self = alien.callback(function(x)
    self:types("int", "int")                   -- the running callback itself
    return x
  end, "int", "int")
  raises(function() call(self, 1) end, "while a call of it is running")
  call:types("int", "callback", "int")          -- once no call runs, it works
  eq(call(alien.callback(function(x) return x + 1 end, "int", "int"), 1), 2)
end)

test("sizes, offsets and counts must be exact integers", function()
  raises(function() alien.buffer(0 / 0) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer(1 / 0) end, "bad argument #1 to 'buffer'")
  raises(function() alien.buffer(2.5) end, "bad argument #1 to 'buffer'")
  local buf = alien.buffer(16)
  raises(function() buf:realloc(0 / 0) end, "bad argument #1 to 'realloc'")
  raises(function() buf:get(2 ^ 64 + 4096, "int") end, "get")
  raises(function() buf:get(1.5, "int") end, "no integer representation")
  raises(function() buf:set(1.5, 1, "int") end, "no integer representation")
  raises(function() buf:tostring(2.5) end, "no integer representation")
  raises(function() alien.array("int", 2.5) end, "no integer representation")
  local arr = alien.array("int", 4)
  raises(function() return arr[1.5] end, "no integer representation")
  raises(function() arr[0 / 0] = 1 end, "no integer representation")
  raises(function() arr:realloc(1 / 0) end, "realloc")
  raises(function() alien.memset(buf, 0, 0 / 0) end, "memset")
  raises(function() alien.toint(buf, 1.5) end, "no integer representation")
  raises(function() alien.table(-1, 1) end, "bad argument #1 to 'table'")
  raises(function() alien.table(1, -1) end, "bad argument #2 to 'table'")
end)

test("far offsets on foreign buffers never trap", function()
  local own = alien.buffer(16)
  local foreign = alien.buffer(own:topointer())
  eq(type(foreign:topointer(-2 ^ 63)), "userdata")
  eq(type(foreign:topointer(2 ^ 62)), "userdata")
  local far = foreign:topointer(2 ^ 62)
  eq(type(foreign:tooffset(far)), "number")
  eq(own:tooffset(far), nil)
end)

test("names with NUL bytes are errors, not cut short", function()
  raises(function() return alien.default["strlen\0junk"] end, "NUL")
  raises(function() alien.load("m\0x") end, "NUL")
  raises(function() alien.tag("a\0b") end, "NUL")
  raises(function() alien.sizeof("int\0x") end, "unknown type")
end)

test("callbacks nested without end raise an error instead of overflowing the C stack", function()
  local qsort = typed_function(alien.default, "qsort", "void", "pointer", "size_t", "size_t", "callback")
  local arr = alien.array("int", { 3, 1, 2 })
  local cmp
  cmp = alien.callback(function()
    qsort(arr.buffer, 3, 4, cmp)
    return 0
  end, "int", "pointer", "pointer")
  local err = raises(function() qsort(arr.buffer, 3, 4, cmp) end)
  assert(err:find("nested more than", 1, true) or err:find("stack overflow", 1, true), err)
  qsort(arr.buffer, 3, 4, alien.callback(function(a, b)
    return alien.toint(a) - alien.toint(b)
  end, "int", "pointer", "pointer"))
  eq(arr[1], 1); eq(arr[3], 3)
end)

-- Runs a Lua chunk in a child interpreter (this one, with the same module
-- path); returns its output and exit status.
local function run_child(code)
  local path = os.tmpname()
  local file = assert(io.open(path, "w"))
  file:write(code)
  file:close()
  local lua = arg and arg[-1] or "lua"
  local pipe = assert(io.popen(("%s %s 2>&1; echo \"status=$?\""):format(lua, path)))
  local output = pipe:read("*a")
  pipe:close()
  os.remove(path)
  return output, tonumber(output:match("status=(%d+)"))
end

test("a callback C calls after lua_close answers zero without running Lua", function()
  local output, status = run_child([[
    local alien = require "alien"
    local on_exit = alien.default.on_exit     -- glibc's; atexit is not an exported symbol
    on_exit:types("int", "callback", "pointer")
    local cb = alien.callback(function() io.write("ran Lua after close\n") end, "void", "int", "pointer")
    assert(on_exit(cb, nil) == 0)
    io.write("registered\n")
  ]])   -- the interpreter closes the state, collecting cb; then exit() calls it
  assert(output:find("registered", 1, true), output)
  assert(not output:find("ran Lua after close", 1, true), output)
  eq(status, 0, output)
end)

test("callbacks churned past the quarantine are reused and still run their own Lua", function()
  local call = typed_function(alien.load(TESTLIB), "tl_call_n", "int", "callback", "int")
  for i = 1, 3000 do
    local cb = alien.callback(function(x) return x + i end, "int", "int")
    eq(call(cb, 1), 1 + i)
    if i % 500 == 0 then collectgarbage() end
  end
end)

test("heap memory of reallocated buffers paces the collector", function()
  -- 1000 buffers of 1 MiB each on the C heap, none kept: Lua sees only their
  -- small userdata, so without the reported heap the peak would be ~1 GiB.
  local output = run_child([[
    local alien = require "alien"
    for i = 1, 1000 do
      local b = alien.buffer(16)
      b:realloc(1024 * 1024)
      b:set(1024 * 1024 - 3, i, "int")        -- touch the last page: it is really resident
    end
    local status = io.open("/proc/self/status"):read("*a")
    io.write("peak=", status:match("VmHWM:%s*(%d+)"), "\n")
  ]])
  local peak = tonumber(output:match("peak=(%d+)"))
  assert(peak, output)
  assert(peak < 256 * 1024, ("peak resident memory %d KiB"):format(peak))
end)

test("re-typing a function of a closed library does not arm a direct call to NULL", function()
  local path = TESTLIB:gsub("/([^/]*)$", "//%1")
  local lib = alien.load(path)
  local f = typed_function(lib, "tl_add", "int", "int", "int")
  getmetatable(lib).__gc(lib)
  f:types("int", "int", "int")
  raises(function() f(1, 2) end, "NULL address")
  alien.funcptr(alien.buffer(8):get(1, "pointer") or alien.buffer(8):topointer())
  local null = alien.buffer(8):get(1, "callback")        -- a NULL function pointer read from memory
  eq(null, nil)
end)

test("a library whose function cache was replaced is not closed under its functions", function()
  local path = TESTLIB:gsub("/([^/]*)$", "///%1")
  local lib = alien.load(path)
  local f = typed_function(lib, "tl_add", "int", "int", "int")
  local setuservalue = debug.setuservalue or debug.setfenv
  setuservalue(lib, {})                          -- the debug library hides f from the library
  getmetatable(lib).__gc(lib)
  eq(f(2, 3), 5)                                  -- still open: f may still be called
  setuservalue(lib, { tl_add = f })               -- found again: closed when collected (no leak)
end)

test("an object finalized by hand is never taken for memory", function()
  local buf = alien.buffer(32)
  local arr = alien.array("short", 4, buf)
  buf:realloc(32)                                 -- on the heap: a buffer with a finaliser
  getmetatable(buf).__gc(buf)
  raises(function() alien.memset(buf, 16, 17) end, "pointer expected")
  raises(function() alien.memmove(alien.buffer(8), buf, 4) end, "pointer expected")
  raises(function() return arr[1] end, "out of range")
  raises(function() buf:get(1, "int") end, "alien buffer expected")
  local strlen = typed_function(alien.default, "strlen", "size_t", "pointer")
  raises(function() strlen(buf) end, "bad argument #1 to 'strlen'")
end)
