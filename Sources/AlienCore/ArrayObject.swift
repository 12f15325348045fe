import CLibc
import AlienBridge

/// A typed, bounds-checked view of a buffer (SPEC section 7), living in a Lua
/// full userdata. The adapter keeps the buffer and the values pinned by the
/// elements in the array's uservalue table.
struct ArrayObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_ARRAY

    /// Shared with the adapter, which reads and writes numeric elements itself.
    var head: alien_array_head
    /// The element type when it is a scalar (the fast path); `.void` for structs and unions.
    var type: AlienType
    var element: CTypeRef

    var length: Int {
        get { head.length }
        set { head.length = newValue }
    }

    var buffer: UnsafeMutablePointer<BufferObject> {
        UnsafeMutableRawPointer(mutating: head.buffer).assumingMemoryBound(to: BufferObject.self)
    }

    /// Where the elements start in the buffer (an array field of a struct starts inside it).
    var offset: Int { head.offset }

    /// Element `index` (1-based), checked against the length and against the
    /// buffer's size now (the buffer may have been resized since).
    @inline(__always)
    func element(_ index: Int64, function: StaticString) throws(AlienError) -> UnsafeMutableRawPointer {
        let size = element.size
        guard index >= 1, index <= Int64(length), let data = buffer.pointee.data,
              !buffer.pointee.isChecked || offset + Int(index) * size <= buffer.pointee.size else {
            let usable = buffer.pointee.isChecked ? min(length, max(buffer.pointee.size - offset, 0) / size) : length
            throw .indexOutOfRange(index, length: usable, function)
        }
        return data + offset + Int(index - 1) * size
    }

    init(type element: CTypeRef, length: Int, buffer: UnsafeMutablePointer<BufferObject>, offset: Int) {
        type = element.isScalar ? element.scalar : .void
        head = alien_array_head()
        head.object = ArrayObject.liveHead
        head.kind = type.isInteger || type == .float || type == .double ? UInt8(type.kind) : 0
        head.buffer = UnsafePointer(UnsafeRawPointer(buffer).assumingMemoryBound(to: alien_buffer_head.self))
        head.length = length
        head.offset = offset
        self.element = element
    }

    /// The index at stack index 2: a number with an exact integer value.
    @inline(__always)
    static func index(_ stack: LuaStack) throws(AlienError) -> Int64 {
        if let index = stack.exactInteger(at: 2) { return index }
        if stack.isNumeric(at: 2) { throw .badArgument(1, of: "index", .note("number has no integer representation")) }
        throw .indexNotANumber
    }
}

@_cdecl("alien_core_array_size")
public func alienCoreArraySize() -> Int { MemoryLayout<ArrayObject>.size }

/// `alien.array(type, n | {values} [, buffer])`, step one: checks the arguments
/// and gives the element count and, when no buffer is given, the bytes to allocate.
@_cdecl("alien_core_array_plan")
public func alienCoreArrayPlan(_ state: OpaquePointer, _ length: UnsafeMutablePointer<Int>,
                               _ bytes: UnsafeMutablePointer<Int>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard !stack.isNoneOrNil(at: 1) else {
            throw .wrongType(1, of: "array", expected: "type name", got: stack.typeName(at: 1))
        }
        let type = try stack.typeValue(at: 1, argument: 1, of: "array")
        let count: Int64
        switch stack.type(at: 2) {
        case ALIEN_TNUMBER:
            count = try stack.exactInteger(at: 2, argument: 2, of: "array", expected: "length or table")
        case ALIEN_TTABLE:
            count = Int64(stack.rawLength(at: 2))
        default:
            throw .wrongType(2, of: "array", expected: "length or table", got: stack.typeName(at: 2))
        }
        // 0 is an empty array, as in the original (an editor's empty string is one)
        guard count >= 0, count <= Int64(Int32.max) / Int64(type.size) else {
            throw .badArgument(2, of: "array", .outOfRange("length", from: 0, to: Int(Int32.max) / type.size))
        }
        length.pointee = Int(count)
        bytes.pointee = Int(count) * type.size
        if !stack.isNoneOrNil(at: 3) {
            guard let buffer = BufferObject.at(3, in: stack) else {
                throw .wrongType(3, of: "array", expected: "alien buffer", got: stack.typeName(at: 3))
            }
            if buffer.pointee.isChecked && buffer.pointee.size < bytes.pointee {
                throw .badArgument(3, of: "array", .bufferTooSmall(size: buffer.pointee.size, count: count, of: type.scalar))
            }
            bytes.pointee = -1
        }
        return 0
    }
}

/// Step two: the zeroed block becomes an array over the buffer at stack index `bufferIndex`.
@_cdecl("alien_core_array_init")
public func alienCoreArrayInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer, _ bufferIndex: Int32, _ length: Int) {
    let stack = LuaStack(state)
    block.bindMemory(to: ArrayObject.self, capacity: 1).initialize(to: ArrayObject(
        type: stack.ctype(at: 1) ?? CTypes.scalar(.char), length: length,
        buffer: BufferObject.at(bufferIndex, in: stack)!, offset: 0))
}

