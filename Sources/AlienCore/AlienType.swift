import AlienBridge
import CFFI
import CLibc

/// The C types a Lua program can name (SPEC section 3).
/// Names are resolved to this once, when a signature is set; calls only switch on it.
public enum AlienType: UInt8, CaseIterable, Sendable {
    case void, byte, char, short, ushort, int, uint, long, ulong
    case longlong, ulonglong, ptrdiff_t, size_t, float, double
    case string, pointer, callback
    /// `ref T`: C gets the address of a temporary T (SPEC sections 3 and 13).
    case refChar, refInt, refUInt, refDouble
    case refByte, refShort, refUShort, refLong, refULong, refLongLong, refULongLong
    case refPtrdiff, refSize, refFloat, refPointer

    public var name: Swift.String { staticName.description }

    /// The name as Lua programs write it; static, so comparing needs no allocation.
    var staticName: StaticString {
        switch self {
        case .void: return "void"
        case .byte: return "byte"
        case .char: return "char"
        case .short: return "short"
        case .ushort: return "ushort"
        case .int: return "int"
        case .uint: return "uint"
        case .long: return "long"
        case .ulong: return "ulong"
        case .longlong: return "longlong"
        case .ulonglong: return "ulonglong"
        case .ptrdiff_t: return "ptrdiff_t"
        case .size_t: return "size_t"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .pointer: return "pointer"
        case .callback: return "callback"
        case .refChar: return "ref char"
        case .refInt: return "ref int"
        case .refUInt: return "ref uint"
        case .refDouble: return "ref double"
        case .refByte: return "ref byte"
        case .refShort: return "ref short"
        case .refUShort: return "ref ushort"
        case .refLong: return "ref long"
        case .refULong: return "ref ulong"
        case .refLongLong: return "ref longlong"
        case .refULongLong: return "ref ulonglong"
        case .refPtrdiff: return "ref ptrdiff_t"
        case .refSize: return "ref size_t"
        case .refFloat: return "ref float"
        case .refPointer: return "ref pointer"
        }
    }

    /// The type a name stands for, or nil for an unknown name. Constant
    /// time: a switch on length and first byte picks the one candidate, then
    /// its bytes are compared (DESIGN.md: no type-name search on the hot
    /// path). `ref T` is the ref type of the scalar named by T.
    public init?(name: UnsafeRawBufferPointer) {
        if name.count > 4, name[0] == UInt8(ascii: "r"), name[1] == UInt8(ascii: "e"), name[2] == UInt8(ascii: "f"),
           name[3] == UInt8(ascii: " ") {
            guard let referent = AlienType(scalarName: UnsafeRawBufferPointer(rebasing: name[4...])),
                  let ref = referent.refType else { return nil }
            self = ref
            return
        }
        guard let scalar = AlienType(scalarName: name) else { return nil }
        self = scalar
    }

    private init?(scalarName name: UnsafeRawBufferPointer) {
        guard name.count >= 3, name.count <= 9 else { return nil }
        let candidate: AlienType
        switch (name.count, name[0]) {
        case (3, UInt8(ascii: "i")): candidate = .int
        case (4, UInt8(ascii: "v")): candidate = .void
        case (4, UInt8(ascii: "b")): candidate = .byte
        case (4, UInt8(ascii: "c")): candidate = .char
        case (4, UInt8(ascii: "u")): candidate = .uint
        case (4, UInt8(ascii: "l")): candidate = .long
        case (5, UInt8(ascii: "s")): candidate = .short
        case (5, UInt8(ascii: "u")): candidate = .ulong
        case (5, UInt8(ascii: "f")): candidate = .float
        case (6, UInt8(ascii: "u")): candidate = .ushort
        case (6, UInt8(ascii: "d")): candidate = .double
        case (6, UInt8(ascii: "s")): candidate = name[1] == UInt8(ascii: "t") ? .string : .size_t
        case (7, UInt8(ascii: "p")): candidate = .pointer
        case (8, UInt8(ascii: "l")): candidate = .longlong
        case (8, UInt8(ascii: "c")): candidate = .callback
        case (9, UInt8(ascii: "u")): candidate = .ulonglong
        case (9, UInt8(ascii: "p")): candidate = .ptrdiff_t
        default: return nil
        }
        guard memcmp(candidate.staticName.utf8Start, name.baseAddress!, name.count) == 0 else { return nil }
        self = candidate
    }

