import CFFI

/// The C types a Lua program can name (SPEC section 3).
/// Names are resolved to this once, when a signature is set; calls only switch on it.
public enum AlienType: UInt8, CaseIterable, Sendable {
    case void, byte, char, short, ushort, int, uint, long, ulong
    case longlong, ulonglong, ptrdiff_t, size_t, float, double
    case string, pointer, callback
    case refChar, refInt, refUInt, refDouble

    public var name: Swift.String {
        switch self {
        case .refChar: return "ref char"
        case .refInt: return "ref int"
        case .refUInt: return "ref uint"
        case .refDouble: return "ref double"
        default: return "\(self)"
        }
    }

    /// The type a name stands for, or nil for an unknown name.
    public init?(name: UnsafeBufferPointer<UInt8>) {
        guard let found = AlienType.allCases.first(where: { $0.name.utf8.elementsEqual(name) }) else {
            return nil
        }
        self = found
    }

    public init?(name: Swift.String) {
        guard let found = AlienType.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// "void, byte, char, ..." for error messages.
    public static var validNames: Swift.String {
        allCases.map(\.name).joined(separator: ", ")
    }

    /// A `ref T` argument: C receives a pointer to a temporary holding T.
    public var isRef: Bool { referent != nil }

    /// The type a `ref` type points at.
    public var referent: AlienType? {
        switch self {
        case .refChar: return .char
        case .refInt: return .int
        case .refUInt: return .uint
        case .refDouble: return .double
        default: return nil
        }
    }

    public var isInteger: Bool {
        switch self {
        case .byte, .char, .short, .ushort, .int, .uint, .long, .ulong,
             .longlong, .ulonglong, .ptrdiff_t, .size_t:
            return true
        default:
            return false
        }
    }

    public var isFloatingPoint: Bool { self == .float || self == .double }

    /// sizeof in C (`void` is 0; pointers and refs are pointer-sized).
    public var size: Int {
        switch self {
        case .void: return 0
        case .byte, .char: return 1
        case .short, .ushort: return 2
        case .int, .uint: return 4
        case .long, .ulong: return MemoryLayout<CLong>.size
        case .longlong, .ulonglong: return 8
        case .ptrdiff_t, .size_t: return MemoryLayout<Int>.size
        case .float: return 4
        case .double: return 8
        case .string, .pointer, .callback, .refChar, .refInt, .refUInt, .refDouble:
            return MemoryLayout<UnsafeRawPointer>.size
        }
    }

    /// alignof in C.
    public var alignment: Int {
        switch self {
        case .void: return 1
        case .long, .ulong: return MemoryLayout<CLong>.alignment
        case .longlong, .ulonglong: return MemoryLayout<CLongLong>.alignment
        case .double: return MemoryLayout<CDouble>.alignment
        default: return size
        }
    }

    /// Signed integer types sign-extend; unsigned ones zero-extend.
    public var isSigned: Bool {
        switch self {
        case .byte, .short, .int, .long, .longlong, .ptrdiff_t: return true
        default: return false
        }
    }

    /// libffi's description of the type as it is passed.
    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch self {
        case .void: return alien_ffi_void()
        case .float: return alien_ffi_float()
        case .double: return alien_ffi_double()
        case .string, .pointer, .callback, .refChar, .refInt, .refUInt, .refDouble:
            return alien_ffi_pointer()
        default:
            switch (size, isSigned) {
            case (1, true): return alien_ffi_sint8()
            case (1, false): return alien_ffi_uint8()
            case (2, true): return alien_ffi_sint16()
            case (2, false): return alien_ffi_uint16()
            case (4, true): return alien_ffi_sint32()
            case (4, false): return alien_ffi_uint32()
            case (_, true): return alien_ffi_sint64()
            default: return alien_ffi_uint64()
            }
        }
    }
}
