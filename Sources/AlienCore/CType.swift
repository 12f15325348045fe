import CLibc
import AlienBridge
import CFFI

/// A C type (alien_bridge.h): a scalar of the type table, a fixed array, a
/// struct or a union. Interned and immutable: two equal definitions are one
/// descriptor, compared by address, and nothing is ever freed, so signatures,
/// arrays and other types point at descriptors without owning them.
typealias CTypeRef = UnsafePointer<alien_ctype>

extension UnsafePointer where Pointee == alien_ctype {
    @inline(__always) var form: Int { Int(pointee.form) }
    @inline(__always) var size: Int { pointee.size }
    @inline(__always) var alignment: Int { pointee.align }
    @inline(__always) var isScalar: Bool { form == ALIEN_CTYPE_SCALAR }
    /// A struct or union: passed by value as a whole, read as an instance.
    @inline(__always) var isAggregate: Bool { form == ALIEN_CTYPE_STRUCT || form == ALIEN_CTYPE_UNION }

    /// The scalar type (for scalars; `.void` otherwise).
    @inline(__always) var scalar: AlienType { isScalar ? AlienType(rawValue: pointee.scalar)! : .void }

    /// libffi's type for passing it by value; nil when it cannot be passed so.
    var ffiType: UnsafeMutablePointer<ffi_type>? {
        isScalar ? scalar.ffiType : pointee.ffi?.assumingMemoryBound(to: ffi_type.self)
    }

    var fields: UnsafeBufferPointer<alien_cfield> {
        isAggregate ? UnsafeBufferPointer(start: pointee.fields, count: pointee.count) : UnsafeBufferPointer(start: nil, count: 0)
    }

    /// The field of this name, by its bytes.
    func field(named name: UnsafeRawBufferPointer) -> (number: Int, field: alien_cfield)? {
        for (number, field) in fields.enumerated()
        where field.length == name.count && (name.count == 0 || memcmp(field.name, name.baseAddress!, name.count) == 0) {
            return (number, field)
        }
        return nil
    }

    /// "struct" or "union" (for messages).
    var formName: StaticString { form == ALIEN_CTYPE_UNION ? "union" : form == ALIEN_CTYPE_ARRAY ? "array" : "struct" }
}

enum CTypes {
    /// One descriptor for each scalar type, made once for the process.
    /// Immutable once made (a lazily initialised global is made once, thread-safely).
    nonisolated(unsafe) private static let scalars: UnsafeMutablePointer<alien_ctype> = {
        let all = AlienType.allCases
        let table = UnsafeMutablePointer<alien_ctype>.allocate(capacity: all.count)
        for type in all {
            var descriptor = alien_ctype()
            descriptor.form = UInt8(ALIEN_CTYPE_SCALAR)
            descriptor.scalar = type.rawValue
            descriptor.kind = UInt8(type.kind)
            descriptor.size = type.size
            descriptor.align = type.alignment
            (table + Int(type.rawValue)).initialize(to: descriptor)
        }
        return table
    }()

    @inline(__always)
    static func scalar(_ type: AlienType) -> CTypeRef { UnsafePointer(scalars + Int(type.rawValue)) }

    /// The scalar type of a descriptor that is one of ours, by address (nil for composites).
    static func isScalarDescriptor(_ type: CTypeRef) -> Bool {
        let base = UnsafePointer(scalars)
        return type >= base && type < base + AlienType.allCases.count
    }
}

/// A field as `alien.defstruct` and `alien.defunion` are given it.
struct FieldSpec {
    var name: UnsafeRawBufferPointer
    var type: CTypeRef
    /// Elements of a fixed array field `type name[count]`; nil for a single value.
    var count: Int?
    /// A bit-field's width (`int flags : 3`; cdef only); its type is an integer scalar.
    var bits: Int? = nil
    /// An unnamed bit-field (padding, or `: 0` to start a new unit): no field is made.
    var unnamed = false
    /// An anonymous struct or union member (cdef only): its fields become the outer's.
    var anonymous = false
    /// `__attribute__((aligned(n)))` on the member (cdef only): at least this alignment.
    var alignment: Int? = nil

