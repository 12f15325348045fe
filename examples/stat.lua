-- stat, chmod and errno/strerror, with declarations read from the system's
-- own <sys/stat.h> and <string.h>: cc -E -P preprocesses them, alien.cdef reads
-- the result whole, so struct stat has this machine's layout, whatever it is.
-- Library: libc (alien.default). Needs a C compiler (cc) for the preprocessor.
-- Shows: cdef of real headers, a large struct with nested struct timespec
-- fields, mode bits without bitwise operators (for Lua 5.1), alien.errno().
local alien = require "alien"

local cpp = io.popen([[printf '#include <sys/stat.h>\n#include <string.h>\n' | cc -E -P -x c -]])
local headers = cpp and cpp:read("*a") or ""
if cpp then cpp:close() end
assert(headers:find("struct stat", 1, true), "cc -E -P <sys/stat.h> failed: is a C compiler installed?")
alien.cdef(headers)
local libc = alien.default
print(("struct stat: %d bytes, st_size at offset %d, st_mtim at %d"):format(alien.sizeof("struct stat"),
  alien.offsetof("struct stat", "st_size"), alien.offsetof("struct stat", "st_mtim")))

-- The file type is bits 12-15 of st_mode (S_IFMT), the permissions bits 0-8.
local S_IFREG, S_IFDIR = 8, 4
local function file_type(mode) return math.floor(mode / 4096) % 16 end
local function permissions(mode) return ("%03o"):format(mode % 512) end

-- A file of a known size, made from Lua.
local path = os.tmpname()
local f = assert(io.open(path, "wb"))
f:write(("x"):rep(1234))
f:close()
assert(libc.chmod(path, tonumber("640", 8)) == 0, "chmod")

local st = alien.new("struct stat")
assert(libc.stat(path, st) == 0, "stat")
assert(st.st_size == 1234, "st_size")
assert(file_type(st.st_mode) == S_IFREG, "a regular file")
assert(permissions(st.st_mode) == "640", "the mode chmod set")
assert(math.abs(st.st_mtim.tv_sec - os.time()) < 60, "modified just now")   -- a nested struct timespec
assert(st.st_mtim.tv_nsec >= 0 and st.st_mtim.tv_nsec < 1e9, "nanoseconds")
assert(st.st_nlink == 1, "one link")
print(("%s: %d bytes, mode %s, %d link, inode %d"):format(path, st.st_size, permissions(st.st_mode),
  st.st_nlink, st.st_ino))
os.remove(path)

assert(libc.stat("/", st) == 0 and file_type(st.st_mode) == S_IFDIR, "/ is a directory")
print("/: a directory, mode " .. permissions(st.st_mode))

-- A failing call leaves errno, which alien reads right after the call returns.
local ENOENT = 2                                  -- on Linux
assert(libc.stat(path, st) == -1, "the file is gone")
local err = alien.errno()
assert(err == ENOENT, "errno is ENOENT")
assert(libc.strerror(err) == "No such file or directory")
print(("stat again: -1, errno %d (%s)"):format(err, libc.strerror(err)))
