import CLibc
import AlienBridge

/// Lua values to and from structs, unions and fixed arrays in C memory
/// (SPEC section 13). A struct or union is given as an instance of its type
/// (copied) or as a table of its fields; an array as a table of its elements
/// (a `char` array also as a string). Read back, they are views: the adapter
/// makes an instance or an alien array over the same memory.
enum AggregateValue {
    /// Tables nested deeper than this are refused (each level takes Lua stack).
    static let maxDepth = 32

    /// Stores the Lua value at `index` as a `type` (any form) at `memory`.
    /// `partial`: a table may leave struct fields out, which are then 0, as in
    /// a C initializer (`alien.new`); elsewhere every field is wanted.
    static func store(_ stack: LuaStack, index: Int32, as type: CTypeRef, into memory: UnsafeMutableRawPointer,
                      context: AlienError.ValueContext, depth: Int = 0, partial: Bool = false) throws(AlienError) {
        switch type.form {
        case ALIEN_CTYPE_SCALAR:
            try LuaToC.store(stack, index: index, as: type.scalar, into: memory, context: context)
        case ALIEN_CTYPE_ARRAY:
            try storeArray(stack, index: index, as: type, into: memory, context: context, depth: depth, partial: partial)
        default:
            if let instance = InstanceObject.at(index, in: stack) {
                guard instance.pointee.type == type else { throw .badValue(context, .otherType(type.formName)) }
                memmove(memory, try instance.pointee.memory(function: "copy"), type.size)
                return
            }
            guard stack.type(at: index) == ALIEN_TTABLE else {
                throw .badValue(context, .expected(type.formName, got: stack.typeName(at: index)))
            }
            try storeFields(stack, table: index, as: type, into: memory, context: context, depth: depth, partial: partial)
        }
    }

    /// A table of field values: every field of a struct, exactly one member of a union.
    private static func storeFields(_ stack: LuaStack, table: Int32, as type: CTypeRef, into memory: UnsafeMutableRawPointer,
                                    context: AlienError.ValueContext, depth: Int, partial: Bool) throws(AlienError) {
        guard depth < maxDepth else { throw .badValue(context, .tooDeep) }
        memset(memory, 0, type.size)
        let fields = type.fields
        try withUnsafeTemporaryAllocation(of: Bool.self, capacity: max(fields.count, 1)) { (given) throws(AlienError) in
            given.initialize(repeating: false)
            var count = 0
            try forEach(stack, table: table, context: context) { (key, value) throws(AlienError) in
                guard let name = stack.bytes(at: key), let (number, field) = type.field(named: name) else {
                    throw .badValue(context, .unknownField(stack.string(at: key) ?? "?"))
                }
                do throws(AlienError) {
                    if BitField.isBitField(field) {
                        try BitField.store(stack, index: value, field: field, into: memory + field.offset, context: context)
                    } else {
                        try store(stack, index: value, as: field.type, into: memory + field.offset, context: context,
                                  depth: depth + 1, partial: partial)
                    }
                } catch {
                    throw error.inField(field)
                }
                given[number] = true
                count += 1
            }
            if type.form == ALIEN_CTYPE_UNION {
                guard count == 1 else { throw .badValue(context, .unionMembers(count)) }
                return
            }
            // Every field is wanted, but for those sharing their bits with a
            // field given (the members of an anonymous union inside).
            if partial { return }
            for (number, field) in fields.enumerated() where !given[number] {
                let overlapped = fields.indices.contains { given[$0] && Self.overlap(fields[$0], field) }
                if !overlapped { throw .badValue(context, .missingField(String(cString: field.name))) }
            }
        }
    }

    /// Whether two fields share bits of memory.
    private static func overlap(_ a: alien_cfield, _ b: alien_cfield) -> Bool {
        func bits(_ f: alien_cfield) -> Range<Int> {
            let start = f.offset * 8 + Int(f.bit_offset)
            return start..<(start + (f.bit_width > 0 ? Int(f.bit_width) : f.type.size * 8))
        }
        return bits(a).overlaps(bits(b))
    }

