import AlienBridge

/// `alien.sizeof(t)` and `alien.align(t)`.
@_cdecl("alien_core_sizeof")
public func alienCoreSizeof(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        out[0] = CValue.integerValue(Int64(try namedType(state, function: "sizeof").size), of: .int)
        return 1
    }
}

@_cdecl("alien_core_align")
public func alienCoreAlign(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors { () throws(AlienError) -> Int32 in
        out[0] = CValue.integerValue(Int64(try namedType(state, function: "align").alignment), of: .int)
        return 1
    }
}

/// The type named by the string at stack index 1.
func namedType(_ state: OpaquePointer, function: StaticString) throws(AlienError) -> AlienType {
    let name = try LuaStack(state).requireString(at: 1, argument: 1, of: function)
    guard let type = AlienType(name: name) else {
        throw .unknownType(name, in: .named(function))
    }
    return type
}
