import AlienBridge

/// C values and memory to the `alien_value` records the adapter pushes as
/// Lua values, by alien type. Shared by calls, callbacks, buffers, arrays and
/// structs. (The other direction is LuaToC.)
enum CToLua {
    /// The Lua value for an integer of `type`.
    @inline(__always)
    static func integerValue(_ value: Int64, of type: AlienType) -> alien_value {
        var result = alien_value()
        if type.kind != ALIEN_KIND_U64 {
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

    static var nilValue: alien_value { alien_value() }

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
        case _ where type.kind == ALIEN_KIND_POINTER || type == .callback:   // pointer, callback, every ref
            return pointerValue(memory.loadUnaligned(as: UnsafeRawPointer?.self))
        default:
            return integerValue(type.loadInteger(from: memory), of: type)
        }
    }

    /// A C function's return value as libffi leaves it: integers narrower
    /// than a register are widened to a full ffi_arg.
    @inline(__always)
    static func returnValue(_ type: AlienType, at memory: UnsafeRawPointer) -> alien_value {
        if type.isInteger {
            return integerValue(type.narrow(memory.load(as: UInt64.self)), of: type)
        }
        return load(type, from: memory)
    }
}
