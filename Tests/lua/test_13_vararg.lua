-- SPEC section 13: variadic functions ("..." as the last argument type) and alien.vararg
local alien = require "alien"
local libc = alien.default
local lib = alien.load(TESTLIB)

local function typed(...) return typed_function(lib, ...) end

local snprintf = libc.snprintf
local typed_once = false
local out = alien.buffer(1024)
local function fmt(f, ...)
  if not typed_once then   -- inside the tests, so a missing feature fails each test, not the file
    snprintf:types("int", "pointer", "size_t", "string", "...")
    typed_once = true
  end
  local n = snprintf(out, 1024, f, ...)
  local s = out:tostring()
  eq(n, #s, "snprintf's count for " .. f)
  return s
end

test("snprintf with a mix of the promoted types", function()
  eq(fmt("%d %s %.2f", 42, "hi", 2.5), "42 hi 2.50")
  eq(fmt("%d|%d", -2147483648, 2147483647), "-2147483648|2147483647", "int limits stay int")
  eq(fmt("%lld", 1099511627776), "1099511627776", "an integer past int is long long")
  eq(fmt("%lld %d", -1099511627776, 7), "-1099511627776 7")
  eq(fmt("%lld", 2147483648), "2147483648")
  eq(fmt("%lld", 3000000000), "3000000000")
  eq(fmt("%.3f %.1f", 0.125, -1.5), "0.125 -1.5")
  eq(fmt("%s and %s", "one", "two"), "one and two")
  eq(fmt("%c%c%c", 65, 108, 105), "Ali")
  eq(fmt("%p", nil), "(nil)", "nil is a NULL pointer")
  eq(fmt("%s", nil), "(null)")
  eq(fmt("[%5s|%-4d|%05.1f]", "ab", 3, 2.26), "[   ab|3   |002.3]")
  eq(fmt("%d %s %.2f %lld %p", 1, "x", 0.5, 1099511627777, nil), "1 x 0.50 1099511627777 (nil)")
end)

test("buffers and userdata are pointers", function()
  local b = alien.buffer("from a buffer")
  eq(fmt("%s", b), "from a buffer")
  local p1 = fmt("%p", b)
  assert(p1:match("^0x%x+$"), "a pointer: " .. p1)
  eq(fmt("%p", b:topointer()), p1, "a buffer passes its address, as its light userdata does")
  local p5 = fmt("%p", b:topointer(5))
  eq(tonumber(p5:sub(3), 16) - tonumber(p1:sub(3), 16), 4)
  eq(fmt("%s", b:topointer(8)), "buffer")
end)

test("alien.vararg gives a value an explicit type", function()
  eq(fmt("%f", alien.vararg("double", 2)), "2.000000")
  eq(fmt("%.1f %.1f", alien.vararg("double", 1), alien.vararg("double", -3)), "1.0 -3.0")
  eq(fmt("%lld", alien.vararg("longlong", 5)), "5")
  eq(fmt("%lld", alien.vararg("longlong", -5)), "-5")
  eq(fmt("%llu", alien.vararg("ulonglong", -1)), "18446744073709551615", "wraps as a C cast")
  eq(fmt("%ld", alien.vararg("long", -5)), "-5")
  eq(fmt("%lu", alien.vararg("ulong", 2^40)), "1099511627776")
  eq(fmt("%u", alien.vararg("uint", 4294967295)), "4294967295")
  eq(fmt("%zu", alien.vararg("size_t", 12345)), "12345")
  eq(fmt("%d", alien.vararg("int", 7)), "7")
  eq(fmt("%s", alien.vararg("string", "typed")), "typed")
  eq(fmt("%p", alien.vararg("pointer", nil)), "(nil)")
  eq(fmt("%d %lld %.2f %s", alien.vararg("int", 1), alien.vararg("longlong", 2), alien.vararg("double", 3), "4"),
     "1 2 3.00 4")
end)

test("a float value is double on every Lua; integral floats are int only before 5.3", function()
  eq(fmt("%.2f", 0.5), "0.50")
  if not LUA_INTEGERS then skip("numbers are doubles before 5.3: 2.0 is integral, promoted to int") end
  eq(fmt("%.1f", 2.0), "2.0", "a Lua float is double on 5.3+")
  eq(fmt("%.1f %d", 2^40, 3), "1099511627776.0 3")
end)

test("integral numbers before 5.3 are int when they fit, else long long", function()
  if LUA_INTEGERS then skip("5.3+ has an integer subtype") end
  eq(fmt("%d", 2.0), "2")
  eq(fmt("%lld", 2^40), "1099511627776")
  eq(fmt("%d", -7), "-7")
end)

test("snprintf with no variable arguments, and truncating", function()
  eq(fmt("plain 100%%"), "plain 100%")   -- fmt has set the types
  eq(fmt(""), "")
  local small = alien.buffer(4)
  eq(snprintf(small, 4, "%s", "abcdef"), 6, "the length it would have written")
  eq(small:tostring(), "abc")
end)

test("snprintf with 20 variable arguments", function()
  local ints, want = {}, {}
  for i = 1, 20 do ints[i] = i * 3; want[i] = tostring(i * 3) end
  eq(fmt(("%d "):rep(20), (unpack or table.unpack)(ints)), table.concat(want, " ") .. " ")
  -- alternating ints and doubles: past the registers of both classes
  local args, parts = {}, {}
  for i = 1, 20 do
    if i % 2 == 0 then args[i] = i + 0.5; parts[i] = ("%.1f"):format(i + 0.5)
    else args[i] = i; parts[i] = tostring(i) end
  end
  eq(fmt(("%d %.1f "):rep(10), (unpack or table.unpack)(args)), table.concat(parts, " ") .. " ")
  -- strings, long longs and doubles
  local mix = {}
  for i = 1, 7 do mix[#mix + 1] = "s" .. i; mix[#mix + 1] = 1099511627776 + i; mix[#mix + 1] = i / 4 + 0.001 end
  local s = fmt(("%s %lld %.3f;"):rep(7), (unpack or table.unpack)(mix))
  local expect = {}
  for i = 1, 7 do expect[i] = ("s%d %d %.3f;"):format(i, 1099511627776 + i, i / 4 + 0.001) end
  eq(s, table.concat(expect))
end)

test("a printf-style loop: 1000 calls with changing types, each right", function()
  for i = 1, 1000 do
    local s
    if i % 3 == 0 then
      s = fmt("%d:%s:%.3f", i, tostring(i), alien.vararg("double", i / 8))
      eq(s, ("%d:%s:%.3f"):format(i, tostring(i), i / 8))
    elseif i % 3 == 1 then
      s = fmt("%s-%lld", "n" .. i, 4294967296 * i)
      eq(s, ("n%d-%d"):format(i, 4294967296 * i))
    else
      s = fmt("%.2f|%c|%d", i + 0.25, 65 + i % 26, -i)
      eq(s, ("%.2f|%c|%d"):format(i + 0.25, 65 + i % 26, -i))
    end
  end
end)

test("the test library's variadic functions", function()
  local ints = typed("tl_va_sum_ints", "int", "int", "...")
  eq(ints(0), 0)
  eq(ints(3, 1, 2, 3), 1 + 4 + 9)
  local args, want = {}, 0
  for k = 1, 20 do args[k] = k - 10; want = want + k * (k - 10) end
  eq(ints(20, (unpack or table.unpack)(args)), want)
  local doubles = typed("tl_va_sum_doubles", "double", "int", "...")
  eq(doubles(3, 0.5, 1.5, alien.vararg("double", 2)), 0.5 + 3 + 6)
  local ds, dwant = {}, 0
  for k = 1, 20 do ds[k] = k + 0.25; dwant = dwant + k * (k + 0.25) end
  eq(doubles(20, (unpack or table.unpack)(ds)), dwant)
  local lls = typed("tl_va_sum_ll", "longlong", "int", "...")
  eq(lls(3, alien.vararg("longlong", 1), 1099511627776, alien.vararg("longlong", -3)), 1099511627774)
  local mixed = typed("tl_va_mixed", "double", "string", "...")
  local b = alien.buffer(4)
  eq(mixed("iLdsp", 1, 1099511627776, 0.5, "abc", b), 1 + 2 * 1099511627776 + 3 * 0.5 + 4 * 3 + 5 * 1)
  eq(mixed("pps", nil, b, nil), 0 + 2 + 3 * 1000)
  eq(mixed("ulLd", alien.vararg("uint", 4000000000), alien.vararg("long", -9), alien.vararg("longlong", 9),
           alien.vararg("double", 1)), 4000000000 - 18 + 27 + 4)
  eq(mixed(""), 0)
end)

test("variable arguments after full registers go on the stack", function()
  local f = typed("tl_va_after_many", "double", "double", "double", "double", "double", "double", "double",
    "double", "double", "long", "long", "long", "long", "long", "int", "...")
  eq(f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3, 0.5, alien.vararg("double", 2), 1.25),
     91 + 0.5 + 2 * 2 + 3 * 1.25)
  eq(f(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0)
end)

test("a vsnprintf wrapper", function()
  local f = typed("tl_va_format", "int", "pointer", "size_t", "string", "...")
  local b = alien.buffer(64)
  eq(f(b, 64, "<%s=%d>", "x", 5), 5)
  eq(b:tostring(), "<x=5>")
  local want = ("%.1f/%d"):format(0.75, 1099511627776)
  eq(f(b, 64, "%.1f/%lld", 0.75, 1099511627776), #want)
  eq(b:tostring(), want)
end)

test("open with and without a mode; fcntl with and without an argument", function()
  local open = libc.open
  open:types("int", "string", "int", "...")
  local close = libc.close
  close:types("int", "int")
  local write = libc.write
  write:types("long", "int", "string", "size_t")
  local read = libc.read
  read:types("long", "int", "pointer", "size_t")
  local fcntl = libc.fcntl
  fcntl:types("int", "int", "int", "...")
  local path = os.tmpname()
  os.remove(path)
  local O_RDONLY, O_WRONLY, O_CREAT, O_EXCL = 0, 1, 64, 128
  local fd = open(path, O_WRONLY + O_CREAT + O_EXCL, 384)          -- 0600
  assert(fd >= 0, "open with O_CREAT")
  eq(write(fd, "hello", 5), 5)
  eq(fcntl(fd, 2, 1), 0)        -- F_SETFD FD_CLOEXEC
  eq(fcntl(fd, 1), 1)           -- F_GETFD, no variable argument
  eq(close(fd), 0)
  local p = io.popen("stat -c %a '" .. path .. "'")
  if p then
    local mode = p:read("*l")
    p:close()
    if mode then eq(mode, "600", "the mode reached open") end
  end
  local rfd = open(path, O_RDONLY)                                   -- no mode
  assert(rfd >= 0, "open without a mode")
  local b = alien.buffer(16)
  eq(read(rfd, b, 16), 5)
  eq(b:tostring(5), "hello")
  eq(close(rfd), 0)
  os.remove(path)
  local fd2 = open(path, O_WRONLY + O_CREAT + O_EXCL, alien.vararg("uint", 420))   -- 0644
  assert(fd2 >= 0, "open with an explicitly typed mode")
  close(fd2)
  p = io.popen("stat -c %a '" .. path .. "'")
  if p then
    local mode = p:read("*l")
    p:close()
    if mode then eq(mode, "644") end
  end
  eq(os.remove(path), true)
  eq(open(path, O_RDONLY), -1, "gone")
end)

test("variadic calls under churn stay flat", function()
  snprintf:types("int", "pointer", "size_t", "string", "...")
  local b = alien.buffer(64)
  local f = typed("tl_va_mixed", "double", "string", "...")
  memory_stays_flat(function(i)
    -- Under valgrind (make check-memory) freed blocks wait in a 20 MB queue
    -- (--freelist-vol) before reuse; these calls free too little for the first
    -- round to fill it, so the second would seem to grow. 256 bytes a call fill it.
    local _ = alien.buffer(256)
    local n = snprintf(b, 64, "%d %s %.1f", i, "x", 0.5)
    assert(n == #tostring(i) + 6)
    assert(f("ids", i, 0.5, "ab") == i + 1 + 6)
  end)
end)
