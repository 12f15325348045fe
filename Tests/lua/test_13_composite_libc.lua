-- SPEC section 13: composite types and ref out-parameters against the real libc
-- (glibc on Linux), and ref T of every scalar type against the test library
local alien = require "alien"
local libc = alien.default
local lib = alien.load(TESTLIB)
local libm = alien.load("m")

local function typed(...) return typed_function(lib, ...) end
local function ctyped(...) return typed_function(libc, ...) end

test("div, ldiv and lldiv return their structs by value", function()
  local div_t = alien.defstruct { { "quot", "int" }, { "rem", "int" } }
  local ldiv_t = alien.defstruct { { "quot", "long" }, { "rem", "long" } }
  local lldiv_t = alien.defstruct { { "quot", "longlong" }, { "rem", "longlong" } }
  local div = ctyped("div", div_t, "int", "int")
  local r = div(17, 5)
  eq(r.quot, 3); eq(r.rem, 2)
  r = div(-17, 5)
  eq(r.quot, -3); eq(r.rem, -2)
  local ldiv = ctyped("ldiv", ldiv_t, "long", "long")
  r = ldiv(1000000000007, 10)
  eq(r.quot, 100000000000); eq(r.rem, 7)
  local lldiv = ctyped("lldiv", lldiv_t, "longlong", "longlong")
  r = lldiv(-2^50 - 3, 2^20)
  eq(r.quot, -2^30); eq(r.rem, -3)
  for a = -20, 20, 7 do
    for b = 1, 6 do
      local d = div(a, b)
      eq(d.quot * b + d.rem, a, a .. " / " .. b)
    end
  end
end)

test("inet_ntoa takes a struct in_addr by value", function()
  local in_addr = alien.defstruct { { "s_addr", "uint" } }
  local inet_ntoa = ctyped("inet_ntoa", "string", in_addr)
  local inet_addr = ctyped("inet_addr", "uint", "string")
  local htonl = ctyped("htonl", "uint", "uint")
  local a = in_addr:new()
  a.s_addr = inet_addr("10.1.2.3")
  eq(inet_ntoa(a), "10.1.2.3")
  eq(inet_ntoa { s_addr = htonl(0x7f000001) }, "127.0.0.1")
  eq(inet_ntoa { s_addr = htonl(0xC0A80102) }, "192.168.1.2")
  local inet_aton = ctyped("inet_aton", "int", "string", "pointer")
  local b = in_addr:new()
  eq(inet_aton("255.0.128.7", b()), 1)
  eq(inet_ntoa(b), "255.0.128.7")
end)

