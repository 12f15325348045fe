import AlienBridge

/// Addresses of userdata passed where C expects memory.
enum Memory {
    /// The memory a full userdata stands for: a buffer's contents, else the block itself.
    @inline(__always)
    static func address(of index: Int32, in state: OpaquePointer) -> UnsafeMutableRawPointer? {
        alien_lua_touserdata(state, index)
    }
}