    init(name: UnsafeRawBufferPointer, type: CTypeRef, count: Int?, bits: Int? = nil, unnamed: Bool = false,
         anonymous: Bool = false) {
        self.name = name
        self.type = type
        self.count = count
        self.bits = bits
        self.unnamed = unnamed
        self.anonymous = anonymous
    }
}

/// Lays out structs and unions as the C compiler of the build platform does
/// (x86-64 and arm64 System V / AAPCS: each field at the next multiple of its
/// alignment, capped by `#pragma pack(n)`; the size rounded up to the largest
/// alignment), builds the libffi type that passes them by value, and interns
/// the result.
enum CompositeBuilder {
    static func make(union: Bool, fields specs: [FieldSpec], pack: Int, minimumAlignment: Int = 1) -> CTypeRef {
        var bitOffset = 0, size = 0, alignment = max(minimumAlignment, 1), misaligned = false, irregular = false
        var fields: [alien_cfield] = []
        func addField(_ name: UnsafeRawBufferPointer, _ type: CTypeRef, offset: Int, bitOffset: Int = 0, bitWidth: Int = 0) {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: name.count + 1)
            if name.count > 0 { UnsafeMutableRawPointer(copy).copyMemory(from: name.baseAddress!, byteCount: name.count) }
            copy[name.count] = 0
            fields.append(alien_cfield(name: copy, length: name.count, type: type, offset: offset,
                                       bit_offset: UInt16(bitOffset), bit_width: UInt16(bitWidth)))
        }
        for spec in specs {
            let type = spec.count.map { array(of: spec.type, count: $0) } ?? spec.type
            let fieldAlignment = max(pack > 0 ? min(type.alignment, pack) : type.alignment, spec.alignment ?? 1)
            if let width = spec.bits {
                // GCC's bit-fields: packed into units of their type, never across one (unless packed).
                irregular = true
                let unitBits = type.alignment * 8
                var start = union ? 0 : bitOffset
                if width == 0 {
                    start = roundUp(start, to: unitBits)
                } else if pack == 0 && start / unitBits != (start + width - 1) / unitBits {
                    start = roundUp(start, to: unitBits)
                }
                if width > 0 && !spec.unnamed {
                    let unit = start / (type.size * 8) * type.size
                    addField(spec.name, type, offset: unit, bitOffset: start - unit * 8, bitWidth: width)
                    alignment = max(alignment, fieldAlignment)
                }
                bitOffset = start + width
                size = max(size, (bitOffset + 7) / 8)
                continue
            }
            let fieldOffset = union ? 0 : roundUp((bitOffset + 7) / 8, to: fieldAlignment)
            if fieldOffset % type.alignment != 0 || type.pointee.flags & ALIEN_CTYPE_MISALIGNED != 0 { misaligned = true }
            if spec.anonymous {
                irregular = true
                for inner in type.fields {
                    addField(UnsafeRawBufferPointer(start: inner.name, count: inner.length), inner.type,
                             offset: fieldOffset + inner.offset, bitOffset: Int(inner.bit_offset), bitWidth: Int(inner.bit_width))
                }
            } else {
                addField(spec.name, type, offset: fieldOffset)
            }
            bitOffset = (fieldOffset + type.size) * 8
            size = max(size, fieldOffset + type.size)
            alignment = max(alignment, fieldAlignment)
        }
        let list = UnsafeMutablePointer<alien_cfield>.allocate(capacity: max(fields.count, 1))
        list.initialize(from: fields, count: fields.count)
        var candidate = alien_ctype()
        candidate.form = UInt8(union ? ALIEN_CTYPE_UNION : ALIEN_CTYPE_STRUCT)
        candidate.pack = UInt8(pack)
        candidate.flags = misaligned ? ALIEN_CTYPE_MISALIGNED : 0
        candidate.size = roundUp(max(size, 1), to: alignment)
        candidate.align = alignment
        candidate.count = fields.count
        candidate.fields = UnsafePointer(list)
        candidate.hash = hash(of: candidate)
        return intern(candidate) { descriptor in
            if !misaligned {
                descriptor.pointee.ffi = UnsafeMutableRawPointer(FFIAggregate.make(descriptor, asPieces: irregular || minimumAlignment > 1))
            }
        }
    }

    /// A type alien lays out but never converts (`long double`, `__int128`):
    /// bytes with an alignment.
    static func opaque(size: Int, align: Int) -> CTypeRef {
        var candidate = alien_ctype()
        candidate.form = UInt8(ALIEN_CTYPE_ARRAY)
        candidate.size = size
        candidate.align = align
        candidate.element = CTypes.scalar(.char)
        candidate.count = size
        candidate.hash = hash(of: candidate) ^ UInt64(align)
        return intern(candidate) { _ in }
    }

    /// `count` elements of `element` (a field's type; C has no array values otherwise).
    static func array(of element: CTypeRef, count: Int) -> CTypeRef {
        var candidate = alien_ctype()
        candidate.form = UInt8(ALIEN_CTYPE_ARRAY)
        candidate.flags = element.pointee.flags
        candidate.size = element.size * count
        candidate.align = element.alignment
        candidate.element = element
        candidate.count = count
        candidate.hash = hash(of: candidate)
        return intern(candidate) { _ in }
    }

    /// The interned descriptor equal to `candidate`; a new one is completed
    /// by `finish` (its libffi type) before anyone else can see it... which
    /// is why it is finished first and interned after.
    private static func intern(_ candidate: alien_ctype, finish: (UnsafeMutablePointer<alien_ctype>) -> Void) -> CTypeRef {
        let descriptor = UnsafeMutablePointer<alien_ctype>.allocate(capacity: 1)
        descriptor.initialize(to: candidate)
        finish(descriptor)
        guard let existing = alien_ctype_intern(descriptor) else { return UnsafePointer(descriptor) }
        release(descriptor)
        return existing
    }

    private static func release(_ descriptor: UnsafeMutablePointer<alien_ctype>) {
        if let fields = descriptor.pointee.fields {
            for index in 0..<descriptor.pointee.count { UnsafeMutablePointer(mutating: fields[index].name)?.deallocate() }
            UnsafeMutablePointer(mutating: fields).deallocate()
        }
        if let ffi = descriptor.pointee.ffi { FFIAggregate.release(ffi.assumingMemoryBound(to: ffi_type.self)) }
        descriptor.deallocate()
    }

    /// FNV-1a over what makes two descriptors the same type.
    private static func hash(of type: alien_ctype) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) { hash = (hash ^ value) &* 0x0000_0100_0000_01B3 }
        mix(UInt64(type.form)); mix(UInt64(type.pack)); mix(UInt64(type.size)); mix(UInt64(type.count))
        mix(UInt64(UInt(bitPattern: type.element)))
        if let fields = type.fields {
            for index in 0..<type.count {
                let field = fields[index]
                for byte in UnsafeRawBufferPointer(start: field.name, count: field.length) { mix(UInt64(byte)) }
                mix(UInt64(UInt(bitPattern: field.type))); mix(UInt64(field.offset))
            }
        }
        return hash
    }

    @inline(__always)
    static func roundUp(_ value: Int, to alignment: Int) -> Int { (value + alignment - 1) / alignment * alignment }
}

