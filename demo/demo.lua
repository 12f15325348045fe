-- A short tour of alien: real C libraries called from plain Lua.
local alien = require "alien"

print(("alien %s on %s, %s"):format(alien.version, alien.platform, _VERSION))

-- libc, from the running process
local libc = alien.default
libc.strlen:types("size_t", "string")
libc.getpid:types("int")
libc.abs:types("int", "int")
print("strlen('hello, alien') =", libc.strlen("hello, alien"))
print("abs(-42) =", libc.abs(-42), " getpid() =", libc.getpid())

-- libm by its bare name
local m = alien.load("m")
m.pow:types("double", "double", "double")
m.cos:types("double", "double")
print("pow(2, 0.5) =", m.pow(2, 0.5), " cos(0) =", m.cos(0))

-- sscanf with ref out-parameters
libc.sscanf:types("int", "string", "string", "ref int", "ref double")
local n, i, d = libc.sscanf("23 42.5", "%d %lf", 0, 0)
print("sscanf('23 42.5') ->", n, i, d)

-- zlib, found as libz.so.1 through the ld.so cache
local z = alien.load("z")
z.zlibVersion:types("string")
z.crc32:types("ulong", "ulong", "string", "uint")
local text = "The quick brown fox jumps over the lazy dog"
print("zlib " .. z.zlibVersion() .. ": crc32 =", ("0x%08x"):format(z.crc32(0, text, #text)))

-- sqlite3
local sqlite = alien.load("sqlite3")
sqlite.sqlite3_libversion:types("string")
print("sqlite3 " .. sqlite.sqlite3_libversion())
