import CLibc
import AlienBridge

/// Memory a Lua program can hand to C (SPEC section 6), living in a Lua full
/// userdata. A new buffer keeps its bytes inline, right after this header, so
/// making one is a single Lua allocation; `realloc` moves them to the heap.
/// A buffer wrapping foreign memory has no known size and is not checked.
struct BufferObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_BUFFER

    enum Storage: UInt8 {
        case inline = 0, heap = 1, foreign = 2   // ALIEN_STORAGE_*
    }

    /// Shared with the adapter, which reads it at the start of the block (a test
    /// checks the offset), and writes it for a new zeroed buffer (buffer.c).
    var head: alien_buffer_head
    var storage: Storage {
        get { Storage(rawValue: head.storage) ?? .foreign }
        set {
            head.storage = newValue.rawValue
            head.checked = newValue == .foreign ? 0 : 1
        }
    }

    init(data: UnsafeMutableRawPointer?, size: Int, storage: Storage) {
        head = alien_buffer_head()  // the adapter fills in the rest (settings) after this
        head.object = BufferObject.liveHead
        head.data = data
        head.size = size
        self.storage = storage
    }

    var data: UnsafeMutableRawPointer? {
        get { head.data }
        set { head.data = newValue }
    }

    var size: Int {
        get { head.size }
        set { head.size = newValue }
    }

    /// Where inline bytes start, from the block's base (keeps them 16-byte aligned).
    static let headerSize = (MemoryLayout<BufferObject>.size + 15) & ~15

    var isChecked: Bool { storage != .foreign }

    /// The address of `count` bytes at 1-based `offset`, checked against the size
    /// of alien's own buffers.
    @inline(__always)
    func address(offset: Int64, count: Int, function: StaticString) throws(AlienError) -> UnsafeMutableRawPointer {
        guard let data else { throw .noMemory(function) }
        if isChecked {
            guard offset >= 1, offset - 1 <= Int64(size) - Int64(count) else {
                throw .outOfBounds(function, count: Int64(count), in: .buffer(offset: offset, size: size))
            }
        }
        return data + Int(truncatingIfNeeded: offset &- 1)   // foreign memory: any offset, on trust, never a trap
    }

    /// strlen of the bytes at `start` (inside the buffer), never past the end of alien's own buffers.
    func stringLength(at start: UnsafeMutableRawPointer) -> Int {
        let characters = start.assumingMemoryBound(to: CChar.self)
        guard isChecked, let data else { return strlen(characters) }
        return strnlen(characters, size - Memory.distance(from: data, to: start))
    }

    /// How many bytes of inline storage `alien.buffer(arg)` needs, checking the argument.
    static func requestedSize(_ stack: LuaStack) throws(AlienError) -> Int {
        switch stack.type(at: 1) {
        case ALIEN_TNONE, ALIEN_TNIL:
            return Int(BUFSIZ)
        case ALIEN_TNUMBER:
            guard let size = stack.exactInteger(at: 1), size >= 0, size <= Int64(Int32.max) else {
                throw .badArgument(1, of: "buffer", .outOfRange("size", from: 0, to: Int(Int32.max)))
            }
            return Int(size)
        case ALIEN_TSTRING:
            return (stack.bytes(at: 1)?.count ?? 0) + 1
        case ALIEN_TLIGHTUSERDATA:
            return 0
        default:
            throw .wrongType(1, of: "buffer", expected: "size, string or light userdata", got: stack.typeName(at: 1))
        }
    }
}

/// `alien.buffer(...)`, step one: the inline size the adapter allocates.
@_cdecl("alien_core_buffer_request")
public func alienCoreBufferRequest(_ state: OpaquePointer, _ size: UnsafeMutablePointer<Int>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        size.pointee = BufferObject.headerSize + (try BufferObject.requestedSize(stack))
        return 0
    }
}

/// Step two: the zeroed block becomes the buffer for the argument at stack
/// index `source` (0: just zeroed bytes).
@_cdecl("alien_core_buffer_init")
public func alienCoreBufferInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer, _ blockSize: Int,
                                _ source: Int32) {
    let inline = block + BufferObject.headerSize
    var buffer = BufferObject(data: inline, size: blockSize - BufferObject.headerSize, storage: .inline)
    let stack = LuaStack(state)
    switch source == 0 ? ALIEN_TNONE : stack.type(at: source) {
    case ALIEN_TSTRING:
        // the NUL is already there: the block is zeroed
        if let bytes = stack.bytes(at: source), let base = bytes.baseAddress { memcpy(inline, base, bytes.count) }
    case ALIEN_TLIGHTUSERDATA:
        buffer.data = stack.userdata(at: source)
        buffer.size = 0
        buffer.storage = .foreign
    default:
        break
    }
    block.bindMemory(to: BufferObject.self, capacity: 1).initialize(to: buffer)
}

/// The userdata size of a new buffer of `bytes` zeroed bytes.
@_cdecl("alien_core_buffer_block_size")
public func alienCoreBufferBlockSize(_ bytes: Int) -> Int { BufferObject.headerSize + bytes }

/// `buf:get(offset [, type])`.
@_cdecl("alien_core_buffer_get")
public func alienCoreBufferGet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = try stack.typeValue(at: 3, argument: 2, of: "get")
        let memory = try stack.bufferMemory(count: type.size, of: "get")
        out[0] = CToLua.value(type, at: memory, offset: Int(stack.exactInteger(at: 2)! - 1), owner: 1)
        return 1
    }
}

