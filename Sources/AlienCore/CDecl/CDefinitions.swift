import AlienBridge

/// What `alien.cdef` has declared in one Lua state (SPEC section 14): the
/// names of types, struct/union/enum tags, functions and enum constants.
/// Kept by a userdata in the registry; the adapter hands its address to the
/// core (alien_lua_cdefs).
final class CDefinitions {
    var typedefs: [[UInt8]: CDeclType] = [:]
    var structs: [[UInt8]: CRecord] = [:]
    var unions: [[UInt8]: CRecord] = [:]
    /// Enum tags and their enumerators' names (empty until the body is seen).
    var enums: [[UInt8]: [[UInt8]]] = [:]
    var constants: [[UInt8]: Int64] = [:]
    var functions: [[UInt8]: CFunctionDeclaration] = [:]
    /// Type names already resolved (`"struct tm *"` as a string in Lua).
    var resolvedNames: [[UInt8]: CTypeRef] = [:]

    /// The names every header may assume without declaring them. (Built
    /// with no closure capturing the table: a captured variable's box would
    /// outlive the one-time initialisation unreferenced, a leak to valgrind.)
    nonisolated(unsafe) static let builtins: [[UInt8]: CDeclType] = {
        let entries: [(StaticString, CDeclType)] = [
            ("size_t", .scalar(.size_t)), ("ssize_t", .scalar(.ptrdiff_t)), ("ptrdiff_t", .scalar(.ptrdiff_t)),
            ("intptr_t", .scalar(.ptrdiff_t)), ("uintptr_t", .scalar(.size_t)),
            ("int8_t", .scalar(.byte)), ("uint8_t", .scalar(.char)), ("int16_t", .scalar(.short)),
            ("uint16_t", .scalar(.ushort)), ("int32_t", .scalar(.int)), ("uint32_t", .scalar(.uint)),
            ("int64_t", .scalar(.longlong)), ("uint64_t", .scalar(.ulonglong)),
            ("bool", .scalar(.char)), ("wchar_t", .scalar(.int)),
            // va_list as alien passes it: a pointer (a scalar here: this table lives for the process,
            // and an indirect case's box would be reported lost by valgrind)
            ("va_list", .scalar(.pointer)), ("__builtin_va_list", .scalar(.pointer)), ("__gnuc_va_list", .scalar(.pointer)),
        ]
        var table: [[UInt8]: CDeclType] = [:]
        for (name, type) in entries {
            table[Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))] = type
        }
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
