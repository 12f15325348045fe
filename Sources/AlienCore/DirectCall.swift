import AlienBridge

/// Which signatures the adapter may call directly, through a typed function
/// pointer, instead of through libffi. Only where that is exactly the same
/// call on the platform's C ABI: integer-class arguments (narrowed and
/// extended as C would) in integer registers, or doubles in floating-point
/// registers, never both, and few enough that all travel in registers.
enum DirectCall {
    struct Plan {
        var direct: UInt8
        var result: UInt8
        var arguments: [UInt8]
    }

    /// The plan for a signature; a callback's plan takes no strings (the
    /// adapter pushes a callback's arguments where pushing must not allocate).
    static func plan(returnType: AlienType, arguments: UnsafeBufferPointer<AlienType>, forCallback: Bool = false) -> Plan? {
        #if (arch(x86_64) || arch(arm64)) && !os(Windows)
        guard let result = resultKind(returnType) else { return nil }
        if forCallback && arguments.contains(.string) { return nil }
        let kinds = arguments.map { argumentKind($0, forCallback: forCallback) }
        if kinds.allSatisfy({ $0 != nil && $0 != UInt8(ALIEN_KIND_DOUBLE) }) && kinds.count <= Int(ALIEN_DIRECT_MAXINTEGERS) {
            let refs = kinds.contains { $0! & UInt8(ALIEN_DIRECT_REF) != 0 }
            return Plan(direct: UInt8(refs ? ALIEN_DIRECT_REFS : ALIEN_DIRECT_INTEGERS), result: result, arguments: kinds.map { $0! })
        }
        if !kinds.isEmpty, kinds.allSatisfy({ $0 == UInt8(ALIEN_KIND_DOUBLE) }), kinds.count <= Int(ALIEN_DIRECT_MAXDOUBLES) {
            return Plan(direct: UInt8(ALIEN_DIRECT_DOUBLES), result: result, arguments: kinds.map { $0! })
        }
        #endif
        return nil
    }

    /// Arguments: integers, pointers and strings (the adapter takes light
    /// userdata, strings, nil, buffers and functions for them directly, and
    /// hands anything else to the core), doubles, and for calls from Lua a
    /// `ref` of an integer or double (a pointer: integer-class); floats,
    /// other refs and callbacks go through libffi.
    static func argumentKind(_ type: AlienType, forCallback: Bool = false) -> UInt8? {
        if let referent = type.referent {
            guard !forCallback, referent.isInteger || referent == .double else { return nil }
            return UInt8(referent.kind) | UInt8(ALIEN_DIRECT_REF)
        }
        return plainKind(type)
    }

    /// The kind of an integer, double, pointer or string type; nil for the rest.
    @inline(__always)
    static func plainKind(_ type: AlienType) -> UInt8? {
        switch type {
        case .double, .pointer, .string: return UInt8(type.kind)
        default: return type.isInteger ? UInt8(type.kind) : nil
        }
    }

    static func resultKind(_ type: AlienType) -> UInt8? {
        type == .void ? UInt8(ALIEN_KIND_VOID) : plainKind(type)
    }
}
