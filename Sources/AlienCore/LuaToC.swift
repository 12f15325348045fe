import AlienBridge

/// Lua values to C memory, by alien type.
enum LuaToC {
    /// Stores the Lua value at `index` as a `type` at its natural width.
    @inline(__always)
    static func store(_ state: OpaquePointer, index: Int32, as type: AlienType,
                      into memory: UnsafeMutableRawPointer, context: AlienError.ValueContext) throws(AlienError) {
        switch type {
        case .float, .double:
            var integer: Int64 = 0
            var number: Double = 0
            switch alien_lua_tonumeric(state, index, &integer, &number) {
            case 1: number = Double(integer)
            case 2: break
            default: throw .cannotConvert(context, to: type, got: LuaStack(state).typeName(at: index))
            }
            if type == .float {
                memory.storeBytes(of: Float(number), toByteOffset: 0, as: Float.self)
            } else {
                memory.storeBytes(of: number, toByteOffset: 0, as: Double.self)
            }
        case .string, .pointer, .callback, .refChar, .refInt, .refUInt, .refDouble:
            let address = try pointer(state, index: index, as: type, context: context)
            memory.storeBytes(of: address, toByteOffset: 0, as: UnsafeRawPointer?.self)
        case .void:
            throw .cannotConvert(context, to: type, got: LuaStack(state).typeName(at: index))
        default:
            guard let value = LuaStack(state).integer(at: index) else {
                throw .cannotConvert(context, to: type, got: LuaStack(state).typeName(at: index))
            }
            CValue.storeInteger(value, as: type, to: memory)
        }
    }

    /// Stores a call argument: as `store`, except that a `ref` argument's value
    /// goes to `refSlot` and the argument is its address.
    @inline(__always)
    static func storeArgument(_ state: OpaquePointer, index: Int32, as type: AlienType,
                              into slot: UnsafeMutableRawPointer, refSlot: UnsafeMutableRawPointer,
                              context: AlienError.ValueContext) throws(AlienError) {
        if let referent = type.referent {
            try store(state, index: index, as: referent, into: refSlot, context: context)
            slot.storeBytes(of: UnsafeRawPointer(refSlot), as: UnsafeRawPointer.self)
        } else {
            try store(state, index: index, as: type, into: slot, context: context)
        }
    }

    /// The address a `string`, `pointer` or `callback` value stands for.
    @inline(__always)
    static func pointer(_ state: OpaquePointer, index: Int32, as type: AlienType,
                        context: AlienError.ValueContext) throws(AlienError) -> UnsafeRawPointer? {
        switch alien_lua_type(state, index) {
        case ALIEN_TNIL:
            return nil
        case ALIEN_TSTRING where type != .callback:
            return UnsafeRawPointer(alien_lua_tostring(state, index, nil))
        case ALIEN_TNUMBER where type == .string:
            throw .convertToString(index)
        case ALIEN_TLIGHTUSERDATA:
            return UnsafeRawPointer(alien_lua_touserdata(state, index))
        case ALIEN_TUSERDATA:
            let object = AlienObject.at(index, in: state)
            if case .function(let function)? = object { return UnsafeRawPointer(function.pointee.address) }
            guard type != .callback else { break }
            if let buffer = object?.buffer { return UnsafeRawPointer(buffer.pointee.data) }
            return UnsafeRawPointer(alien_lua_touserdata(state, index))
        default:
            break
        }
        throw .cannotConvert(context, to: type, got: LuaStack(state).typeName(at: index))
    }
}
