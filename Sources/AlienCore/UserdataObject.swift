import AlienBridge

/// An object living in the memory of a Lua full userdata. Every one starts
/// with `alien_object_head` (alien_bridge.h): a magic and the object's kind,
/// so finding what a value is takes one crossing and one comparison.
protocol UserdataObject {
    /// ALIEN_OBJECT_*.
    static var objectKind: Int { get }
}

extension UserdataObject {
    /// The object at a stack index, or nil if the value is something else.
    @inline(__always)
    static func at(_ index: Int32, in stack: LuaStack) -> UnsafeMutablePointer<Self>? {
        var size = 0
        guard let head = alien_lua_toobject(stack.state, index, &size), Int(head.pointee.kind) == objectKind,
              size >= MemoryLayout<Self>.size else { return nil }
        return UnsafeMutableRawPointer(head).assumingMemoryBound(to: Self.self)
    }

    /// The head a live object of this kind starts with.
    static var liveHead: alien_object_head {
        alien_object_head(magic: ALIEN_OBJECT_MAGIC, kind: UInt8(objectKind), reserved: (0, 0, 0))
    }
}

extension alien_object_head {
    /// Whether the object was made and has not been finalized.
    var isAlive: Bool { magic == ALIEN_OBJECT_MAGIC && Int(kind) != ALIEN_OBJECT_DEAD }

    /// Finalized (by the collector, or by Lua code calling `__gc`): still
    /// recognised as alien's, so it is never taken for foreign memory, but
    /// of no kind any entry point accepts.
    mutating func kill() { kind = UInt8(ALIEN_OBJECT_DEAD) }
}

/// Any object of alien's, found with one lookup.
enum AlienObject {
    case library, function(UnsafeMutablePointer<FunctionObject>), buffer(UnsafeMutablePointer<BufferObject>)
    case array(UnsafeMutablePointer<ArrayObject>), instance(UnsafeMutablePointer<InstanceObject>), tagged, dead

    @inline(__always)
    static func at(_ index: Int32, in stack: LuaStack) -> AlienObject? {
        var size = 0
        guard let head = alien_lua_toobject(stack.state, index, &size) else { return nil }
        let block = UnsafeMutableRawPointer(head)
        switch Int(head.pointee.kind) {
        case ALIEN_OBJECT_FUNCTION where size >= MemoryLayout<FunctionObject>.size:
            return .function(block.assumingMemoryBound(to: FunctionObject.self))
        case ALIEN_OBJECT_BUFFER where size >= MemoryLayout<BufferObject>.size:
            return .buffer(block.assumingMemoryBound(to: BufferObject.self))
        case ALIEN_OBJECT_ARRAY where size >= MemoryLayout<ArrayObject>.size:
            return .array(block.assumingMemoryBound(to: ArrayObject.self))
        case ALIEN_OBJECT_INSTANCE where size >= MemoryLayout<InstanceObject>.size:
            return .instance(block.assumingMemoryBound(to: InstanceObject.self))
        case ALIEN_OBJECT_LIBRARY: return .library
        case ALIEN_OBJECT_TAGGED: return .tagged
        case ALIEN_OBJECT_DEAD: return .dead
        default: return nil
        }
    }

    /// Where the object's memory starts and how many bytes it has (nil: foreign
    /// memory, unchecked): a buffer's bytes, or an array's or instance's part
    /// of its buffer (a view starts `offset` bytes in). nil for objects that
    /// are not memory.
    var memory: (start: UnsafeMutableRawPointer?, size: Int?)? {
        let offset: Int
        switch self {
        case .buffer: offset = 0
        case .array(let array): offset = array.pointee.offset
        case .instance(let instance): offset = instance.pointee.offset
        default: return nil
        }
        guard let buffer else { return nil }
        let start = buffer.pointee.data.map { $0 + offset }
        return (start, buffer.pointee.isChecked ? max(buffer.pointee.size - offset, 0) : nil)
    }

    /// The buffer whose memory the object stands for, if any.
    var buffer: UnsafeMutablePointer<BufferObject>? {
        switch self {
        case .buffer(let buffer): return buffer
        case .array(let array): return array.pointee.buffer
        case .instance(let instance): return instance.pointee.buffer
        default: return nil
        }
    }
}
