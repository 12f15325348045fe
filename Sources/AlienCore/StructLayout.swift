import AlienBridge

/// `alien.defstruct` (SPEC section 8): fields laid out with C's alignment
/// rules, and field access on instances. The adapter builds the struct type
/// and instance tables; each field is kept as one integer, `offset * 64 + type`,
/// so an access is one table lookup and no type-name work.
enum StructLayout {
    static func fieldCode(offset: Int, type: AlienType) -> Int64 { Int64(offset) * 64 + Int64(type.rawValue) }

    static func field(_ code: Int64) -> (offset: Int, type: AlienType)? {
        guard code >= 0, let type = AlienType(rawValue: UInt8(code % 64)) else { return nil }
        return (Int(code / 64), type)
    }
}

/// Lays out the next field, whose type name is at stack index `typeIndex`:
/// `size` (the end so far) and `alignment` (the largest so far) are updated,
/// and the field's 0-based offset and code are written out.
@_cdecl("alien_core_struct_field")
public func alienCoreStructField(_ state: OpaquePointer, _ typeIndex: Int32, _ fieldNumber: Int32,
                                 _ size: UnsafeMutablePointer<Int>, _ alignment: UnsafeMutablePointer<Int>,
                                 _ offset: UnsafeMutablePointer<Int>, _ code: UnsafeMutablePointer<Int64>) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        guard alien_lua_type(state, typeIndex) == ALIEN_TSTRING else {
            throw .badArgument(1, of: "defstruct", .fieldType(fieldNumber, got: LuaStack(state).typeName(at: typeIndex)))
        }
        let type = try typeArgument(state, typeIndex, 1, of: "defstruct")
        let fieldAlignment = type.alignment
        let fieldOffset = (size.pointee + fieldAlignment - 1) / fieldAlignment * fieldAlignment
        offset.pointee = fieldOffset
        code.pointee = StructLayout.fieldCode(offset: fieldOffset, type: type)
        size.pointee = fieldOffset + type.size
        alignment.pointee = max(alignment.pointee, fieldAlignment)
        return 0
    }
}

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
    block.bindMemory(to: InstanceObject.self, capacity: 1).initialize(
        to: InstanceObject(object: InstanceObject.liveHead, buffer: BufferObject.at(bufferIndex, in: state)!))
}

/// The memory of a field of the instance at stack index 1, from its code at `codeIndex`.
func fieldMemory(_ state: OpaquePointer, codeIndex: Int32, function: StaticString) throws(AlienError) -> (UnsafeMutableRawPointer, AlienType) {
    guard let instance = InstanceObject.at(1, in: state), let code = LuaStack(state).integer(at: codeIndex),
          let (offset, type) = StructLayout.field(code) else {
        throw .notAnInstance
    }
    return (try instance.pointee.buffer.pointee.address(offset: Int64(offset + 1), count: type.size, function: function), type)
}

/// `inst.field`: stack [inst, key, code].
@_cdecl("alien_core_field_get")
public func alienCoreFieldGet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        let (memory, type) = try fieldMemory(state, codeIndex: 3, function: "index")
        out[0] = CValue.load(type, from: memory, callbackAsFunction: true)
        return 1
    }
}

/// `inst.field = value`: stack [inst, key, value, code].
@_cdecl("alien_core_field_set")
public func alienCoreFieldSet(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        let (memory, type) = try fieldMemory(state, codeIndex: 4, function: "newindex")
        try LuaToC.store(state, index: 3, as: type, into: memory, context: .argument(2, of: "struct field"))
        return 0
    }
}

/// Whether the buffer at stack index 1 can hold `size` bytes (foreign memory is taken on trust).
@_cdecl("alien_core_buffer_fits")
public func alienCoreBufferFits(_ state: OpaquePointer, _ index: Int32, _ size: Int) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        guard let buffer = BufferObject.at(index, in: state) else {
            throw .wrongType(1, of: "new", expected: "buffer or pointer", got: LuaStack(state).typeName(at: index))
        }
        if buffer.pointee.isChecked && buffer.pointee.size < size {
            throw .badArgument(1, of: "new", .bufferSmallerThanStruct(size: buffer.pointee.size, structSize: size))
        }
        return 0
    }
}
