import Testing
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
        #expect(CValue.narrow(0xFF, to: .byte) == -1)
        #expect(CValue.narrow(0xFF, to: .char) == 255)
        #expect(CValue.narrow(0xFFFF_FFFF, to: .int) == -1)
        #expect(CValue.narrow(0xFFFF_FFFF, to: .uint) == 4_294_967_295)
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
            CValue.storeInteger(-1, as: .short, to: bytes.baseAddress!)
            #expect(CValue.loadInteger(.short, from: bytes.baseAddress!) == -1)
            #expect(CValue.loadInteger(.ushort, from: bytes.baseAddress!) == 65535)
        }
        #expect(word == 0xFFFF)
    }
}
