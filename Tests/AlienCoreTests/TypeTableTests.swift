import Testing
import AlienBridge
@testable import AlienCore

@Suite("Type table")
struct TypeTableTests {
    @Test("every type name resolves to itself")
    func namesRoundTrip() {
        for type in AlienType.allCases {
            #expect(AlienType(name: type.name) == type)
        }
        #expect(AlienType(name: "ref int") == .refInt)
        #expect(AlienType(name: "integer") == nil)
        #expect(AlienType(name: "") == nil)
    }

    @Test("sizes and alignments are C's on this platform")
    func sizes() {
        #expect(AlienType.byte.size == MemoryLayout<CSignedChar>.size)
        #expect(AlienType.short.size == MemoryLayout<CShort>.size)
        #expect(AlienType.int.size == MemoryLayout<CInt>.size)
        #expect(AlienType.long.size == MemoryLayout<CLong>.size)
        #expect(AlienType.longlong.size == MemoryLayout<CLongLong>.size)
        #expect(AlienType.size_t.size == MemoryLayout<Int>.size)
        #expect(AlienType.double.alignment == MemoryLayout<CDouble>.alignment)
        #expect(AlienType.pointer.size == MemoryLayout<UnsafeRawPointer>.size)
        #expect(AlienType.callback.size == AlienType.pointer.size)
        #expect(AlienType.refDouble.size == AlienType.pointer.size)
        #expect(AlienType.void.size == 0)
    }

    @Test("signedness drives widening")
    func signedness() {
        #expect(AlienType.byte.isSigned && !AlienType.char.isSigned)
        #expect(AlienType.byte.narrow(0xFF) == -1)
        #expect(AlienType.char.narrow(0xFF) == 255)
        #expect(AlienType.int.narrow(0xFFFF_FFFF) == -1)
        #expect(AlienType.uint.narrow(0xFFFF_FFFF) == 4_294_967_295)
    }

    @Test("each integer type's kind has its C type's width and sign (the kind table in alien_bridge.h)")
    func kinds() {
        let integers: [(AlienType, Int, Bool)] = [
            (.byte, MemoryLayout<CSignedChar>.size, true), (.char, MemoryLayout<CUnsignedChar>.size, false),
            (.short, MemoryLayout<CShort>.size, true), (.ushort, MemoryLayout<CUnsignedShort>.size, false),
            (.int, MemoryLayout<CInt>.size, true), (.uint, MemoryLayout<CUnsignedInt>.size, false),
            (.long, MemoryLayout<CLong>.size, true), (.ulong, MemoryLayout<CUnsignedLong>.size, false),
            (.longlong, MemoryLayout<CLongLong>.size, true), (.ulonglong, MemoryLayout<CUnsignedLongLong>.size, false),
            (.ptrdiff_t, MemoryLayout<Int>.size, true), (.size_t, MemoryLayout<UInt>.size, false),
        ]
        let wide: Int64 = 0x1234_5678_9ABC_DEF0 | Int64(bitPattern: 0x8000_0000_0000_0080)
        for (type, size, signed) in integers {
            #expect(type.isInteger)
            #expect(alien_kind_size(type.kind) == size, "\(type.name)")
            if size < 8 {   // the sign shows in how -1 comes back widened
                #expect((alien_kind_widen(type.kind, -1) < 0) == signed, "\(type.name)")
            } else {
                #expect((type.kind == ALIEN_KIND_I64) == signed, "\(type.name)")
            }
            #expect(type.isSigned == signed, "\(type.name)")
            var slot: UInt64 = 0
            alien_kind_store(type.kind, &slot, wide)
            #expect(alien_kind_load(type.kind, &slot) == alien_kind_widen(type.kind, wide), "\(type.name)")
            #expect(slot == (size == 8 ? UInt64(bitPattern: wide) : UInt64(bitPattern: wide) & ((1 << (8 * UInt64(size))) - 1)))
        }
        #expect(alien_kind_size(AlienType.float.kind) == MemoryLayout<CFloat>.size)
        #expect(alien_kind_size(AlienType.double.kind) == MemoryLayout<CDouble>.size)
        for type in [AlienType.string, .pointer, .callback, .refChar, .refInt, .refUInt, .refDouble] {
            #expect(alien_kind_size(type.kind) == MemoryLayout<UnsafeRawPointer>.size)
            #expect(!type.isInteger && !type.isFloatingPoint)
        }
        #expect(AlienType.void.kind == ALIEN_KIND_VOID)
        #expect(Set(AlienType.allCases.map(\.kind)).count == ALIEN_KIND_COUNT)  // every kind in the table is used
    }

    @Test("ref types point at their referent")
    func refs() {
        #expect(AlienType.refChar.referent == .char)
        #expect(AlienType.refUInt.referent == .uint)
        #expect(AlienType.int.referent == nil)
        #expect(AlienType.refDouble.isRef && !AlienType.double.isRef)
    }

    @Test("doubles convert to integers as a total C cast")
    func wrapping() {
        #expect(wrappingInteger(3.9) == 3)
        #expect(wrappingInteger(-3.9) == -3)
        #expect(wrappingInteger(18_446_744_073_709_551_615.0) == 0)  // rounds to 2^64, wraps
        #expect(wrappingInteger(9_223_372_036_854_775_808.0) == Int64.min)
        #expect(wrappingInteger(.nan) == 0)
        #expect(wrappingInteger(.infinity) == 0)
        #expect(wrappingInteger(-18_446_744_073_709_555_712.0) == -4096)  // -(2^64 + 4096) wraps
    }