    public init?(name: Swift.String) {
        var name = name
        guard let type = name.withUTF8({ AlienType(name: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = type
    }

    /// The type named by a C string of known length (a Lua string's bytes).
    @inline(__always)
    init?(bytes: UnsafePointer<CChar>, count: Int) {
        self.init(name: UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// "void, byte, char, ..." for error messages.
    public static var validNames: Swift.String {
        allCases.filter { !$0.isRef }.map { $0.name }.joined(separator: ", ")
            + ", ref T (T any of these but void, string and callback), a struct or union type"
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
        case .refByte: return .byte
        case .refShort: return .short
        case .refUShort: return .ushort
        case .refLong: return .long
        case .refULong: return .ulong
        case .refLongLong: return .longlong
        case .refULongLong: return .ulonglong
        case .refPtrdiff: return .ptrdiff_t
        case .refSize: return .size_t
        case .refFloat: return .float
        case .refPointer: return .pointer
        default: return nil
        }
    }

    /// `ref T` for this T (nil for void, string, callback and refs).
    var refType: AlienType? {
        switch self {
        case .char: return .refChar
        case .int: return .refInt
        case .uint: return .refUInt
        case .double: return .refDouble
        case .byte: return .refByte
        case .short: return .refShort
        case .ushort: return .refUShort
        case .long: return .refLong
        case .ulong: return .refULong
        case .longlong: return .refLongLong
        case .ulonglong: return .refULongLong
        case .ptrdiff_t: return .refPtrdiff
        case .size_t: return .refSize
        case .float: return .refFloat
        case .pointer: return .refPointer
        default: return nil
        }
    }

    /// The value kind (alien_bridge.h) the type moves as: the one place a
    /// type is tied to its C width and sign. Loads, stores, narrowing and
    /// libffi types all follow from it, in Swift and in the adapter alike.
    public var kind: Int32 {
        let kind: Int
        switch self {
        case .void: kind = ALIEN_KIND_VOID
        case .byte: kind = ALIEN_KIND_I8
        case .char: kind = ALIEN_KIND_U8
        case .short: kind = ALIEN_KIND_I16
        case .ushort: kind = ALIEN_KIND_U16
        case .int: kind = ALIEN_KIND_I32
        case .uint: kind = ALIEN_KIND_U32
        case .long, .ptrdiff_t: kind = MemoryLayout<Int>.size == 8 ? ALIEN_KIND_I64 : ALIEN_KIND_I32
        case .ulong, .size_t: kind = MemoryLayout<Int>.size == 8 ? ALIEN_KIND_U64 : ALIEN_KIND_U32
        case .longlong: kind = ALIEN_KIND_I64
        case .ulonglong: kind = ALIEN_KIND_U64
        case .float: kind = ALIEN_KIND_FLOAT
        case .double: kind = ALIEN_KIND_DOUBLE
        case .string: kind = ALIEN_KIND_STRING
        case .callback: kind = ALIEN_KIND_CALLBACK
        default: kind = ALIEN_KIND_POINTER   // pointer and every ref
        }
        return Int32(kind)
    }

    public var isInteger: Bool { kind != ALIEN_KIND_VOID && kind <= ALIEN_KIND_U64 }

    public var isFloatingPoint: Bool { self == .float || self == .double }

    /// Stores the low bytes of `value` as an integer of this type's width.
    @inline(__always)
    func storeInteger(_ value: Int64, to memory: UnsafeMutableRawPointer) {
        alien_kind_store(kind, memory, value)
    }

    /// Reads an integer of this type from memory, sign- or zero-extended.
    @inline(__always)
    func loadInteger(from memory: UnsafeRawPointer) -> Int64 {
        alien_kind_load(kind, memory)
    }

    /// Narrows a widened integer (libffi returns small integers as a full ffi_arg) to this type.
    @inline(__always)
    func narrow(_ value: UInt64) -> Int64 {
        alien_kind_widen(kind, Int64(bitPattern: value))
    }

    /// sizeof in C (`void` is 0; pointers and refs are pointer-sized).
    public var size: Int { alien_kind_size(kind) }

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
        switch Int(kind) {
        case ALIEN_KIND_I8, ALIEN_KIND_I16, ALIEN_KIND_I32, ALIEN_KIND_I64: return true
        default: return false
        }
    }

    /// libffi's description of the type as it is passed.
    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch Int(kind) {
        case ALIEN_KIND_VOID: return alien_ffi_void()
        case ALIEN_KIND_I8: return alien_ffi_sint8()
        case ALIEN_KIND_U8: return alien_ffi_uint8()
        case ALIEN_KIND_I16: return alien_ffi_sint16()
        case ALIEN_KIND_U16: return alien_ffi_uint16()
        case ALIEN_KIND_I32: return alien_ffi_sint32()
        case ALIEN_KIND_U32: return alien_ffi_uint32()
        case ALIEN_KIND_I64: return alien_ffi_sint64()
        case ALIEN_KIND_U64: return alien_ffi_uint64()
        case ALIEN_KIND_FLOAT: return alien_ffi_float()
        case ALIEN_KIND_DOUBLE: return alien_ffi_double()
        default: return alien_ffi_pointer()
        }
    }
}
