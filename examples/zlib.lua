-- zlib: checksums and a compress/uncompress round trip, with hand-written types.
-- Library: zlib (libz.so.1). Shows: ulong results, strings passed as input
-- bytes, buffers as output memory, and an in/out length through a buffer.
local alien = require "alien"

local z = alien.load("z")
z.zlibVersion:types("string")
z.crc32:types("ulong", "ulong", "string", "uint")
z.adler32:types("ulong", "ulong", "string", "uint")
z.compressBound:types("ulong", "ulong")
-- int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level)
z.compress2:types("int", "pointer", "pointer", "string", "ulong", "int")
-- int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)
z.uncompress:types("int", "pointer", "pointer", "pointer", "ulong")

local Z_OK, Z_BUF_ERROR, Z_BEST_COMPRESSION = 0, -5, 9
print("zlib " .. z.zlibVersion())

-- Checksums against their published check values.
local crc = z.crc32(0, "123456789", 9)
assert(crc == 0xCBF43926, "crc32 check value")
assert(z.adler32(1, "Wikipedia", 9) == 0x11E60398, "adler32 check value")
-- crc32 is incremental: feeding two pieces gives the checksum of the whole.
local part = z.crc32(0, "12345", 5)
assert(z.crc32(part, "6789", 4) == crc, "crc32 in two pieces")
print(("crc32('123456789') = 0x%08X"):format(crc))

-- Some text that compresses well, with a few binary bytes (NUL included).
local lines = {}
for i = 1, 50 do lines[i] = ("line %02d: the same words again and again\n"):format(i) end
local input = table.concat(lines) .. "\0\1\2\255"

-- destLen is a uLongf *: C reads the room available and writes the size used.
local len = alien.buffer(alien.sizeof("ulong"))
local bound = z.compressBound(#input)
assert(bound >= #input, "compressBound leaves room for incompressible data")
local packed = alien.buffer(bound)
len:set(1, bound, "ulong")
assert(z.compress2(packed, len, input, #input, Z_BEST_COMPRESSION) == Z_OK, "compress2")
local packed_len = len:get(1, "ulong")
assert(packed_len > 0 and packed_len < #input / 4, "the text compresses")

local unpacked = alien.buffer(#input)
len:set(1, #input, "ulong")
assert(z.uncompress(unpacked, len, packed, packed_len) == Z_OK, "uncompress")
assert(len:get(1, "ulong") == #input, "the original length comes back")
assert(unpacked:tostring(#input) == input, "the original bytes come back")
print(("compress2: %d bytes -> %d bytes -> %d bytes, identical"):format(#input, packed_len, #input))

-- Too little room is reported by zlib as Z_BUF_ERROR, not written past.
local small = alien.buffer(16)
len:set(1, #small, "ulong")
assert(z.uncompress(small, len, packed, packed_len) == Z_BUF_ERROR, "Z_BUF_ERROR")
print("uncompress into 16 bytes: Z_BUF_ERROR, as expected")
