import AlienBridge
import CFFI

/// A type as C declarations spell it (SPEC section 14): what `alien.cdef`
/// parses into, before it becomes alien's descriptors (CType.swift), which
/// know only what crosses to C (a `char *` is alien's `string`, any other
/// pointer a `pointer`, a function pointer a `callback`).
indirect enum CDeclType {
    case void
    case scalar(AlienType)
    /// C's plain `char` (signed or not by platform; `char *` is a string).
    case plainChar
    /// A type alien cannot move but can lay out (`long double`, `__int128`).
    case opaque(size: Int, align: Int)
    case pointer(CDeclType)
    case array(CDeclType, count: Int?)
    case record(CRecord)
    case enumeration
    case function(CFunctionType)

    /// The descriptor of a value of this type in memory (a field, an array
    /// element, `sizeof`); nil for void, functions and incomplete types.
    var descriptor: CTypeRef? {
        switch self {
        case .void, .function: return nil
        case .scalar(let type): return CTypes.scalar(type)
        case .plainChar: return CTypes.scalar(CDeclType.plainCharType)
        case .opaque(let size, let align): return CompositeBuilder.opaque(size: size, align: align)
        case .pointer(let pointee): return CTypes.scalar(pointee.pointerKind)
        case .array(let element, let count):
            guard let count, count > 0, let element = element.descriptor,
                  element.size <= Int(Int32.max) / count else { return nil }
            return CompositeBuilder.array(of: element, count: count)
        case .record(let record): return record.descriptor
        case .enumeration: return CTypes.scalar(.int)
        }
    }

    /// As a function's parameter or result: arrays are pointers.
    var parameterDescriptor: CTypeRef? {
        if case .array(let element, _) = self { return CTypes.scalar(element.pointerKind) }
        if case .function = self { return CTypes.scalar(.callback) }
        return descriptor
    }

    /// What a pointer to this type is to alien: `char *` a string, a
    /// function pointer a callback, the rest plain pointers.
    var pointerKind: AlienType {
        switch self {
        case .plainChar: return .string
        case .function: return .callback
        default: return .pointer
        }
    }

    static var plainCharType: AlienType {
        #if arch(arm64) && !os(Darwin)
        return .char   // plain char is unsigned on arm64 Linux
        #else
        return .byte
        #endif
    }

    var isVoid: Bool { if case .void = self { return true } else { return false } }
    var isEnumeration: Bool { if case .enumeration = self { return true } else { return false } }
    var isPlainChar: Bool { if case .plainChar = self { return true } else { return false } }
}

/// A struct or union tag: incomplete until its body is seen.
final class CRecord {
    let isUnion: Bool
    var descriptor: CTypeRef?

    init(isUnion: Bool, descriptor: CTypeRef? = nil) {
        self.isUnion = isUnion
        self.descriptor = descriptor
    }
}

final class CFunctionType {
    let result: CDeclType
    let parameters: [CDeclType]
    let isVariadic: Bool

    init(result: CDeclType, parameters: [CDeclType], isVariadic: Bool) {
        self.result = result
        self.parameters = parameters
        self.isVariadic = isVariadic
    }

    /// The signature alien gives a function of this type; nil when a part
    /// cannot cross (a `long double`, an incomplete struct by value).
    func signature() -> SignatureText.Parsed? {
        let result: CTypeRef
        if self.result.isVoid { result = CTypes.scalar(.void) } else {
            guard let type = self.result.parameterDescriptor, type.isScalar || type.isAggregate,
                  type.isAggregate || type.scalar != .void else { return nil }
            if case .opaque = self.result { return nil }
            result = type
        }
        var arguments: [CTypeRef] = []
        for parameter in parameters {
            if case .opaque = parameter { return nil }
            guard let type = parameter.parameterDescriptor, type.isScalar || type.isAggregate else { return nil }
            arguments.append(type)
        }
        guard arguments.count <= Int(ALIEN_MAXARGS) else { return nil }
        return SignatureText.Parsed(returnType: result, abi: alien_ffi_default_abi(), arguments: arguments,
                                    isVariadic: isVariadic)
    }
}
