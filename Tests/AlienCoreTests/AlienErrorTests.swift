import Testing
@testable import AlienCore

/// The messages Lua programs see, byte for byte: each case of AlienError as rendered.
@Suite("Error messages")
struct AlienErrorTests {
    /// Lua's name for a type, as `alien_lua_typename` hands it over.
    func got(_ name: StaticString) -> AlienError.Got {
        .type(UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self))
    }

    @Test("bad arguments are worded as luaL_argerror words them")
    func arguments() {
        let cases: [(AlienError, String)] = [
            (.wrongType(1, of: "buffer", expected: "alien buffer", got: got("table")),
             "bad argument #1 to 'buffer' (alien buffer expected, got table)"),
            (.wrongType(2, of: "memmove", expected: "pointer", got: .noValue),
             "bad argument #2 to 'memmove' (pointer expected, got no value)"),
            (.wrongType(1, of: "memmove", expected: "pointer", got: .null),
             "bad argument #1 to 'memmove' (pointer expected, got NULL)"),
            (.cannotConvert(.argument(2, of: "set"), to: .int, got: got("table")),
             "bad argument #2 to 'set' (int (a number) expected, got table)"),
            (.cannotConvert(.argument(1, of: "strlen"), to: .string, got: got("table")),
             "bad argument #1 to 'strlen' (string, buffer, userdata or nil expected, got table)"),
            (.cannotConvert(.argument(1, of: "f"), to: .pointer, got: got("boolean")),
             "bad argument #1 to 'f' (userdata, buffer, string or nil expected, got boolean)"),
            (.cannotConvert(.argument(4, of: "qsort"), to: .callback, got: got("string")),
             "bad argument #4 to 'qsort' (callback, alien function or nil expected, got string)"),
            (.cannotConvert(.callbackResult, to: .double, got: got("string")),
             "alien: callback returned string where double (a number) was expected"),
            (.badArgument(1, of: "buffer", .outOfRange("size", from: 0, to: Int(Int32.max))),
             "bad argument #1 to 'buffer' (size must be from 0 to 2147483647)"),
            (.badArgument(2, of: .converter(.double), .outOfRange("count", from: 1, to: 1_000_000)),
             "bad argument #2 to 'todouble' (count must be from 1 to 1000000)"),
            (.badArgument(1, of: "tostring", .negative("length")),
             "bad argument #1 to 'tostring' (length must not be negative)"),
            (.badArgument(3, of: "memset", .note("size expected (a number from 0)")),
             "bad argument #3 to 'memset' (size expected (a number from 0))"),
            (.badArgument(1, of: "defstruct", .fieldType(2, got: got("number"))),
             "bad argument #1 to 'defstruct' (field #2 needs a type name, got number)"),
            (.badArgument(1, of: "new", .bufferSmallerThanStruct(size: 4, structSize: 8)),
             "bad argument #1 to 'new' (buffer of 4 bytes is smaller than the struct's 8)"),
            (.badArgument(3, of: "array", .bufferTooSmall(size: 8, count: 4, of: .int)),
             "bad argument #3 to 'array' (buffer of 8 bytes is too small for 4 int)"),
            (.badArgument(2, of: "pack", .stringTooShort(length: 3, chars: 5)),
             "bad argument #2 to 'pack' (string of 3 bytes is shorter than c5)"),
            (.badArgument(3, of: "unpack", .sizeBeyondBuffer(9, buffer: 4)),
             "bad argument #3 to 'unpack' (size 9 is larger than the buffer's 4 bytes)"),
            (.badArgument(3, of: "unpack", .positionOutside(9, count: 4)),
             "bad argument #3 to 'unpack' (position 9 is outside the data (4 bytes))"),
            (.badArgument(2, of: "offset", .itemNotInFormat(3, has: 1)),
             "bad argument #2 to 'offset' (item 3 is not in the format (it has 1))"),
        ]
        for (error, message) in cases { #expect(error.text == message) }
    }

    @Test("types, signatures and calls")
    func signatures() {
        let valid = AlienType.validNames
        let cases: [(AlienError, String)] = [
            (.unknownType("wat", in: "get"), "alien: unknown type 'wat' in 'get' (valid types: \(valid))"),
            (.unknownType("wat", in: "abs", part: .returnType),
             "alien: unknown type 'wat' in return type of 'abs' (valid types: \(valid))"),
            (.unknownType("wat", in: "abs", part: .argument(2)),
             "alien: unknown type 'wat' in argument #2 of 'abs' (valid types: \(valid))"),
            (.badSignature("abs", .notATypeName(.argument(2), got: got("number"))),
             "alien: argument #2 of 'abs' must be a type name, got number"),
            (.badSignature("abs", .notATypeName(.returnType, got: got("number"))),
             "alien: return type of 'abs' must be a type name, got number"),
            (.badSignature("abs", .voidArgument(1)), "alien: argument #1 of 'abs' cannot be void"),
            (.badSignature("abs", .tooManyArguments(300)), "alien: 'abs' has 300 arguments; at most 64 are supported"),
            (.badSignature("abs", .abiNotAString(got: got("number"))), "alien: abi of 'abs' must be a string, got number"),
            (.badSignature("callback", .unknownABI("x")),
             "alien: unknown abi 'x' for 'callback' (valid: default, cdecl, stdcall)"),
            (.libffi(.signature("abs")), "alien: libffi cannot prepare the signature of 'abs'"),
            (.libffi(.closure), "alien: libffi cannot prepare the callback"),
            (.libffi(.closureAllocation), "alien: cannot allocate a callback closure"),
            (.notAnAlienFunction, "alien: attempt to call something that is not an alien function"),
            (.nullAddress("f"), "alien: function 'f' has a NULL address"),
            (.noTypes("abs"), "alien: function 'abs' has no types; call f:types(...) first"),
            (.wrongArgumentCount("abs", given: 0, expected: 1), "alien: too few arguments (function abs)"),
            (.wrongArgumentCount("abs", given: 2, expected: 1), "alien: too many arguments (function abs)"),
            (.library("z", .cannotLoad(reason: "not found")), "alien: cannot load library 'z': not found"),
            (.library("z", .closed), "alien: library 'z' is closed"),
            (.library("default", .symbolNotFound("q", reason: "undefined symbol: q")),
             "alien: symbol 'q' not found in library 'default' (undefined symbol: q)"),
        ]
        for (error, message) in cases { #expect(error.text == message) }
    }

    @Test("memory and struct formats")
    func memory() {
        let cases: [(AlienError, String)] = [
            (.noMemory("strlen"), "alien: 'strlen' on a buffer with no memory"),
            (.outOfBounds("get", count: 4, in: .buffer(offset: 5, size: 4)),
             "alien: 'get' out of bounds: offset 5, 4 byte(s), buffer of 4 bytes"),
            (.outOfBounds("memset", count: 9, in: .buffer(offset: nil, size: 4)),
             "alien: 'memset' out of bounds: 9 byte(s), buffer of 4 bytes"),
            (.outOfBounds("memmove", count: 8, in: .string(length: 3)),
             "alien: 'memmove' out of bounds: 8 byte(s) from a string of 3"),
            (.indexOutOfRange(3, length: 2, "index"), "alien: array index 3 out of range 1..2 ('index')"),
            (.indexNotANumber, "alien: array index must be a number"),
            (.reallocForeign(array: false), "alien: 'realloc' on a buffer of foreign memory"),
            (.reallocForeign(array: true), "alien: 'realloc' on an array over foreign memory"),
            (.outOfMemory(bytes: 16), "alien: 'realloc' out of memory for 16 bytes"),
            (.notAnInstance, "alien: not a struct instance"),
            (.badFormat("pack", .alignment(3)), "alien: bad format for 'pack': alignment 3 is not a power of 2"),
            (.badFormat("pack", .integralSize(9)), "alien: bad format for 'pack': integral size 9 is not from 1 to 8"),
            (.badFormat("pack", .option(UInt8(ascii: "q"))), "alien: bad format for 'pack': invalid format option 'q'"),
            (.badFormat("pack", .option(200)), "alien: bad format for 'pack': invalid format option byte 200"),
            (.badFormat("pack", .sizeLimit), "alien: bad format for 'pack': size is larger than 2147483647"),
            (.badFormat("unpack", .c0WithoutSize), "alien: bad format for 'unpack': 'c0' needs a previous size"),
            (.badFormat("size", .noFixedSize(string: true)), "alien: bad format for 'size': 's' has no fixed size"),
            (.badFormat("size", .noFixedSize(string: false)), "alien: bad format for 'size': 'c0' has no fixed size"),
            (.dataTooShort(needed: 4, position: 2, count: 3),
             "alien: 'unpack': data too short (4 byte(s) at position 2, data of 3 bytes)"),
            (.unfinishedString(position: 2), "alien: 'unpack': unfinished string in data at position 2"),
            (.packTooLarge, "alien: 'pack' result too large"),
            (.sizeTooLarge("offset"), "alien: 'offset': size too large"),
        ]
        for (error, message) in cases { #expect(error.text == message) }
    }
}