/// `buf:set(offset, value [, type])`.
@_cdecl("alien_core_buffer_set")
public func alienCoreBufferSet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = try stack.typeValue(at: 4, argument: 3, of: "set")
        try AggregateValue.store(stack, index: 3, as: type, into: try stack.bufferMemory(count: type.size, of: "set"),
                                 context: .argument(2, of: "set"))
        return 0
    }
}

/// `buf[i]` for a number i: byte i, 1-based, as an unsigned char.
@_cdecl("alien_core_buffer_byte")
public func alienCoreBufferByte(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.load(.char, from: try stack.bufferMemory(count: 1, of: "index"))
        return 1
    }
}

/// `buf[i] = v`.
@_cdecl("alien_core_buffer_setbyte")
public func alienCoreBufferSetByte(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        try LuaToC.store(stack, index: 3, as: .char, into: try stack.bufferMemory(count: 1, of: "newindex"),
                         context: .argument(2, of: "newindex"))
        return 0
    }
}

/// `#buf`: the size in bytes (nil for foreign memory, whose size is unknown).
@_cdecl("alien_core_buffer_length")
public func alienCoreBufferLength(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "len")
        // Memory alien did not allocate has no known size: 0, as in the original.
        out[0] = CToLua.integerValue(buffer.pointee.isChecked ? Int64(buffer.pointee.size) : 0, of: .size_t)
        return 1
    }
}

/// `buf:strlen()` / `buf:len()`: strlen of the contents (never past the end of alien's own buffers).
@_cdecl("alien_core_buffer_strlen")
public func alienCoreBufferStrlen(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "strlen")
        guard let data = buffer.pointee.data else { throw .noMemory("strlen") }
        out[0] = CToLua.integerValue(Int64(buffer.pointee.stringLength(at: data)), of: .size_t)
        return 1
    }
}

/// `buf:tostring([len [, offset]])` and `tostring(buf)`.
@_cdecl("alien_core_buffer_tostring")
public func alienCoreBufferToString(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "tostring")
        let offset = try stack.optionalInteger(at: 3, argument: 2, of: "tostring", default: 1)
        let start = try buffer.pointee.address(offset: offset, count: 0, function: "tostring")
        var length: Int
        if stack.isNoneOrNil(at: 2) {
            length = buffer.pointee.stringLength(at: start)
        } else {
            let requested = try stack.optionalInteger(at: 2, argument: 1, of: "tostring", default: 0)
            guard requested >= 0 else { throw .badArgument(1, of: "tostring", .negative("length")) }
            _ = try buffer.pointee.address(offset: offset, count: Int(clamping: requested), function: "tostring")
            length = Int(requested)
        }
        out[0] = CToLua.bytesValue(start, count: length)
        return 1
    }
}

/// `buf:topointer([offset])`.
@_cdecl("alien_core_buffer_topointer")
public func alienCoreBufferToPointer(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "topointer")
        let offset = try stack.optionalInteger(at: 2, argument: 1, of: "topointer", default: 1)
        out[0] = CToLua.pointerValue(try buffer.pointee.address(offset: offset, count: 0, function: "topointer"))
        return 1
    }
}

/// `buf:tooffset(ptr)`: the 1-based offset of a pointer into the buffer (nil if outside it).
@_cdecl("alien_core_buffer_tooffset")
public func alienCoreBufferToOffset(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "tooffset")
        guard stack.isUserdata(at: 2), let pointer = Memory.address(of: 2, in: stack), let data = buffer.pointee.data else {
            throw .wrongType(1, of: "tooffset", expected: "pointer", got: stack.typeName(at: 2))
        }
        let distance = Memory.distance(from: data, to: pointer)
        if buffer.pointee.isChecked && (distance < 0 || distance > buffer.pointee.size) {
            out[0] = CToLua.nilValue
        } else {
            out[0] = CToLua.integerValue(Int64(distance) &+ 1, of: .ptrdiff_t)
        }
        return 1
    }
}

/// `buf:realloc(n)`: resizes alien's own buffer, keeping the contents; new bytes are zero.
@_cdecl("alien_core_buffer_realloc")
public func alienCoreBufferRealloc(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let buffer = try stack.bufferArgument(of: "realloc")
        guard buffer.pointee.isChecked else { throw .reallocForeign(array: false) }
        guard let requested = stack.exactInteger(at: 2), requested >= 0, requested <= Int64(Int32.max) else {
            throw .badArgument(1, of: "realloc", .outOfRange("size", from: 0, to: Int(Int32.max)))
        }
        let newSize = Int(requested)
        let oldSize = buffer.pointee.size
        let moved: UnsafeMutableRawPointer?
        if buffer.pointee.storage == .heap {
            moved = realloc(buffer.pointee.data, max(newSize, 1))
        } else {
            moved = malloc(max(newSize, 1))
            if let moved, let data = buffer.pointee.data { memcpy(moved, data, min(oldSize, newSize)) }
        }
        guard let moved else { throw .outOfMemory(bytes: newSize) }
        if newSize > oldSize { memset(moved + oldSize, 0, newSize - oldSize) }
        buffer.pointee.data = moved
        buffer.pointee.size = newSize
        buffer.pointee.storage = .heap
        return 0
    }
}

/// `__gc`: frees heap storage (inline bytes go with the userdata; foreign memory is not ours).
@_cdecl("alien_core_buffer_gc")
public func alienCoreBufferGC(_ block: UnsafeMutableRawPointer) {
    let buffer = block.assumingMemoryBound(to: BufferObject.self)
    guard buffer.pointee.head.object.isAlive else { return }
    if buffer.pointee.storage == .heap { free(buffer.pointee.data) }
    buffer.pointee.head.object.kill()
    buffer.pointee.data = nil
}