    @Test("integers are stored at their width")
    func storing() {
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { bytes in
            AlienType.short.storeInteger(-1, to: bytes.baseAddress!)
            #expect(AlienType.short.loadInteger(from: bytes.baseAddress!) == -1)
            #expect(AlienType.ushort.loadInteger(from: bytes.baseAddress!) == 65535)
        }
        #expect(word == 0xFFFF)
    }
}

@Suite("Direct-call plans")
struct DirectCallTests {
    func plan(_ result: AlienType, _ arguments: [AlienType]) -> DirectCall.Plan? {
        arguments.withUnsafeBufferPointer { DirectCall.plan(returnType: result, arguments: $0) }
    }

    @Test("the adapter finds the function head at the start of the block")
    func headFirst() {
        #expect(MemoryLayout<FunctionObject>.offset(of: \.head) == 0)
        #expect(MemoryLayout<BufferObject>.offset(of: \.head) == 0)
        #expect(MemoryLayout<FunctionObject>.offset(of: \.cif) == FunctionObject.cifOffset)
    }

    @Test("simple integer and double signatures are planned")
    func simple() {
        #expect(plan(.int, [.int])?.direct == UInt8(ALIEN_DIRECT_INTEGERS))
        #expect(plan(.void, [])?.direct == UInt8(ALIEN_DIRECT_INTEGERS))
        #expect(plan(.double, [.double, .double])?.direct == UInt8(ALIEN_DIRECT_DOUBLES))
        #expect(plan(.double, [.long])?.result == UInt8(ALIEN_KIND_DOUBLE))
        #expect(plan(.string, [.pointer, .size_t])?.arguments == [UInt8(ALIEN_KIND_POINTER), UInt8(ALIEN_KIND_U64)])
        #expect(plan(.byte, [.short])?.arguments == [UInt8(ALIEN_KIND_I16)])
    }

    @Test("refs of integers and doubles are planned for calls, not for callbacks")
    func refs() {
        let refInt = plan(.int, [.pointer, .refInt])
        #expect(refInt?.direct == UInt8(ALIEN_DIRECT_REFS))
        #expect(refInt?.arguments == [UInt8(ALIEN_KIND_POINTER), UInt8(ALIEN_KIND_I32) | UInt8(ALIEN_DIRECT_REF)])
        #expect(plan(.void, [.refDouble])?.arguments == [UInt8(ALIEN_KIND_DOUBLE) | UInt8(ALIEN_DIRECT_REF)])
        #expect(plan(.int, [.refDouble, .double]) == nil)         // a ref travels as a pointer: mixed classes
        #expect(plan(.int, [.refFloat]) == nil)
        #expect([AlienType.refInt].withUnsafeBufferPointer {
            DirectCall.plan(returnType: .int, arguments: $0, forCallback: true) } == nil)
    }

    @Test("everything else goes through libffi")
    func others() {
        #expect(plan(.int, [.int, .double]) == nil)               // mixed classes
        #expect(plan(.int, [.float]) == nil)                      // floats
        #expect(plan(.float, [.int]) == nil)
        #expect(plan(.int, [.string])?.arguments == [UInt8(ALIEN_KIND_STRING)])  // strings as they are
        #expect(plan(.int, [.callback]) == nil)
        #expect(plan(.int, Array(repeating: .int, count: 7)) == nil)      // past the registers
        #expect(plan(.double, Array(repeating: .double, count: 9)) == nil)
        #expect([AlienType.string].withUnsafeBufferPointer {
            DirectCall.plan(returnType: .int, arguments: $0, forCallback: true) } == nil)
    }
}

@Suite("Composite type descriptors")
struct CompositeTypeTests {
    private func name(_ text: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }

    @Test("every ref T names its referent")
    func refs() {
        for type in AlienType.allCases where type.refType != nil {
            #expect(type.refType!.referent == type)
            #expect(AlienType(name: "ref " + type.name) == type.refType)
        }
        #expect(AlienType(name: "ref void") == nil)
        #expect(AlienType(name: "ref string") == nil)
        #expect(AlienType(name: "ref ") == nil)
    }

    struct Mixed { var c: CChar; var d: Double; var i: Int32 }

    @Test("a struct is laid out as C lays it out, and interned")
    func layout() {
        let fields = [FieldSpec(name: name("c"), type: CTypes.scalar(.byte), count: nil),
                      FieldSpec(name: name("d"), type: CTypes.scalar(.double), count: nil),
                      FieldSpec(name: name("i"), type: CTypes.scalar(.int), count: nil)]
        let type = CompositeBuilder.make(union: false, fields: fields, pack: 0)
        #expect(type.size == MemoryLayout<Mixed>.stride)
        #expect(type.alignment == MemoryLayout<Mixed>.alignment)
        #expect(type.fields.map(\.offset) == [MemoryLayout<Mixed>.offset(of: \.c)!, MemoryLayout<Mixed>.offset(of: \.d)!,
                                              MemoryLayout<Mixed>.offset(of: \.i)!])
        #expect(CompositeBuilder.make(union: false, fields: fields, pack: 0) == type)   // one type
        #expect(type.ffiType?.pointee.size == type.size)
        let packed = CompositeBuilder.make(union: false, fields: fields, pack: 1)
        #expect(packed != type && packed.size == 13 && packed.fields[1].offset == 1)
        #expect(packed.ffiType == nil)   // misaligned: never by value
        let union = CompositeBuilder.make(union: true, fields: fields, pack: 0)
        #expect(union.size == 8 && union.fields.allSatisfy { $0.offset == 0 })
        let array = CompositeBuilder.make(union: false, fields: [FieldSpec(name: name("name"), type: CTypes.scalar(.char), count: 65)], pack: 0)
        #expect(array.size == 65 && array.alignment == 1)
    }
}