test("uname fills a struct of six char[65] fields", function()
  local fields = {}
  for i, name in ipairs { "sysname", "nodename", "release", "version", "machine", "domainname" } do
    fields[i] = { name, "char", 65 }
  end
  local utsname = alien.defstruct(fields)
  eq(utsname.size, 6 * 65)
  eq(utsname.offsets.machine, 4 * 65)
  local u = utsname:new()
  eq(ctyped("uname", "int", "pointer")(u()), 0)
  eq(u.sysname:tostring(), "Linux")
  assert(#u.release:tostring() > 0, "a release")
  assert(u.release:tostring():match("^%d+%.%d+"), "release looks like a kernel version")
  assert(#u.machine:tostring() > 0, "a machine")
  eq(#u.sysname, 65)
  eq(u.sysname[1], ("L"):byte())
  local p = io.popen("uname -m")
  if p then
    local m = p:read("*l")
    p:close()
    if m and #m > 0 then eq(u.machine:tostring(), m) end
  end
end)

-- struct tm on glibc: nine ints, long tm_gmtoff, const char *tm_zone
local tm = alien.defstruct { { "tm_sec", "int" }, { "tm_min", "int" }, { "tm_hour", "int" }, { "tm_mday", "int" },
                             { "tm_mon", "int" }, { "tm_year", "int" }, { "tm_wday", "int" }, { "tm_yday", "int" },
                             { "tm_isdst", "int" }, { "tm_gmtoff", "long" }, { "tm_zone", "string" } }

test("gmtime_r and strftime with a struct tm (time_t through ref long)", function()
  eq(tm.size, 56); eq(tm.offsets.tm_gmtoff, 40); eq(tm.offsets.tm_zone, 48)
  local gmtime_r = ctyped("gmtime_r", "pointer", "ref long", "pointer")
  local strftime = ctyped("strftime", "size_t", "pointer", "size_t", "string", "pointer")
  local t = tm:new()
  local res, time = gmtime_r(0, t())
  eq(res, t():topointer(), "gmtime_r returns its struct tm argument")
  eq(time, 0, "the time_t read back")
  eq(t.tm_year, 70); eq(t.tm_mon, 0); eq(t.tm_mday, 1); eq(t.tm_wday, 4); eq(t.tm_yday, 0)
  eq(t.tm_gmtoff, 0); eq(t.tm_zone, "GMT")
  local out = alien.buffer(64)
  eq(strftime(out, 64, "%Y", t()), 4)
  eq(out:tostring(), "1970")
  gmtime_r(1000000000, t())
  eq(strftime(out, 64, "%Y-%m-%d %H:%M:%S", t()), 19)
  eq(out:tostring(), "2001-09-09 01:46:40")
  -- and back with timegm, the struct filled from Lua
  local timegm = ctyped("timegm", "long", "pointer")
  local u = tm:new()
  u.tm_year = 100; u.tm_mon = 1; u.tm_mday = 29; u.tm_hour = 12
  eq(timegm(u()), 951825600)
  eq(u.tm_wday, 2, "timegm normalizes the struct: 2000-02-29 was a Tuesday")
  eq(u.tm_yday, 59)
end)

test("localtime_r gives the year whatever the time zone", function()
  local localtime_r = ctyped("localtime_r", "pointer", "ref long", "pointer")
  local strftime = ctyped("strftime", "size_t", "pointer", "size_t", "string", "pointer")
  local t = tm:new()
  localtime_r(1000000000, t())
  local out = alien.buffer(16)
  strftime(out, 16, "%Y", t())
  eq(out:tostring(), "2001")
  eq(t.tm_year, 101)
  assert(t.tm_zone ~= nil, "a zone name")
end)

test("clock_gettime and getrlimit fill small structs", function()
  local timespec = alien.defstruct { { "tv_sec", "long" }, { "tv_nsec", "long" } }
  local ts = timespec:new()
  eq(ctyped("clock_gettime", "int", "int", "pointer")(0, ts()), 0)   -- CLOCK_REALTIME
  assert(ts.tv_sec > 1600000000, "seconds since the epoch")
  assert(ts.tv_nsec >= 0 and ts.tv_nsec < 1000000000, "nanoseconds")
  local rlimit = alien.defstruct { { "cur", "ulong" }, { "max", "ulong" } }
  local rl = rlimit:new()
  eq(ctyped("getrlimit", "int", "int", "pointer")(7, rl()), 0)     -- RLIMIT_NOFILE
  assert(rl.cur > 0 and rl.cur <= rl.max, "soft limit within the hard limit")
end)

test("strtol and strtod report the end through ref pointer", function()
  local buf = alien.buffer("123abc")
  local strtol = ctyped("strtol", "long", "pointer", "ref pointer", "int")
  local n, endp = strtol(buf, nil, 10)
  eq(n, 123)
  eq(buf:tooffset(endp), 4)
  eq(endp, buf:topointer(4))
  local hex = alien.buffer("  -ff!")
  n, endp = strtol(hex, hex:topointer(), 16)
  eq(n, -255)
  eq(hex:tooffset(endp), 6)
  local strtoul = ctyped("strtoul", "ulong", "string", "ref pointer", "int")
  local u, e2 = strtoul("777", nil, 8)
  eq(u, 511)
  assert(e2 ~= nil, "an end pointer")
  local strtod = ctyped("strtod", "double", "pointer", "ref pointer")
  local d = alien.buffer("2.5e3xyz")
  local x, e3 = strtod(d, nil)
  eq(x, 2500)
  eq(d:tooffset(e3), 6)
  local none = alien.buffer("xyz")
  x, e3 = strtod(none, nil)
  eq(x, 0)
  eq(none:tooffset(e3), 1, "no digits: the end is the start")
end)

test("modf, modff and frexp return their second result through ref", function()
  local modff = typed_function(libm, "modff", "float", "float", "ref float")
  local frac, int = modff(3.75, 0)
  eq(frac, 0.75); eq(int, 3)
  frac, int = modff(-2.5, 0)
  eq(frac, -0.5); eq(int, -2)
  local modf = typed_function(libm, "modf", "double", "double", "ref double")
  frac, int = modf(1e10 + 0.25, 0)
  eq(frac, 0.25); eq(int, 1e10)
  local frexp = typed_function(libm, "frexp", "double", "double", "ref int")
  local m, e = frexp(8, 0)
  eq(m, 0.5); eq(e, 4)
  m, e = frexp(0.1875, 0)
  eq(m, 0.75); eq(e, -2)
  local ldexp = typed_function(libm, "ldexp", "double", "double", "int")
  eq(ldexp(frexp(12345.678, 0)), 12345.678)
end)

test("sscanf into ref long, ref size_t, ref longlong, ref float", function()
  local sscanf = ctyped("sscanf", "int", "string", "string", "ref long", "ref size_t", "ref longlong", "ref float",
    "ref short", "ref ushort")
  local n, l, z, ll, f, s, us = sscanf("-42 4096 -1099511627776 0.5 -7 65535", "%ld %zu %lld %f %hd %hu", 0, 0, 0, 0, 0, 0)
  eq(n, 6); eq(l, -42); eq(z, 4096); eq(ll, -1099511627776); eq(f, 0.5); eq(s, -7); eq(us, 65535)
end)

test("ref T for every scalar type against the test library", function()
  local _, v
  _, v = typed("tl_ref_long", "void", "ref long")(-5); eq(v, -16)
  _, v = typed("tl_ref_ulong", "void", "ref ulong")(41); eq(v, 42)
  _, v = typed("tl_ref_size_t", "void", "ref size_t")(24); eq(v, 1024)
  _, v = typed("tl_ref_ptrdiff_t", "void", "ref ptrdiff_t")(9); eq(v, -9)
  _, v = typed("tl_ref_longlong", "void", "ref longlong")(2^40); eq(v, -2^41)
  _, v = typed("tl_ref_ulonglong", "void", "ref ulonglong")(2^40); eq(v, 2^41)
  _, v = typed("tl_ref_float", "void", "ref float")(3); eq(v, 0.75)
  _, v = typed("tl_ref_short", "void", "ref short")(-32768); eq(v, 32767, "wraps as C does")
  _, v = typed("tl_ref_ushort", "void", "ref ushort")(65535); eq(v, 0)
  _, v = typed("tl_ref_byte", "void", "ref byte")(5); eq(v, -5)
  local all = typed("tl_ref_all", "int", "ref byte", "ref char", "ref short", "ref ushort", "ref int", "ref uint",
    "ref long", "ref ulong", "ref longlong", "ref ulonglong", "ref ptrdiff_t", "ref size_t", "ref float",
    "ref double", "ref pointer")
  local buf = alien.buffer(32)
  local r = { all(-1, 250, -3, 65000, -5, 6, -7, 8, -9, 10, -11, 12, 0.5, -14.5, buf:topointer()) }
  eq(#r, 16)
  eq(r[1], 15)
  local want = { 0, 252, 0, 65004, 0, 12, 0, 16, 0, 20, 0, 24, 13.5, -0.5 }
  for i = 1, 14 do eq(r[i + 1], want[i], "value " .. i) end
  eq(buf:tooffset(r[16]), 16, "the pointer moved by 15 bytes")
end)

test("ref pointer: in, moved, and NULL out", function()
  local adv = typed("tl_ref_advance", "void", "ref pointer", "int")
  local buf = alien.buffer(8)
  local _, p = adv(buf:topointer(), 3)
  eq(buf:tooffset(p), 4)
  _, p = adv(p, 2)
  eq(buf:tooffset(p), 6)
  local _, q = adv(buf, 1)
  eq(buf:tooffset(q), 2, "a buffer gives its address")
  local _, n = typed("tl_ref_set_null", "void", "ref pointer")(buf)
  eq(n, nil, "NULL comes back as nil")
end)

test("size_t and long out-parameters together", function()
  local measure = typed("tl_measure", "int", "string", "ref size_t", "ref long")
  local rc, len, words = measure("hello big  world", 0, 0)
  eq(rc, 0); eq(len, 16); eq(words, 3)
  len, words = select(2, measure("", 99, 99))
  eq(len, 0); eq(words, 0)
end)

test("qsort over an array of structs", function()
  local point = alien.defstruct { { "x", "int" }, { "y", "int" } }
  local arr = alien.array(point, 6)
  eq(arr.size, point.size)
  eq(#arr, 6)
  local xs = { 5, -3, 9, 0, 2, -8 }
  for i, x in ipairs(xs) do arr[i].x = x; arr[i].y = i end
  local cmp = alien.callback(function(a, b)
    local pa, pb = point:new(a), point:new(b)
    return pa.x - pb.x
  end, "int", "pointer", "pointer")
  ctyped("qsort", "void", "pointer", "size_t", "size_t", "callback")(arr.buffer, 6, point.size, cmp)
  local order = {}
  for i = 1, 6 do order[i] = arr[i].x .. ":" .. arr[i].y end
  eq(table.concat(order, " "), "-8:6 -3:2 0:4 2:5 5:1 9:3")
end)

test("qsort comparators taking ref longlong, ref short, ref float, ref ulong, ref size_t", function()
  local qsort = ctyped("qsort", "void", "pointer", "size_t", "size_t", "callback")
  local function check(t, values, want)
    local arr = alien.array(t, values)
    local calls = 0
    local cmp = alien.callback(function(a, b)
      calls = calls + 1
      assert(type(a) == "number" and type(b) == "number", "the pointed-to values arrive")
      return a < b and -1 or (a > b and 1 or 0)
    end, "int", "ref " .. t, "ref " .. t)
    qsort(arr.buffer, arr.length, arr.size, cmp)
    assert(calls > 0, "the comparator ran")
    for i = 1, #want do eq(arr[i], want[i], t .. " element " .. i) end
  end
  check("longlong", { 5, -2^40, 3, 2^40, 0 }, { -2^40, 0, 3, 5, 2^40 })
  check("short", { 300, -300, 7, -32768, 32767 }, { -32768, -300, 7, 300, 32767 })
  check("float", { 1.5, -0.25, 1e10, -8 }, { -8, -0.25, 1.5, 1e10 })
  check("ulong", { 9, 2^40, 4 }, { 4, 9, 2^40 })
  check("size_t", { 30, 10, 20 }, { 10, 20, 30 })
  check("ushort", { 65535, 0, 1 }, { 0, 1, 65535 })
  check("byte", { 127, -128, 0 }, { -128, 0, 127 })
end)
