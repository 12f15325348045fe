import CLibc
import AlienBridge

/// Addresses of Lua values that stand for memory.
enum Memory {
    /// Memory a Lua value stands for: where it starts and, when alien knows
    /// it, how many bytes it has.
    struct Region {
        var start: UnsafeMutableRawPointer?
        /// nil for foreign memory (light userdata, buffers over foreign
        /// pointers), which is taken on trust.
        var size: Int?
    }

    /// The region of the userdata at `index`: a buffer's, array's or
    /// instance's bytes; any other full userdata's own block (Lua knows its
    /// size); a light userdata's address. nil for alien objects that are not
    /// memory (functions, libraries, tagged values) and for other values.
    static func region(of index: Int32, in stack: LuaStack) -> Region? {
        if let object = AlienObject.at(index, in: stack) {
            guard let memory = object.memory else { return nil }
            return Region(start: memory.start, size: memory.size)
        }
        switch stack.type(at: index) {
        case ALIEN_TLIGHTUSERDATA: return Region(start: stack.userdata(at: index), size: nil)
        case ALIEN_TUSERDATA: return Region(start: stack.userdata(at: index), size: stack.userdataSize(at: index))
        default: return nil
        }
    }

    /// The memory a userdata stands for (see `region`).
    @inline(__always)
    static func address(of index: Int32, in stack: LuaStack) -> UnsafeMutableRawPointer? {
        region(of: index, in: stack)?.start
    }

    /// How far `pointer` lies past `start`, computed without trapping for any
    /// two addresses (a light userdata can hold any bits).
    @inline(__always)
    static func distance(from start: UnsafeRawPointer, to pointer: UnsafeRawPointer) -> Int {
        Int(bitPattern: UInt(bitPattern: pointer) &- UInt(bitPattern: start))
    }

    /// Checks that `count` bytes at `pointer` lie inside the region of the
    /// value at `index`, when its size is known.
    static func checkRange(_ stack: LuaStack, _ index: Int32, _ pointer: UnsafeMutableRawPointer,
                           count: Int, function: StaticString) throws(AlienError) {
        guard let region = region(of: index, in: stack), let size = region.size, let start = region.start else { return }
        let offset = distance(from: start, to: pointer)
        guard count >= 0, offset >= 0, offset <= size, count <= size - offset else {
            throw .outOfBounds(function, count: Int64(count), in: .buffer(offset: nil, size: size))
        }
    }

    /// The length of the C string at `pointer`, never past the end of the
    /// region of the value at `index` when its size is known (then the bytes
    /// up to the end, if there is no NUL).
    static func stringLength(_ stack: LuaStack, _ index: Int32, _ pointer: UnsafeMutableRawPointer) -> Int {
        let characters = pointer.assumingMemoryBound(to: CChar.self)
        guard let region = region(of: index, in: stack), let size = region.size, let start = region.start else {
            return strlen(characters)
        }
        let offset = distance(from: start, to: pointer)
        guard offset >= 0, offset <= size else { return 0 }
        return strnlen(characters, size - offset)
    }
}

/// `alien.memmove(dst, src [, n])`: src may be a string; n defaults to its length.
@_cdecl("alien_core_memmove")
public func alienCoreMemmove(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let destination = try stack.pointerArgument(at: 1, argument: 1, of: "memmove")
        let source = try stack.pointerArgument(at: 2, argument: 2, of: "memmove", strings: true)
        let length = stack.bytes(at: 2)?.count ?? 0
        let defaultCount: Int64
        if stack.type(at: 2) == ALIEN_TSTRING {
            defaultCount = Int64(length)
        } else if stack.isNoneOrNil(at: 3) {
            throw .badArgument(3, of: "memmove", .note("size expected when the source is not a string"))
        } else {
            defaultCount = 0
        }
        let count = try stack.optionalInteger(at: 3, argument: 3, of: "memmove", default: defaultCount)
        guard count >= 0 else { throw .badArgument(3, of: "memmove", .negative("size")) }
        try Memory.checkRange(stack, 1, destination, count: Int(count), function: "memmove")
        try Memory.checkRange(stack, 2, source, count: Int(count), function: "memmove")
        if stack.type(at: 2) == ALIEN_TSTRING && Int(count) > length {
            throw .outOfBounds("memmove", count: count, in: .string(length: length))
        }
        memmove(destination, source, Int(count))
        return 0
    }
}

