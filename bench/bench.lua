-- Times one implementation of the benchmark operations:
--   lua bench.lua IMPL [N] [OP]
-- IMPL is alien, plain (hand-written C binding), call (the same through
-- __call, and the floors of the accessors and constructors) or ffi (LuaJIT's
-- FFI). Prints "op<TAB>ns per op" lines: the best of several runs, less the
-- cost of an empty loop of the same length. With
-- BENCH_ONCE set it runs OP once with N iterations and prints nothing
-- (for instruction counting under callgrind).
local impl, N, only = arg[1], tonumber(arg[2]) or 1000000, arg[3]
local libpath = os.getenv("BENCH_LIB") or "bench/build/libbench.so"
local runs = tonumber(os.getenv("BENCH_RUNS")) or 5
local ops = {}

local function op(name, fn) ops[#ops + 1] = { name = name, fn = fn } end

op("empty", function(n) for _ = 1, n do end end)

if impl == "alien" then
  local alien = require "alien"
  local lib = alien.load(libpath)
  local add1, addd, sum6, idp, slen, first, refinc, calln =
    lib.add1, lib.addd, lib.sum6, lib.idp, lib.slen, lib.first, lib.refinc, lib.calln
  add1:types("int", "int"); addd:types("double", "double", "double")
  sum6:types("long", "long", "long", "long", "long", "long", "long")
  idp:types("pointer", "pointer"); slen:types("size_t", "string"); first:types("int", "pointer")
  refinc:types("void", "ref int"); calln:types("int", "callback", "int")
  local buf = alien.buffer(64)
  local ptr = buf:topointer()
  local arr = alien.array("int", 16)
  local cb = alien.callback(function(x) return x end, "int", "int")
  local pack, unpack = alien.struct.pack, alien.struct.unpack
  local record = pack("<i4 i4 d", 1, 2, 3.5)
  local d2 = alien.defstruct{ { "a", "double" }, { "b", "double" } }
  local sum2d, mk2d = lib.sum2d, lib.mk2d
  sum2d:types("double", d2); mk2d:types(d2, "double", "double")
  local s2 = d2:new(); s2.a, s2.b = 1.5, 2.5
  local snprintf = alien.default.snprintf
  snprintf:types("int", "pointer", "size_t", "string", "...")
  op("add1", function(n) for i = 1, n do add1(i) end end)
  local add1_bound, first_bound = add1:bind(), first:bind()
  op("add1 bound", function(n) for i = 1, n do add1_bound(i) end end)
  op("addd", function(n) for i = 1, n do addd(i, 0.5) end end)
  op("sum6", function(n) for i = 1, n do sum6(i, 2, 3, 4, 5, 6) end end)
  op("idp", function(n) for _ = 1, n do idp(ptr) end end)
  op("string arg", function(n) for _ = 1, n do slen("hello") end end)
  op("buffer arg", function(n) for _ = 1, n do first(buf) end end)
  op("buffer bound", function(n) for _ = 1, n do first_bound(buf) end end)
  op("ref int", function(n) for i = 1, n do refinc(i) end end)
  op("callback", function(n) calln(cb, n) end)
  op("struct byval", function(n) for _ = 1, n do sum2d(s2) end end)
  op("struct return", function(n) for i = 1, n do mk2d(i, 0.5) end end)
  op("snprintf", function(n) for i = 1, n do snprintf(buf, 64, "%d", i) end end)
  op("buf:get int", function(n) for _ = 1, n do buf:get(5, "int") end end)
  op("buf:set int", function(n) for i = 1, n do buf:set(5, i, "int") end end)
  op("arr[i] read", function(n) for _ = 1, n do local _ = arr[3] end end)
  op("arr[i] write", function(n) for i = 1, n do arr[3] = i end end)
  op("struct pack", function(n) for i = 1, n do pack("<i4 i4 d", i, 2, 3.5) end end)
  op("struct unpack", function(n) for _ = 1, n do unpack("<i4 i4 d", record) end end)
  op("buffer(64)", function(n) for _ = 1, n do alien.buffer(64) end end)
elseif impl == "plain" or impl == "call" then
  package.cpath = (os.getenv("BENCH_FLOOR") or "bench/build/floor.so") .. ";" .. package.cpath
  local floors = require "floor"
  local floor = floors[impl]
  local add1, addd, sum6, idp, slen, first, refinc, calln, sum2d, mk2d, snprintf =
    floor.add1, floor.addd, floor.sum6, floor.idp, floor.slen, floor.first, floor.refinc,
    floor.calln, floor.sum2d, floor.mk2d, floor.snprintf
  local block = io.stdout                         -- any full userdata: first() reads its first byte
  local s2 = floors.d2(1.5, 2.5)                  -- a struct d2 in a full userdata
  local buf = floors.buffer(64)                   -- 64 bytes with get/set methods found by a C __index
  local cb = function(x) return x end
  op("add1", function(n) for i = 1, n do add1(i) end end)
  op("addd", function(n) for i = 1, n do addd(i, 0.5) end end)
  op("sum6", function(n) for i = 1, n do sum6(i, 2, 3, 4, 5, 6) end end)
  op("idp", function(n) for _ = 1, n do idp(block) end end)
  op("string arg", function(n) for _ = 1, n do slen("hello") end end)
  op("buffer arg", function(n) for _ = 1, n do first(block) end end)
  op("ref int", function(n) for i = 1, n do refinc(i) end end)
  op("callback", function(n) calln(cb, n) end)
  op("struct byval", function(n) for _ = 1, n do sum2d(s2) end end)
  op("struct return", function(n) for i = 1, n do mk2d(i, 0.5) end end)
  op("snprintf", function(n) for i = 1, n do snprintf(buf, 64, "%d", i) end end)
  if impl == "call" then
    -- The accessors and constructors have one floor each (no __call form):
    -- listed under call only, beside the call floor of the functions.
    local arr = floors.array()                    -- 16 ints, C __index and __newindex
    local pack, unpack = string.pack, string.unpack  -- Lua 5.3+: nil before
    op("buf:get int", function(n) for _ = 1, n do buf:get(5, "int") end end)
    op("buf:set int", function(n) for i = 1, n do buf:set(5, i, "int") end end)
    op("arr[i] read", function(n) for _ = 1, n do local _ = arr[3] end end)
    op("arr[i] write", function(n) for i = 1, n do arr[3] = i end end)
    if pack then
      local record = pack("<i4 i4 d", 1, 2, 3.5)
      op("struct pack", function(n) for i = 1, n do pack("<i4 i4 d", i, 2, 3.5) end end)
      op("struct unpack", function(n) for _ = 1, n do unpack("<i4 i4 d", record) end end)
    end
    op("buffer(64)", function(n) for _ = 1, n do floors.buffer(64) end end)
  end
elseif impl == "ffi" then
  local ffi = require "ffi"
  ffi.cdef [[
    int add1(int x); double addd(double a, double b);
    long sum6(long a, long b, long c, long d, long e, long f);
    void *idp(void *p); size_t slen(const char *s); int first(const unsigned char *p);
    void refinc(int *p); int calln(int (*cb)(int), int n);
    struct d2 { double a, b; };
    double sum2d(struct d2 s); struct d2 mk2d(double a, double b);
    int snprintf(char *s, size_t n, const char *fmt, ...);
  ]]
  local C = ffi.load(libpath)
  local buf = ffi.new("unsigned char[64]")
  local ptr = ffi.cast("void *", buf)
  local box = ffi.new("int[1]")
  local ints = ffi.new("int[16]")
  local cb = ffi.cast("int (*)(int)", function(x) return x end)
  local s2 = ffi.new("struct d2", 1.5, 2.5)
  local libc, int = ffi.C, ffi.typeof("int")      -- a Lua number passed to "..." is a double
  op("add1", function(n) for i = 1, n do C.add1(i) end end)
  op("addd", function(n) for i = 1, n do C.addd(i, 0.5) end end)
  op("sum6", function(n) for i = 1, n do C.sum6(i, 2, 3, 4, 5, 6) end end)
  op("idp", function(n) for _ = 1, n do C.idp(ptr) end end)
  op("string arg", function(n) for _ = 1, n do C.slen("hello") end end)
  op("buffer arg", function(n) for _ = 1, n do C.first(buf) end end)
  op("ref int", function(n) for i = 1, n do box[0] = i; C.refinc(box); local _ = box[0] end end)
  op("callback", function(n) C.calln(cb, n) end)
  op("struct byval", function(n) for _ = 1, n do C.sum2d(s2) end end)
  op("struct return", function(n) for i = 1, n do C.mk2d(i, 0.5) end end)
  op("snprintf", function(n) for i = 1, n do libc.snprintf(buf, 64, "%d", int(i)) end end)
  op("arr[i] read", function(n) for _ = 1, n do local _ = ints[3] end end)
  op("arr[i] write", function(n) for i = 1, n do ints[3] = i end end)
  op("buffer(64)", function(n) for _ = 1, n do ffi.new("unsigned char[64]") end end)
else
  error("usage: lua bench.lua alien|plain|call|ffi [N] [OP]")
end

local clock = os.clock
local function best(fn, n)
  local t = math.huge
  for _ = 1, runs do
    collectgarbage()
    local start = clock()
    fn(n)
    t = math.min(t, clock() - start)
  end
  return t
end

if os.getenv("BENCH_ONCE") then
  for _, o in ipairs(ops) do if o.name == only then o.fn(N) end end
  return
end

local empty = best(ops[1].fn, N)
for _, o in ipairs(ops) do
  if o.name ~= "empty" and (not only or o.name == only) then
    local t = best(o.fn, N)
    print(("%s\t%.1f"):format(o.name, math.max(t - empty, 0) / N * 1e9))
  end
end
