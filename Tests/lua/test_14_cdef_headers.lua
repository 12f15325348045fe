-- SPEC section 14: alien.cdef reads real headers after the preprocessor
-- (cc -E -P on <zlib.h>, <sqlite3.h>, <time.h>, <sys/utsname.h>, <stdio.h>),
-- and the functions declared there are then callable with no types call
-- anywhere in this file. Layouts are compared with the C compiler's (a small
-- program built with cc prints sizeof and offsetof). A header or library that
-- is not installed skips its tests (ci/install-deps.sh installs them).
-- The time each header's cdef takes is printed, not asserted.
local alien = require "alien"
-- A function is typed from its declaration when it is first looked up, and
-- alien.default's function objects are shared with the rest of the suite,
-- which typed some of them by hand before this file runs (gettimeofday,
-- qsort, snprintf...). So the C library through a library object of its own.
local libc = alien.load("c")
local PTR = alien.sizeof("pointer")

local have_cc
local function need_cc()
  if have_cc == nil then have_cc = shell("command -v cc >/dev/null 2>&1") end
  if not have_cc then skip("no C compiler (cc) on PATH") end
end

-- The header after cc -E -P, or nil and why not.
local function preprocess(header)
  local base = os.tmpname()
  write_file(base .. ".c", "#include <" .. header .. ">\n")
  local ok = shell(("cc -E -P '%s.c' -o '%s.i' 2>'%s.err'"):format(base, base, base))
  local text, err = read_file(base .. ".i"), read_file(base .. ".err") or ""
  os.remove(base); os.remove(base .. ".c"); os.remove(base .. ".i"); os.remove(base .. ".err")
  if not ok or not text or text == "" then
    return nil, ("<%s> is not installed (%s)"):format(header, err:match("[^\n]*"))
  end
  return text
end

-- Each header is read once per Lua state; later tests reuse the outcome.
local declared = {}
local function declare(header)
  need_cc()
  local d = declared[header]
  if not d then
    d = {}
    d.text, d.why = preprocess(header)
    if d.text then
      local cdef = alien.cdef
      local t0 = os.clock()
      d.ok, d.err = pcall(cdef, d.text)
      d.seconds = os.clock() - t0
      print(("cdef <%s>: %d bytes, %d lines in %.3f s%s"):format(header, #d.text,
        select(2, d.text:gsub("\n", "")), d.seconds, d.ok and "" or " (an error)"))
    end
    declared[header] = d
  end
  if not d.text then skip(d.why) end
  if not d.ok then error(("alien.cdef of cc -E -P <%s> failed: %s"):format(header, tostring(d.err)), 2) end
  return d.text
end