/// The libffi type of a struct or union passed by value. A struct lists its
/// fields (an array field as its elements, one by one), which is how libffi
/// classifies them for registers. libffi has no unions: a union is described
/// as the pieces of its size, each eightbyte floating-point when every member
/// scalar overlapping it is, as the x86-64 ABI classifies unions.
enum FFIAggregate {
    /// Larger structs are not passed by value (their libffi type would list every byte).
    static let maxSize = 65536

    static func make(_ type: UnsafeMutablePointer<alien_ctype>, asPieces: Bool = false) -> UnsafeMutablePointer<ffi_type>? {
        let descriptor = CTypeRef(type)
        guard descriptor.size <= maxSize else { return nil }
        var elements: [UnsafeMutablePointer<ffi_type>] = []
        if descriptor.form == ALIEN_CTYPE_UNION || asPieces {
            elements = unionPieces(descriptor)
        } else {
            for field in descriptor.fields {
                guard appendElements(of: field.type, to: &elements) else { return nil }
            }
        }
        let list = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: elements.count + 1)
        for (index, element) in elements.enumerated() { list[index] = element }
        list[elements.count] = nil
        let ffi = UnsafeMutablePointer<ffi_type>.allocate(capacity: 1)
        ffi.initialize(to: ffi_type(size: 0, alignment: 0, type: UInt16(FFI_TYPE_STRUCT), elements: list))
        // libffi lays the elements out naturally; where that is not our layout
        // (a pack that shrank the alignment or the tail), it cannot pass it.
        guard ffi_get_struct_offsets(alien_ffi_default_abi(), ffi, nil) == FFI_OK,
              ffi.pointee.size == descriptor.size, Int(ffi.pointee.alignment) == descriptor.alignment else {
            release(ffi)
            return nil
        }
        return ffi
    }

    static func release(_ ffi: UnsafeMutablePointer<ffi_type>) {
        ffi.pointee.elements?.deallocate()
        ffi.deallocate()
    }

    private static func appendElements(of type: CTypeRef, to elements: inout [UnsafeMutablePointer<ffi_type>]) -> Bool {
        switch type.form {
        case ALIEN_CTYPE_ARRAY:
            guard type.alignment == type.pointee.element.alignment else { return false }   // opaque
            for _ in 0..<type.pointee.count {
                guard appendElements(of: type.pointee.element, to: &elements) else { return false }
            }
            return true
        default:
            guard let ffi = type.ffiType else { return false }
            elements.append(ffi)
            return true
        }
    }

    /// Calls `visit(offset, isFloatingPoint)` for every scalar inside `type` placed at `base`.
    static func leaves(of type: CTypeRef, at base: Int, _ visit: (Int, Int, Bool) -> Void) {
        switch type.form {
        case ALIEN_CTYPE_SCALAR:
            visit(base, type.size, type.scalar.isFloatingPoint)
        case ALIEN_CTYPE_ARRAY:
            for index in 0..<type.pointee.count { leaves(of: type.pointee.element, at: base + index * type.pointee.element.size, visit) }
        default:
            for field in type.fields { leaves(of: field.type, at: base + field.offset, visit) }
        }
    }

    private static func unionPieces(_ type: CTypeRef) -> [UnsafeMutablePointer<ffi_type>] {
        let size = type.size
        let width = min(8, type.alignment)
        var floating = [Bool](repeating: true, count: (size + 7) / 8)
        leaves(of: type, at: 0) { offset, length, isFloat in
            if !isFloat { for eightbyte in (offset / 8)...((offset + max(length, 1) - 1) / 8) where eightbyte < floating.count { floating[eightbyte] = false } }
        }
        var pieces: [UnsafeMutablePointer<ffi_type>] = []
        var offset = 0
        while offset < size {
            let isFloat = floating[offset / 8]
            switch width {
            case 8: pieces.append(isFloat ? alien_ffi_double() : alien_ffi_uint64())
            case 4: pieces.append(isFloat ? alien_ffi_float() : alien_ffi_uint32())
            case 2: pieces.append(alien_ffi_uint16())
            default: pieces.append(alien_ffi_uint8())
            }
            offset += width
        }
        return pieces
    }
}
