import AlienBridge

/// An instance of a defstruct type: a view of a buffer, which the adapter
/// keeps alive in the instance's uservalue next to the field table.
struct InstanceObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_INSTANCE

    var object: alien_object_head
    var buffer: UnsafeMutablePointer<BufferObject>
}

@_cdecl("alien_core_instance_size")
public func alienCoreInstanceSize() -> Int { MemoryLayout<InstanceObject>.size }

/// The zeroed block becomes an instance over the buffer at `bufferIndex`.
@_cdecl("alien_core_instance_init")
public func alienCoreInstanceInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer, _ bufferIndex: Int32) {
    let stack = LuaStack(state)
    block.bindMemory(to: InstanceObject.self, capacity: 1).initialize(
        to: InstanceObject(object: InstanceObject.liveHead, buffer: BufferObject.at(bufferIndex, in: stack)!))
}

/// The memory of a field of the instance at stack index 1, from its code at `codeIndex`.
func fieldMemory(_ stack: LuaStack, codeIndex: Int32, function: StaticString) throws(AlienError) -> (UnsafeMutableRawPointer, AlienType) {
    guard let instance = InstanceObject.at(1, in: stack), let code = stack.integer(at: codeIndex),
          let (offset, type) = StructLayout.field(code) else {
        throw .notAnInstance
    }
    return (try instance.pointee.buffer.pointee.address(offset: Int64(offset + 1), count: type.size, function: function), type)
}

/// `inst.field`: stack [inst, key, code].
@_cdecl("alien_core_field_get")
public func alienCoreFieldGet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let (memory, type) = try fieldMemory(stack, codeIndex: 3, function: "index")
        out[0] = CToLua.load(type, from: memory, callbackAsFunction: true)
        return 1
    }
}

/// `inst.field = value`: stack [inst, key, value, code].
@_cdecl("alien_core_field_set")
public func alienCoreFieldSet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let (memory, type) = try fieldMemory(stack, codeIndex: 4, function: "newindex")
        try LuaToC.store(stack, index: 3, as: type, into: memory, context: .argument(2, of: "struct field"))
        return 0
    }
}

/// Whether the buffer at stack index 1 can hold `size` bytes (foreign memory is taken on trust).
@_cdecl("alien_core_buffer_fits")
public func alienCoreBufferFits(_ state: OpaquePointer, _ index: Int32, _ size: Int) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let buffer = BufferObject.at(index, in: stack) else {
            throw .wrongType(1, of: "new", expected: "buffer or pointer", got: stack.typeName(at: index))
        }
        if buffer.pointee.isChecked && buffer.pointee.size < size {
            throw .badArgument(1, of: "new", .bufferSmallerThanStruct(size: buffer.pointee.size, structSize: size))
        }
        return 0
    }
}