/// The zeroed block becomes an array field's view: `type` (an array type) at
/// `offset` bytes into the buffer at `bufferIndex`.
@_cdecl("alien_core_array_view_init")
public func alienCoreArrayViewInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer, _ bufferIndex: Int32,
                                   _ type: UnsafePointer<alien_ctype>, _ offset: Int) {
    block.bindMemory(to: ArrayObject.self, capacity: 1).initialize(to: ArrayObject(
        type: type.pointee.element, length: type.pointee.count,
        buffer: BufferObject.at(bufferIndex, in: LuaStack(state))!, offset: offset))
}

/// `arr[i]`.
@_cdecl("alien_core_array_get")
public func alienCoreArrayGet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let array = try stack.arrayArgument(of: "index")
        let index = try ArrayObject.index(stack)
        let memory = try array.pointee.element(index, function: "index")
        out[0] = CToLua.value(array.pointee.element, at: memory, offset: array.pointee.offset + Int(index - 1) * array.pointee.element.size,
                              owner: 1)
        return 1
    }
}

/// `arr[i] = v`. Returns 1 when the value must be pinned (a string or userdata
/// whose address is now stored), else 0.
@_cdecl("alien_core_array_set")
public func alienCoreArraySet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let array = try stack.arrayArgument(of: "newindex")
        let index = try ArrayObject.index(stack)
        let type = array.pointee.type
        let memory = try array.pointee.element(index, function: "newindex")
        let context = AlienError.ValueContext.argument(Int(index), of: "array element")
        if type != .void {
            try LuaToC.store(stack, index: 3, as: type, into: memory, context: context)
        } else {
            try AggregateValue.store(stack, index: 3, as: array.pointee.element, into: memory, context: context)
        }
        let valueType = stack.type(at: 3)
        let pins = (type == .string || type == .pointer || type == .callback)
            && (valueType == ALIEN_TSTRING || valueType == ALIEN_TUSERDATA)
        return pins ? 1 : 0
    }
}

/// `arr.type`, `arr.length`, `arr.size`; nil for other names (the adapter serves methods and `buffer`).
@_cdecl("alien_core_array_field")
public func alienCoreArrayField(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let array = try stack.arrayArgument(of: "index")
        if stack.isString(at: 2, "type") {
            out[0] = CToLua.typeValue(array.pointee.element)
        } else if stack.isString(at: 2, "length") {
            out[0] = CToLua.integerValue(Int64(array.pointee.length), of: .size_t)
        } else if stack.isString(at: 2, "size") {
            out[0] = CToLua.integerValue(Int64(array.pointee.element.size), of: .size_t)
        } else {
            out[0] = CToLua.nilValue
        }
        return 1
    }
}

/// `#arr`.
@_cdecl("alien_core_array_length")
public func alienCoreArrayLength(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.integerValue(Int64(try stack.arrayArgument(of: "len").pointee.length), of: .size_t)
        return 1
    }
}

/// `arr:realloc(n)`, step one: the byte size the buffer must be resized to.
@_cdecl("alien_core_array_realloc_plan")
public func alienCoreArrayReallocPlan(_ state: OpaquePointer, _ bytes: UnsafeMutablePointer<Int>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let array = try stack.arrayArgument(of: "realloc")
        let size = array.pointee.element.size
        guard let count = stack.exactInteger(at: 2), count >= 0, count <= Int64(Int32.max) / Int64(size) else {
            throw .badArgument(1, of: "realloc", .outOfRange("length", from: 0, to: Int(Int32.max) / size))
        }
        guard array.pointee.buffer.pointee.isChecked, array.pointee.offset == 0 else {
            throw .reallocForeign(array: true)
        }
        bytes.pointee = Int(count) * size
        return 0
    }
}

/// Step two, after the buffer was resized: the new length.
@_cdecl("alien_core_array_set_length")
public func alienCoreArraySetLength(_ block: UnsafeMutableRawPointer, _ length: Int) {
    block.assumingMemoryBound(to: ArrayObject.self).pointee.length = length
}

/// `arr:tostring()` for an array of `char` or `byte`: its bytes up to the
/// first NUL (or all of them).
@_cdecl("alien_core_array_tostring")
public func alienCoreArrayToString(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let array = try stack.arrayArgument(of: "tostring")
        guard array.pointee.element.isScalar, array.pointee.element.size == 1, array.pointee.type.isInteger else {
            throw .badArgument(1, of: "tostring", .note("an array of char or byte expected"))
        }
        guard array.pointee.length > 0 else { out[0] = CToLua.bytesValue(UnsafeRawPointer(bitPattern: 1)!, count: 0); return 1 }
        let start = try array.pointee.element(1, function: "tostring")
        _ = try array.pointee.element(Int64(array.pointee.length), function: "tostring")
        out[0] = CToLua.bytesValue(start, count: strnlen(start.assumingMemoryBound(to: CChar.self), array.pointee.length))
        return 1
    }
}
