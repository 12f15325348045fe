import AlienBridge

/// Moving scalar values between C memory and Lua, by alien type.
/// Shared by calls, callbacks, buffers, arrays and structs.
enum CValue {
    /// Stores the low bytes of `value` as an integer of `type`'s width.
    @inline(__always)
    static func storeInteger(_ value: Int64, as type: AlienType, to memory: UnsafeMutableRawPointer) {
        switch type.size {
        case 1: memory.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: memory.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        case 4: memory.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: memory.storeBytes(of: value, as: Int64.self)
        }
    }

    /// Reads an integer of `type` from memory, sign- or zero-extended.
    @inline(__always)
    static func loadInteger(_ type: AlienType, from memory: UnsafeRawPointer) -> Int64 {
        switch (type.size, type.isSigned) {
        case (1, true): return Int64(memory.load(as: Int8.self))
        case (1, false): return Int64(memory.load(as: UInt8.self))
        case (2, true): return Int64(memory.loadUnaligned(as: Int16.self))
        case (2, false): return Int64(memory.loadUnaligned(as: UInt16.self))
        case (4, true): return Int64(memory.loadUnaligned(as: Int32.self))
        case (4, false): return Int64(memory.loadUnaligned(as: UInt32.self))
        default: return memory.loadUnaligned(as: Int64.self)
        }
    }

    /// Narrows a widened integer (libffi returns small integers as a full ffi_arg) to `type`.
    @inline(__always)
    static func narrow(_ value: UInt64, to type: AlienType) -> Int64 {
        switch (type.size, type.isSigned) {
        case (1, true): return Int64(Int8(truncatingIfNeeded: value))
        case (1, false): return Int64(UInt8(truncatingIfNeeded: value))
        case (2, true): return Int64(Int16(truncatingIfNeeded: value))
        case (2, false): return Int64(UInt16(truncatingIfNeeded: value))
        case (4, true): return Int64(Int32(truncatingIfNeeded: value))
        case (4, false): return Int64(UInt32(truncatingIfNeeded: value))
        default: return Int64(bitPattern: value)
        }
    }

    /// The Lua value for an integer of `type`.
    @inline(__always)
    static func integerValue(_ value: Int64, of type: AlienType) -> alien_value {
        var result = alien_value()
        if type.isSigned || type.size < 8 {
            result.kind = Int32(ALIEN_VINT.rawValue)
            result.v.i = value
        } else {
            result.kind = Int32(ALIEN_VUINT.rawValue)
            result.v.u = UInt64(bitPattern: value)
        }
        return result
    }

    @inline(__always)
    static func numberValue(_ value: Double) -> alien_value {
        var result = alien_value()
        result.kind = Int32(ALIEN_VNUM.rawValue)
        result.v.n = value
        return result
    }

    @inline(__always)
    static func pointerValue(_ pointer: UnsafeRawPointer?, kind: alien_vkind = ALIEN_VPTR) -> alien_value {
        var result = alien_value()
        result.kind = Int32((pointer == nil ? ALIEN_VNIL : kind).rawValue)
        result.v.p = pointer
        return result
    }

    static let nilValue = alien_value()

    /// A Lua string of `count` bytes.
    @inline(__always)
    static func bytesValue(_ bytes: UnsafeRawPointer, count: Int) -> alien_value {
        var result = alien_value()
        result.kind = Int32(ALIEN_VLSTR.rawValue)
        result.v.p = bytes
        result.len = count
        return result
    }

    /// The Lua value for a `type` stored at its natural width in memory.
    /// A `callback` read from memory is an alien function when asked for (`buf:get`).
    @inline(__always)
    static func load(_ type: AlienType, from memory: UnsafeRawPointer,
                     callbackAsFunction: Bool = false) -> alien_value {
        switch type {
        case .callback where callbackAsFunction:
            return pointerValue(memory.loadUnaligned(as: UnsafeRawPointer?.self), kind: ALIEN_VFUNC)
        case .void: return nilValue
        case .float: return numberValue(Double(memory.loadUnaligned(as: Float.self)))
        case .double: return numberValue(memory.loadUnaligned(as: Double.self))
        case .string: return pointerValue(memory.loadUnaligned(as: UnsafeRawPointer?.self), kind: ALIEN_VSTR)
        case .pointer, .callback, .refChar, .refInt, .refUInt, .refDouble:
            return pointerValue(memory.loadUnaligned(as: UnsafeRawPointer?.self))
        default:
            return integerValue(loadInteger(type, from: memory), of: type)
        }
    }
}