-- What C says: each expression (sizeof, offsetof, a constant) as a number,
-- from a program built with cc against the same header.
local function c_values(header, exprs)
  need_cc()
  local base = os.tmpname()
  local lines = { "#include <stddef.h>", "#include <stdio.h>", "#include <" .. header .. ">", "int main(void) {" }
  for _, e in ipairs(exprs) do lines[#lines + 1] = ('  printf("%%ld\\n", (long)(%s));'):format(e) end
  lines[#lines + 1] = "  return 0;\n}\n"
  write_file(base .. ".c", table.concat(lines, "\n"))
  local ok = shell(("cc -o '%s.exe' '%s.c' 2>'%s.err' && '%s.exe' >'%s.out'"):format(base, base, base, base, base))
  local out, err = read_file(base .. ".out") or "", read_file(base .. ".err") or ""
  for _, ext in ipairs { "", ".c", ".exe", ".out", ".err" } do os.remove(base .. ext) end
  if not ok then error("the C layout program for <" .. header .. "> failed: " .. err, 2) end
  local values = {}
  for v in out:gmatch("(-?%d+)\n") do values[#values + 1] = tonumber(v) end
  assert(#values == #exprs, "one value per expression")
  return values
end

-- alien.sizeof("T") for "sizeof(T)", alien.offsetof("T", "f") for "offsetof(T, f)".
local function compare_layouts(header, exprs)
  local want = c_values(header, exprs)
  for i, e in ipairs(exprs) do
    local T, f = e:match("^offsetof%((.-),%s*([%w_]+)%)$")
    local got
    if T then
      got = alien.offsetof(T, f)
    else
      got = alien.sizeof(assert(e:match("^sizeof%((.*)%)$"), e))
    end
    eq(got, want[i], e)
  end
end

local function load_library(name)
  local ok, lib = pcall(alien.load, name)
  if not ok then skip("no lib" .. name .. ": " .. tostring(lib)) end
  return lib
end

for _, header in ipairs { "zlib.h", "sqlite3.h", "time.h", "sys/utsname.h", "stdio.h" } do
  test("alien.cdef reads cc -E -P <" .. header .. ">", function()
    declare(header)
  end)
end

test("uname through <sys/utsname.h> and alien.new", function()
  declare("sys/utsname.h")
  compare_layouts("sys/utsname.h", { "sizeof(struct utsname)", "offsetof(struct utsname, machine)" })
  local u = alien.new("struct utsname")
  eq(libc.uname(u), 0)
  eq(u.sysname:tostring(), "Linux")
  assert(u.release:tostring():match("^%d+%.%d+"), "a kernel release: " .. u.release:tostring())
  assert(#u.machine:tostring() > 0, "a machine")
end)

test("<time.h>: struct tm, time, gmtime_r, strftime, timegm, clock_gettime", function()
  declare("time.h")
  compare_layouts("time.h", {
    "sizeof(struct tm)", "offsetof(struct tm, tm_year)", "offsetof(struct tm, tm_gmtoff)",
    "offsetof(struct tm, tm_zone)", "sizeof(struct timespec)", "offsetof(struct timespec, tv_nsec)",
    "sizeof(struct itimerspec)", "sizeof(time_t)", "sizeof(clock_t)", "sizeof(clockid_t)", "sizeof(timer_t)",
  })
  eq(alien.typeof("struct tm").size, alien.sizeof("struct tm"))
  local now = libc.time(nil)
  assert(math.abs(now - os.time()) < 10, "time(NULL) is now: " .. tostring(now))
  local t = alien.buffer(alien.sizeof("time_t"))
  t:set(1, 1000000000, "long")
  local tm = alien.new("struct tm")
  eq(libc.gmtime_r(t, tm), tm():topointer(), "gmtime_r returns its struct tm *")
  eq(tm.tm_year, 101); eq(tm.tm_mon, 8); eq(tm.tm_mday, 9); eq(tm.tm_hour, 1)
  local out = alien.buffer(64)
  eq(libc.strftime(out, 64, "%Y-%m-%d %H:%M:%S", tm), 19)
  eq(out:tostring(), "2001-09-09 01:46:40")
  eq(libc.timegm(tm), 1000000000)
  eq(libc.difftime(10, 4), 6)
  local ts = alien.new("struct timespec")
  eq(libc.clock_gettime(0, ts), 0)           -- CLOCK_REALTIME, a macro cdef does not see
  assert(ts.tv_sec > 1600000000, "seconds")
  assert(ts.tv_nsec >= 0 and ts.tv_nsec < 1000000000, "nanoseconds")
end)

test("<zlib.h>: zlibVersion, crc32, adler32", function()
  declare("zlib.h")
  local z = load_library("z")
  local v = z.zlibVersion()
  eq(type(v), "string")
  assert(v:match("^1%."), "zlib 1.x: " .. v)
  eq(z.crc32(0, "hello", 5), 907060870)
  eq(z.adler32(1, "hello", 5), 0x062c0215)
  compare_layouts("zlib.h", {
    "sizeof(z_stream)", "offsetof(z_stream, avail_out)", "offsetof(z_stream, msg)", "offsetof(z_stream, adler)",
    "sizeof(gz_header)", "offsetof(gz_header, hcrc)", "sizeof(uLongf)", "sizeof(Bytef)", "sizeof(struct gzFile_s)",
  })
end)

-- 1000 bytes that compress, with a few bytes of every kind
local input = {}
for i = 1, 40 do input[i] = ("alien cdef zlib round trip %4d\n"):format(i) end
input = table.concat(input):sub(1, 996) .. "\0\1\255\n"

test("<zlib.h>: compress and uncompress round trip", function()
  declare("zlib.h")
  local z = load_library("z")
  eq(#input, 1000)
  local bound = z.compressBound(#input)
  assert(bound >= #input, "compressBound")
  local dest = alien.buffer(bound)
  local destLen = alien.buffer(alien.sizeof("uLongf"))
  destLen:set(1, bound, "ulong")
  eq(z.compress(dest, destLen, input, #input), 0)      -- Z_OK
  local clen = destLen:get(1, "ulong")
  assert(clen > 0 and clen < #input, "compressed to " .. tostring(clen))
  local out = alien.buffer(#input)
  local outLen = alien.buffer(alien.sizeof("uLongf"))
  outLen:set(1, #input, "ulong")
  eq(z.uncompress(out, outLen, dest, clen), 0)
  eq(outLen:get(1, "ulong"), #input)
  eq(out:tostring(#input), input)
  -- a destination too small is Z_BUF_ERROR, not a crash
  outLen:set(1, 10, "ulong")
  eq(z.uncompress(out, outLen, dest, clen), -5)
end)

test("<zlib.h>: deflate through a z_stream made by alien.new", function()
  declare("zlib.h")
  local z = load_library("z")
  local strm = alien.new("z_stream")
  eq(z.deflateInit_(strm, 9, z.zlibVersion(), alien.sizeof("z_stream")), 0)
  local src = alien.buffer(input)
  local bound = z.deflateBound(strm, #input)
  local dst = alien.buffer(bound)
  strm.next_in = src
  strm.avail_in = #input
  strm.next_out = dst
  strm.avail_out = bound
  eq(z.deflate(strm, 4), 1)                            -- Z_FINISH gives Z_STREAM_END
  eq(strm.avail_in, 0)
  eq(strm.total_in, #input)
  local n = strm.total_out
  assert(n > 0 and n < #input, "deflated to " .. tostring(n))
  eq(strm.adler, z.adler32(1, input, #input), "the stream's checksum")
  eq(z.deflateEnd(strm), 0)
  local out = alien.buffer(#input)
  local outLen = alien.buffer(alien.sizeof("uLongf"))
  outLen:set(1, #input, "ulong")
  eq(z.uncompress(out, outLen, dst, n), 0)
  eq(out:tostring(#input), input)
end)

test("<sqlite3.h>: open, exec with a Lua callback, close", function()
  declare("sqlite3.h")
  local sq = load_library("sqlite3")
  assert(sq.sqlite3_libversion():match("^3%."), "sqlite 3")
  assert(sq.sqlite3_libversion_number() >= 3000000, "a version number")
  local db = alien.buffer(PTR)
  eq(sq.sqlite3_open(":memory:", db), 0)               -- SQLITE_OK
  local handle = db:get(1, "pointer")
  assert(handle ~= nil, "a handle")
  local rows, seen, cols = 0, {}, {}
  local cb = alien.callback(function(_, ncols, values)
    rows = rows + 1
    cols[#cols + 1] = ncols
    seen[#seen + 1] = alien.tostring(alien.buffer(values):get(1, "pointer"))
    return 0
  end, "int", "pointer", "int", "pointer", "pointer")
  eq(sq.sqlite3_exec(handle, "select 1 union select 2", cb, nil, nil), 0)
  eq(rows, 2)
  eq(cols[1], 1)
  eq(seen[1], "1"); eq(seen[2], "2")
  -- an error comes back through char **errmsg
  local errmsg = alien.buffer(PTR)
  eq(sq.sqlite3_exec(handle, "select from nowhere", nil, nil, errmsg), 1)   -- SQLITE_ERROR
  local msg = errmsg:get(1, "pointer")
  assert(alien.tostring(msg):find("syntax error", 1, true), "the message: " .. alien.tostring(msg))
  sq.sqlite3_free(msg)
  eq(sq.sqlite3_errcode(handle), 1)
  eq(type(sq.sqlite3_errmsg(handle)), "string")
  eq(sq.sqlite3_close(handle), 0)
end)

test("<sqlite3.h>: a prepared statement, binds and columns", function()
  declare("sqlite3.h")
  local sq = load_library("sqlite3")
  local db = alien.buffer(PTR)
  eq(sq.sqlite3_open(":memory:", db), 0)
  local handle = db:get(1, "pointer")
  local stmt = alien.buffer(PTR)
  eq(sq.sqlite3_prepare_v2(handle, "select ?1 * 2, ?2 || 'x', 1099511627776, 2.5", -1, stmt, nil), 0)
  local st = stmt:get(1, "pointer")
  eq(sq.sqlite3_bind_parameter_count(st), 2)
  eq(sq.sqlite3_bind_int(st, 1, 21), 0)
  local text = "abc"
  eq(sq.sqlite3_bind_text(st, 2, text, -1, nil), 0)  -- SQLITE_STATIC: text stays alive
  eq(sq.sqlite3_step(st), 100)                         -- SQLITE_ROW
  eq(sq.sqlite3_column_count(st), 4)
  eq(sq.sqlite3_column_int(st, 0), 42)
  local p = sq.sqlite3_column_text(st, 1)              -- const unsigned char *: a pointer
  eq(type(p), "userdata")
  eq(alien.tostring(p), "abcx")
  eq(sq.sqlite3_column_int64(st, 2), 1099511627776)
  eq(sq.sqlite3_column_double(st, 3), 2.5)
  eq(sq.sqlite3_step(st), 101)                         -- SQLITE_DONE
  eq(sq.sqlite3_finalize(st), 0)
  local buf = alien.buffer(64)
  eq(sq.sqlite3_snprintf(64, buf, "%d-%s-%lld", 7, "q", 1099511627776), "7-q-1099511627776")
  eq(sq.sqlite3_close(handle), 0)
  compare_layouts("sqlite3.h", {
    "sizeof(sqlite3_vfs)", "offsetof(sqlite3_vfs, xOpen)", "offsetof(sqlite3_vfs, xNextSystemCall)",
    "sizeof(sqlite3_io_methods)", "sizeof(sqlite3_module)", "sizeof(sqlite3_index_info)",
    "offsetof(sqlite3_index_info, estimatedCost)", "sizeof(struct sqlite3_index_constraint)",
    "sizeof(sqlite3_int64)", "sizeof(sqlite3_mem_methods)", "sizeof(sqlite3_pcache_methods2)",
  })
end)

test("<stdio.h>: snprintf, sscanf (an __asm__ label), a FILE from tmpfile", function()
  declare("stdio.h")
  compare_layouts("stdio.h", { "sizeof(FILE)", "offsetof(FILE, _fileno)", "sizeof(fpos_t)" })
  local out = alien.buffer(64)
  eq(libc.snprintf(out, 64, "%s=%d %.1f", "x", 5, 2.5), 7)
  eq(out:tostring(), "x=5 2.5")
  eq(libc.snprintf(out, 64, "%lld %s", 1099511627776, "z"), 15)
  eq(out:tostring(), "1099511627776 z")
  local a, b = alien.buffer(4), alien.buffer(4)
  eq(libc.sscanf("12 34", "%d %d", a, b), 2)
  eq(a:get(1, "int"), 12); eq(b:get(1, "int"), 34)
  local f = libc.tmpfile()
  assert(f ~= nil, "tmpfile")
  assert(libc.fputs("line one\n", f) >= 0, "fputs")
  eq(libc.fprintf(f, "%d\n", 99), 3)
  libc.rewind(f)
  local line = alien.buffer(32)
  eq(libc.fgets(line, 32, f), "line one\n", "a char * result")
  eq(libc.fgets(line, 32, f), "99\n")
  eq(libc.fgets(line, 32, f), nil, "NULL at the end")
  assert(libc.feof(f) ~= 0, "at the end")
  eq(libc.fclose(f), 0)
end)

test("reading each header a second time is an identical redefinition", function()
  for _, header in ipairs { "zlib.h", "sqlite3.h", "time.h", "sys/utsname.h", "stdio.h" } do
    local text = declare(header)
    local t0 = os.clock()
    alien.cdef(text)
    print(("cdef <%s> again: %.3f s"):format(header, os.clock() - t0))
  end
end)
