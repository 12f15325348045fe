-- libc's clock and calendar (time, gmtime_r, localtime_r, strftime, timegm)
-- and uname, with the structs and prototypes pasted in as C with alien.cdef.
-- Library: libc (alien.default). Shows: cdef'd structs made with alien.new,
-- passed by pointer and read field by field; a char[65] field as a string.
local alien = require "alien"

-- glibc's layouts on 64-bit Linux: time_t is a long.
alien.cdef [[
  typedef long time_t;
  struct tm {
    int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
    long tm_gmtoff;
    const char *tm_zone;
  };
  time_t time(time_t *t);
  struct tm *gmtime_r(const time_t *t, struct tm *result);
  struct tm *localtime_r(const time_t *t, struct tm *result);
  size_t strftime(char *s, size_t max, const char *format, const struct tm *tm);
  time_t timegm(struct tm *tm);

  struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
  };
  int uname(struct utsname *name);
]]
local libc = alien.default   -- typed from the declarations above on first lookup

local now = libc.time(nil)
assert(math.abs(now - os.time()) <= 2, "time(NULL) agrees with os.time()")

-- A time_t * is the address of a time_t: an array of one, by its C name.
local t = alien.array("time_t", { 1000000000 })
local tm = alien.new("struct tm")
local out = alien.buffer(64)
local function format(fmt)
  local n = libc.strftime(out, #out, fmt, tm)
  assert(n > 0, "strftime fits")
  return out:tostring(n)
end

-- A billion seconds after the epoch, in UTC.
assert(libc.gmtime_r(t, tm) == tm():topointer(), "gmtime_r returns its result argument")
assert(tm.tm_year == 101 and tm.tm_mon == 8 and tm.tm_mday == 9, "2001-09-09")
assert(format("%Y-%m-%d %H:%M:%S %A") == "2001-09-09 01:46:40 Sunday")
print("1e9 s after the epoch: " .. format("%Y-%m-%d %H:%M:%S %A") .. " " .. tm.tm_zone)

-- timegm goes back from the fields, normalising what is out of range.
tm.tm_mday = tm.tm_mday + 30          -- 2001-09-39 is 2001-10-09
assert(libc.timegm(tm) == 1000000000 + 30 * 86400, "timegm")
assert(tm.tm_mon == 9 and tm.tm_mday == 9, "timegm normalised the fields")

-- Local time now agrees with Lua's own os.date, whatever the time zone.
t[1] = now
libc.localtime_r(t, tm)
local here = format("%Y-%m-%d %H:%M:%S")
assert(here == os.date("%Y-%m-%d %H:%M:%S", now), "localtime_r agrees with os.date")
print(("local time now: %s (zone %s, UTC%+d s)"):format(here, tm.tm_zone, tm.tm_gmtoff))

-- uname fills six char[65] fields; each reads back as an array of chars.
local u = alien.new("struct utsname")
assert(libc.uname(u) == 0, "uname")
assert(u.sysname:tostring() == "Linux", "sysname")
assert(u.release:tostring():match("^%d+%.%d+"), "a kernel version")
local pipe = io.popen("uname -m")
if pipe then
  local machine = pipe:read("*l")
  pipe:close()
  if machine then assert(u.machine:tostring() == machine, "machine agrees with uname -m") end
end
print(("uname: %s %s on %s"):format(u.sysname:tostring(), u.release:tostring(), u.machine:tostring()))
