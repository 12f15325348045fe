import AlienBridge

/// An object living in the memory of a Lua full userdata, recognised by the
/// magic number in its first word (no metatable lookup on the hot path).
protocol UserdataObject {
    static var magic: UInt64 { get }
    var magic: UInt64 { get }
}

extension UserdataObject {
    /// The object at a stack index, or nil if the value is something else.
    @inline(__always)
    static func at(_ index: Int32, in state: OpaquePointer) -> UnsafeMutablePointer<Self>? {
        guard let raw = alien_lua_toudata(state, index, MemoryLayout<Self>.size) else { return nil }
        let object = raw.assumingMemoryBound(to: Self.self)
        return object.pointee.magic == Self.magic ? object : nil
    }
}