    /// An array from a table of at most `count` elements (the rest zeroed),
    /// or a `char`/`byte` array from a string (truncated, NUL-terminated).
    private static func storeArray(_ stack: LuaStack, index: Int32, as type: CTypeRef, into memory: UnsafeMutableRawPointer,
                                   context: AlienError.ValueContext, depth: Int, partial: Bool) throws(AlienError) {
        let element = type.pointee.element!
        let count = type.pointee.count
        if let bytes = stack.bytes(at: index), element.isScalar, element.size == 1, element.scalar.isInteger {
            let copied = min(bytes.count, count - 1)
            memset(memory, 0, count)
            if copied > 0 { memory.copyMemory(from: bytes.baseAddress!, byteCount: copied) }
            return
        }
        guard stack.type(at: index) == ALIEN_TTABLE else {
            throw .badValue(context, .expected("array", got: stack.typeName(at: index)))
        }
        guard depth < maxDepth else { throw .badValue(context, .tooDeep) }
        // Checked first, so that a table too long changes nothing.
        guard stack.rawLength(at: index) <= count else { throw .badValue(context, .tooManyValues(count)) }
        memset(memory, 0, type.size)
        try forEach(stack, table: index, context: context) { (key, value) throws(AlienError) in
            guard let position = stack.exactInteger(at: key), position >= 1 else {
                throw .badValue(context, .unknownField(stack.string(at: key) ?? "?"))
            }
            guard position <= Int64(count) else { throw .badValue(context, .tooManyValues(count)) }
            try store(stack, index: value, as: element, into: memory + Int(position - 1) * element.size,
                      context: context, depth: depth + 1, partial: partial)
        }
    }

    /// Calls `body(keyIndex, valueIndex)` for every pair of the table (lua_next).
    private static func forEach(_ stack: LuaStack, table: Int32, context: AlienError.ValueContext,
                                _ body: (Int32, Int32) throws(AlienError) -> Void) throws(AlienError) {
        let table = table < 0 ? stack.top + table + 1 : table
        alien_lua_pushnil(stack.state)
        while true {
            let status = alien_lua_next(stack.state, table)
            if status == 0 { return }
            guard status > 0 else { alien_lua_pop(stack.state, 1); throw .badValue(context, .tooDeep) }
            let top = stack.top
            do {
                try body(top - 1, top)
            } catch {
                alien_lua_pop(stack.state, 2)
                throw error
            }
            alien_lua_pop(stack.state, 1)   // keep the key for the next lua_next
        }
    }
}

extension CToLua {
    /// A struct, union or array at `offset` bytes into the memory of the
    /// object at stack index `owner`, which the adapter makes into an
    /// instance or an alien array over that memory.
    @inline(__always)
    static func view(_ type: CTypeRef, offset: Int, owner: Int32) -> alien_value {
        var result = alien_value()
        result.kind = Int32(ALIEN_VVIEW.rawValue)
        result.type = type
        result.len = offset
        result.owner = owner
        return result
    }

    /// A new instance of `type` owning a copy of the bytes at `memory`.
    @inline(__always)
    static func copy(_ type: CTypeRef, from memory: UnsafeRawPointer) -> alien_value {
        var result = alien_value()
        result.kind = Int32(ALIEN_VCOPY.rawValue)
        result.type = type
        result.v.p = memory
        return result
    }

    /// The value of any type at `offset` into the memory of the object at
    /// `owner`: scalars as Lua values, the rest as views.
    @inline(__always)
    static func value(_ type: CTypeRef, at memory: UnsafeRawPointer, offset: Int, owner: Int32) -> alien_value {
        type.isScalar ? load(type.scalar, from: memory, callbackAsFunction: true) : view(type, offset: offset, owner: owner)
    }

    /// The Lua value that stands for a type: its name, or its struct type table.
    static func typeValue(_ type: CTypeRef) -> alien_value {
        var result = alien_value()
        result.kind = Int32(ALIEN_VTYPE.rawValue)
        result.type = type
        return result
    }
}

/// Bit-fields (`int flags : 3`, from cdef): read and written within the
/// integer unit that holds them, as GCC lays them out.
enum BitField {
    @inline(__always)
    static func isBitField(_ field: alien_cfield) -> Bool { field.bit_width > 0 }

    static func load(_ field: alien_cfield, from unit: UnsafeRawPointer) -> alien_value {
        let type = field.type.scalar
        let raw = UInt64(bitPattern: type.loadInteger(from: unit))
        let width = UInt64(field.bit_width)
        var value = (raw >> UInt64(field.bit_offset)) & (width >= 64 ? ~0 : (1 << width) - 1)
        if type.isSigned && width < 64 && value & (1 << (width - 1)) != 0 { value |= ~((1 << width) - 1) }
        return CToLua.integerValue(Int64(bitPattern: value), of: type)
    }

    static func store(_ stack: LuaStack, index: Int32, field: alien_cfield, into unit: UnsafeMutableRawPointer,
                      context: AlienError.ValueContext) throws(AlienError) {
        let type = field.type.scalar
        guard let value = stack.integer(at: index) ?? stack.zeroIfNil(at: index) else {
            throw LuaToC.mismatch(stack, index, type, context)
        }
        let width = UInt64(field.bit_width), shift = UInt64(field.bit_offset)
        let mask: UInt64 = (width >= 64 ? ~0 : (1 << width) - 1) << shift
        let old = UInt64(bitPattern: type.loadInteger(from: unit))
        let new = (old & ~mask) | ((UInt64(bitPattern: value) << shift) & mask)
        type.storeInteger(Int64(bitPattern: new), to: unit)
    }
}
