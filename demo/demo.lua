-- A short tour of alien: real C libraries called from plain Lua.
local alien = require "alien"

-- LuaJIT reports _VERSION as "Lua 5.1"; its own name is in jit.version
print(("alien %s on %s, %s"):format(alien.version, alien.platform, jit and jit.version or _VERSION))

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

-- zlib compress/uncompress through buffers; the in/out size is a ulong in a buffer
z.compressBound:types("ulong", "ulong")
z.compress:types("int", "pointer", "pointer", "string", "ulong")
z.uncompress:types("int", "pointer", "pointer", "pointer", "ulong")
local input = ("alien "):rep(100)
local size = alien.buffer(alien.sizeof("ulong"))
local packed = alien.buffer(z.compressBound(#input))
size:set(1, #packed, "ulong")
local status = z.compress(packed, size, input, #input)
local packed_len = size:get(1, "ulong")
local unpacked = alien.buffer(#input + 1)
size:set(1, #unpacked, "ulong")
local status2 = z.uncompress(unpacked, size, packed, packed_len)
local unpacked_len = size:get(1, "ulong")
print(("zlib: %d bytes -> %d -> %d, round trip %s"):format(#input, packed_len, unpacked_len,
  tostring(status == 0 and status2 == 0 and unpacked:tostring(unpacked_len) == input)))

-- qsort with a Lua comparator (a callback)
libc.qsort:types("void", "pointer", "size_t", "size_t", "callback")
local cmp = alien.callback(function(a, b) return a - b end, "int", "ref int", "ref int")
local nums = alien.array("int", { 42, 7, 19, 3, 88, 1 })
libc.qsort(nums, nums.length, nums.size, cmp)
local sorted = {}
for _, v in nums:ipairs() do sorted[#sorted + 1] = v end
print("qsort: " .. table.concat(sorted, " "))

-- structs by value: div_t div(int, int)
local div_t = alien.defstruct { { "quot", "int" }, { "rem", "int" } }
libc.div:types(div_t, "int", "int")
local q = libc.div(47, 5)
print(("div(47, 5) = { quot = %d, rem = %d }"):format(q.quot, q.rem))

-- a sqlite3 session from C declarations: no types() call anywhere
alien.cdef [[
  typedef struct sqlite3 sqlite3;
  typedef int (*sqlite3_callback)(void *, int, char **, char **);
  int sqlite3_open(const char *filename, sqlite3 **db);
  int sqlite3_exec(sqlite3 *db, const char *sql, sqlite3_callback cb, void *arg, char **errmsg);
  int sqlite3_close(sqlite3 *db);
  enum { SQLITE_OK = 0 };
]]
local handle = alien.buffer(alien.sizeof("sqlite3 *"))
assert(sqlite.sqlite3_open(":memory:", handle) == alien.constants.SQLITE_OK)
local db = handle:get(1, "pointer")
local rows = {}
local on_row = alien.callback(function(_, ncols, values)
  local row = {}
  for col = 1, ncols do row[col] = alien.buffer(values):get((col - 1) * alien.sizeof("pointer") + 1, "string") end
  rows[#rows + 1] = table.concat(row, "|")
  return 0
end, "int", "pointer", "int", "pointer", "pointer")
sqlite.sqlite3_exec(db, [[
  create table fruit(name text, n int);
  insert into fruit values ('apple', 3), ('pear', 5);
  select name, n * 2 from fruit order by name;
]], on_row, nil, nil)
sqlite.sqlite3_close(db)
print("sqlite3 via cdef: " .. table.concat(rows, ", "))
