import AlienBridge

/// `alien.defstruct` (SPEC section 8): fields laid out with C's alignment
/// rules (instances are InstanceObject.swift). The adapter builds the struct type
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
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard stack.type(at: typeIndex) == ALIEN_TSTRING else {
            throw .badArgument(1, of: "defstruct", .fieldType(fieldNumber, got: stack.typeName(at: typeIndex)))
        }
        let type = try stack.typeArgument(at: typeIndex, argument: 1, of: "defstruct")
        let fieldAlignment = type.alignment
        let fieldOffset = (size.pointee + fieldAlignment - 1) / fieldAlignment * fieldAlignment
        offset.pointee = fieldOffset
        code.pointee = StructLayout.fieldCode(offset: fieldOffset, type: type)
        size.pointee = fieldOffset + type.size
        alignment.pointee = max(alignment.pointee, fieldAlignment)
        return 0
    }
}
