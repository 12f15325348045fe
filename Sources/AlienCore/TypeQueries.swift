import CLibc
import AlienBridge

/// What Lua programs and the adapter ask of type names.

/// `alien.sizeof(t)`.
@_cdecl("alien_core_sizeof")
public func alienCoreSizeof(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.integerValue(Int64(try stack.namedType(of: "sizeof").size), of: .int)
        return 1
    }
}

/// `alien.align(t)`.
@_cdecl("alien_core_align")
public func alienCoreAlign(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.integerValue(Int64(try stack.namedType(of: "align").alignment), of: .int)
        return 1
    }
}

/// The code the adapter passes back for a scalar type name (-1 for an unknown name).
@_cdecl("alien_core_type_code")
public func alienCoreTypeCode(_ name: UnsafePointer<CChar>) -> Int32 {
    AlienType(bytes: name, count: strlen(name)).map { Int32($0.rawValue) } ?? -1
}

/// The direct kind (alien_bridge.h) of a type name the adapter may read and
/// write in a buffer itself, or 0 for the rest (which the core handles).
@_cdecl("alien_core_scalar_kind")
public func alienCoreScalarKind(_ name: UnsafePointer<CChar>, _ length: Int) -> Int32 {
    guard let type = AlienType(bytes: name, count: length), type != .string else { return 0 }
    return Int32(DirectCall.plainKind(type) ?? 0)          // 0 for refs too: the core refuses them
}
