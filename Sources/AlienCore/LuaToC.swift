import AlienBridge

/// Lua values to C memory, by alien type. (The other direction is CToLua.)
enum LuaToC {
    /// Stores the Lua value at `index` as a `type` at its natural width.
    @inline(__always)
    static func store(_ stack: LuaStack, index: Int32, as type: AlienType,
                      into memory: UnsafeMutableRawPointer, context: AlienError.ValueContext) throws(AlienError) {
        // nil for a number is 0 (an argument, buf:set, an element, a field): real
        // code passes nil for arguments it does not use, e.g. fcntl(fd, F_GETFD, nil).
        switch Int(type.kind) {
        case ALIEN_KIND_FLOAT, ALIEN_KIND_DOUBLE:
            guard let number = stack.number(at: index) ?? stack.zeroIfNil(at: index).map(Double.init) else {
                throw mismatch(stack, index, type, context)
            }
            if type == .float {
                memory.storeBytes(of: Float(number), toByteOffset: 0, as: Float.self)
            } else {
                memory.storeBytes(of: number, toByteOffset: 0, as: Double.self)
            }
        case ALIEN_KIND_STRING, ALIEN_KIND_POINTER, ALIEN_KIND_CALLBACK:   // and every ref
            let address = try pointer(stack, index: index, as: type, context: context)
            memory.storeBytes(of: address, toByteOffset: 0, as: UnsafeRawPointer?.self)
        case ALIEN_KIND_VOID:
            throw mismatch(stack, index, type, context)
        default:
            guard let value = stack.integer(at: index) ?? stack.zeroIfNil(at: index) else {
                throw mismatch(stack, index, type, context)
            }
            type.storeInteger(value, to: memory)
        }
    }

    /// Stores a call argument: as `store`, except that a `ref` argument's value
    /// goes to `refSlot` and the argument is its address.
    @inline(__always)
    static func storeArgument(_ stack: LuaStack, index: Int32, as type: AlienType,
                              into slot: UnsafeMutableRawPointer, refSlot: UnsafeMutableRawPointer,
                              context: AlienError.ValueContext) throws(AlienError) {
        if let referent = type.referent {
            try store(stack, index: index, as: referent, into: refSlot, context: context)
            slot.storeBytes(of: UnsafeRawPointer(refSlot), as: UnsafeRawPointer.self)
        } else {
            try store(stack, index: index, as: type, into: slot, context: context)
        }
    }

    /// The address a `string`, `pointer` or `callback` value stands for.
    @inline(__always)
    static func pointer(_ stack: LuaStack, index: Int32, as type: AlienType,
                        context: AlienError.ValueContext) throws(AlienError) -> UnsafeRawPointer? {
        switch stack.type(at: index) {
        case ALIEN_TNIL:
            return nil
        case ALIEN_TSTRING where type != .callback:
            return UnsafeRawPointer(stack.cString(at: index))
        case ALIEN_TNUMBER where type == .string:
            throw .convertToString(index)
        case ALIEN_TLIGHTUSERDATA:
            return UnsafeRawPointer(stack.userdata(at: index))
        case ALIEN_TUSERDATA:
            let object = AlienObject.at(index, in: stack)
            if case .function(let function)? = object { return UnsafeRawPointer(function.pointee.address) }
            guard type != .callback else { break }
            if case .dead? = object { break }          // finalized: its block is no one's memory any more
            if let memory = object?.memory { return UnsafeRawPointer(memory.start) }
            return UnsafeRawPointer(stack.userdata(at: index))
        default:
            break
        }
        throw mismatch(stack, index, type, context)
    }

    /// The error for a value that cannot become a `type` (reads what it is only then).
    static func mismatch(_ stack: LuaStack, _ index: Int32, _ type: AlienType,
                         _ context: AlienError.ValueContext) -> AlienError {
        .cannotConvert(context, to: type, got: stack.typeName(at: index))
    }
}