/// `alien.memset(dst, byte, n)`.
@_cdecl("alien_core_memset")
public func alienCoreMemset(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let destination = try stack.pointerArgument(at: 1, argument: 1, of: "memset")
        guard let byte = stack.integer(at: 2) else {
            throw .wrongType(2, of: "memset", expected: "number", got: stack.typeName(at: 2))
        }
        guard let count = stack.exactInteger(at: 3), count >= 0 else {
            throw .badArgument(3, of: "memset", .note("size expected (a number from 0)"))
        }
        try Memory.checkRange(stack, 1, destination, count: Int(count), function: "memset")
        memset(destination, Int32(truncatingIfNeeded: byte), Int(count))
        return 0
    }
}

/// `alien.isnull(ptr)`.
@_cdecl("alien_core_isnull")
public func alienCoreIsNull(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    let stack = LuaStack(state)
    var result = alien_value()
    result.kind = Int32(ALIEN_VBOOL.rawValue)
    switch stack.type(at: 1) {
    case ALIEN_TNIL, ALIEN_TNONE: result.v.i = 1
    case ALIEN_TLIGHTUSERDATA, ALIEN_TUSERDATA:
        result.v.i = (Memory.address(of: 1, in: stack) ?? stack.userdata(at: 1)) == nil ? 1 : 0
    default:
        return AlienError.wrongType(1, of: "isnull", expected: "pointer", got: stack.typeName(at: 1)).report()
    }
    out[0] = result
    return 1
}

/// `alien.tostring(ptr [, len])`: a C string (or len bytes) at ptr; nil for nil.
@_cdecl("alien_core_pointer_tostring")
public func alienCorePointerToString(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        if stack.type(at: 1) == ALIEN_TNIL { out[0] = CToLua.nilValue; return 1 }
        let pointer = try stack.pointerArgument(at: 1, argument: 1, of: "tostring")
        if stack.isNoneOrNil(at: 2) {
            out[0] = CToLua.bytesValue(pointer, count: Memory.stringLength(stack, 1, pointer))
        } else {
            let length = try stack.optionalInteger(at: 2, argument: 2, of: "tostring", default: 0)
            guard length >= 0 else { throw .badArgument(2, of: "tostring", .negative("length")) }
            try Memory.checkRange(stack, 1, pointer, count: Int(length), function: "tostring")
            out[0] = CToLua.bytesValue(pointer, count: Int(length))
        }
        return 1
    }
}

/// `alien.to<type>(ptr [, n])`, step one: checks the arguments and gives the count.
@_cdecl("alien_core_unpack_count")
public func alienCoreUnpackCount(_ state: OpaquePointer, _ typeCode: Int32, _ count: UnsafeMutablePointer<Int>,
                                 _ pointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = AlienType(rawValue: UInt8(typeCode))!
        if stack.type(at: 1) == ALIEN_TNIL { count.pointee = 0; pointer.pointee = nil; return 0 }
        let address = try stack.pointerArgument(at: 1, argument: 1, of: "to<type>")
        let n = try stack.optionalInteger(at: 2, argument: 2, of: "to<type>", default: 1)
        // A count of 0 gives no values, as in the original (a count from C may be 0).
        guard n >= 0, n <= 1_000_000 else { throw .badArgument(2, of: .converter(type), .outOfRange("count", from: 0, to: 1_000_000)) }
        try Memory.checkRange(stack, 1, address, count: Int(n) * type.size, function: "to<type>")
        count.pointee = Int(n)
        pointer.pointee = address
        return 0
    }
}

/// Step two, per value: element `i` (0-based) of type `typeCode` at `pointer`.
@_cdecl("alien_core_unpack_value")
public func alienCoreUnpackValue(_ pointer: UnsafeRawPointer, _ typeCode: Int32, _ i: Int) -> alien_value {
    let type = AlienType(rawValue: UInt8(typeCode))!
    return CToLua.load(type, from: pointer + i * type.size)
}
