import AlienBridge

/// An instance of a struct or union type: a view of `type` at `offset` bytes
/// into a buffer, which the adapter keeps alive in the instance's uservalue
/// next to the type's field table. Nested structs and array elements are
/// instances over the same buffer.
struct InstanceObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_INSTANCE

    var object: alien_object_head
    var buffer: UnsafeMutablePointer<BufferObject>
    var offset: Int
    var type: CTypeRef

    /// The instance's memory, checked against the buffer's size now (it may have been resized).
    @inline(__always)
    func memory(at fieldOffset: Int = 0, count: Int? = nil, function: StaticString) throws(AlienError) -> UnsafeMutableRawPointer {
        try buffer.pointee.address(offset: Int64(offset + fieldOffset + 1), count: count ?? type.size, function: function)
    }
}

@_cdecl("alien_core_instance_size")
public func alienCoreInstanceSize() -> Int { MemoryLayout<InstanceObject>.size }

/// The zeroed block becomes an instance of `type` at `offset` into the buffer at `bufferIndex`.
@_cdecl("alien_core_instance_init")
public func alienCoreInstanceInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer, _ bufferIndex: Int32,
                                  _ type: UnsafePointer<alien_ctype>, _ offset: Int) {
    let stack = LuaStack(state)
    block.bindMemory(to: InstanceObject.self, capacity: 1).initialize(
        to: InstanceObject(object: InstanceObject.liveHead, buffer: BufferObject.at(bufferIndex, in: stack)!,
                           offset: offset, type: type))
}

/// The field of the instance at stack index 1 whose number (1-based, from
/// the type's field table) is at `numberIndex`.
private func instanceField(_ stack: LuaStack, numberIndex: Int32)
    -> (instance: UnsafeMutablePointer<InstanceObject>, field: alien_cfield)? {
    guard let instance = InstanceObject.at(1, in: stack), let number = stack.exactInteger(at: numberIndex),
          number >= 1, number <= Int64(instance.pointee.type.fields.count) else { return nil }
    return (instance, instance.pointee.type.fields[Int(number - 1)])
}

/// `inst.field`: stack [inst, key, number].
@_cdecl("alien_core_field_get")
public func alienCoreFieldGet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let (instance, field) = instanceField(stack, numberIndex: 3) else { throw .notAnInstance }
        let memory = try instance.pointee.memory(at: field.offset, count: field.type.size, function: "index")
        if BitField.isBitField(field) { out[0] = BitField.load(field, from: memory); return 1 }
        out[0] = CToLua.value(field.type, at: memory, offset: instance.pointee.offset + field.offset, owner: 1)
        return 1
    }
}

/// `inst.field = value`: stack [inst, key, value, number].
@_cdecl("alien_core_field_set")
public func alienCoreFieldSet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let (instance, field) = instanceField(stack, numberIndex: 4) else { throw .notAnInstance }
        let memory = try instance.pointee.memory(at: field.offset, count: field.type.size, function: "newindex")
        if BitField.isBitField(field) {
            try BitField.store(stack, index: 3, field: field, into: memory, context: .argument(2, of: "struct field"))
            return 0
        }
        try AggregateValue.store(stack, index: 3, as: field.type, into: memory, context: .argument(2, of: "struct field"))
        return 0
    }
}

/// Whether the buffer at stack index `index` can hold `size` bytes (foreign memory is taken on trust).
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
