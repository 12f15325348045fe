import AlienBridge

/// What `alien.cdef` has declared in one Lua state (SPEC section 14): the
/// names of types, struct/union/enum tags, functions and enum constants.
/// Kept by a userdata in the registry; the adapter hands its address to the
/// core (alien_lua_cdefs).
final class CDefinitions {
    var typedefs: [[UInt8]: CDeclType] = [:]
    var structs: [[UInt8]: CRecord] = [:]
    var unions: [[UInt8]: CRecord] = [:]
    var enums: Set<[UInt8]> = []
    var constants: [[UInt8]: Int64] = [:]
    var functions: [[UInt8]: CFunctionDeclaration] = [:]
    /// Type names already resolved (`"struct tm *"` as a string in Lua).
    var resolvedNames: [[UInt8]: CTypeRef] = [:]

    /// The names every header may assume without declaring them.
    nonisolated(unsafe) static let builtins: [[UInt8]: CDeclType] = {
        var table: [[UInt8]: CDeclType] = [:]
        func add(_ name: StaticString, _ type: CDeclType) {
            table[Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))] = type
        }
        add("size_t", .scalar(.size_t)); add("ssize_t", .scalar(.ptrdiff_t)); add("ptrdiff_t", .scalar(.ptrdiff_t))
        add("intptr_t", .scalar(.ptrdiff_t)); add("uintptr_t", .scalar(.size_t))
        add("int8_t", .scalar(.byte)); add("uint8_t", .scalar(.char))
        add("int16_t", .scalar(.short)); add("uint16_t", .scalar(.ushort))
        add("int32_t", .scalar(.int)); add("uint32_t", .scalar(.uint))
        add("int64_t", .scalar(.longlong)); add("uint64_t", .scalar(.ulonglong))
        add("bool", .scalar(.char)); add("wchar_t", .scalar(.int))
        add("va_list", .pointer(.void)); add("__builtin_va_list", .pointer(.void)); add("__gnuc_va_list", .pointer(.void))
        return table
    }()

    func typedef(_ name: [UInt8]) -> CDeclType? { typedefs[name] ?? CDefinitions.builtins[name] }
}

/// A function declared by `alien.cdef`: its type, and the symbol it is
/// linked as (an `__asm__("name")` label), if it has one.
struct CFunctionDeclaration {
    var type: CFunctionType
    var symbol: [UInt8]?
}

extension CDefinitions {
    /// The definitions of the Lua state of `stack` (nil before the first cdef).
    static func of(_ stack: LuaStack) -> CDefinitions? {
        guard let block = alien_lua_cdefs(stack.state), let definitions = block.load(as: UnsafeRawPointer?.self) else {
            return nil   // none yet, or already finalized (the state is closing)
        }
        return Unmanaged<CDefinitions>.fromOpaque(definitions).takeUnretainedValue()
    }
}

@_cdecl("alien_core_cdefs_size")
public func alienCoreCdefsSize() -> Int { MemoryLayout<UnsafeRawPointer>.size }

/// The zeroed block becomes the holder of a new, empty set of definitions.
@_cdecl("alien_core_cdefs_init")
public func alienCoreCdefsInit(_ block: UnsafeMutableRawPointer) {
    block.storeBytes(of: UnsafeRawPointer(Unmanaged.passRetained(CDefinitions()).toOpaque()), as: UnsafeRawPointer.self)
}

/// `__gc` of the holder.
@_cdecl("alien_core_cdefs_gc")
public func alienCoreCdefsGC(_ block: UnsafeMutableRawPointer) {
    guard let pointer = block.load(as: UnsafeRawPointer?.self) else { return }
    block.storeBytes(of: nil, as: UnsafeRawPointer?.self)
    Unmanaged<CDefinitions>.fromOpaque(pointer).release()
}
