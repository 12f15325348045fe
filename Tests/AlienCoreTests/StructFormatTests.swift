import Testing
@testable import AlienCore

@Suite("Struct format engine")
struct StructFormatTests {
    func items(_ format: String) throws -> [StructFormat.Item] {
        var format = format
        return try format.withUTF8 { bytes in
            var reader = StructFormat(UnsafeRawBufferPointer(bytes), function: "test")
            var result: [StructFormat.Item] = []
            while let item = try reader.next() { result.append(item) }
            return result
        }
    }

    @Test("letters give their kinds and sizes; controls give none")
    func letters() throws {
        let parsed = try items("< b H i3 I j d f s c5 x p")
        #expect(parsed.map(\.size) == [1, 2, 3, 4, 8, 8, 4, 0, 5, 1, MemoryLayout<UnsafeRawPointer>.size])
        #expect(parsed[0].kind == .integer(signed: true))
        #expect(parsed[1].kind == .integer(signed: false))
        #expect(parsed[7].kind == .string)
        #expect(parsed.allSatisfy { !$0.bigEndian })
        #expect(try items(">h")[0].bigEndian)
    }

    @Test("alignment pads to the smaller of size and !n")
    func alignment() throws {
        let double = try items("!d")[0]
        #expect(double.padding(at: 1) == 7)
        #expect(try items("!4 d")[0].padding(at: 1) == 3)
        #expect(try items("d")[0].padding(at: 1) == 0)
        #expect(try items("!c9")[0].padding(at: 1) == 0)
    }

    @Test("bad formats are errors")
    func errors() {
        #expect(throws: AlienError.self) { try items("z") }
        #expect(throws: AlienError.self) { try items("i9") }
        #expect(throws: AlienError.self) { try items("!6") }
        #expect(throws: AlienError.self) { try items("c99999999999") }
    }

    @Test("integers round-trip at every width and order")
    func integers() {
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeMutableBytes { memory in
            for size in 1...8 {
                for bigEndian in [false, true] {
                    StructIntegers.store(-2, size: size, bigEndian: bigEndian, to: memory.baseAddress!)
                    #expect(StructIntegers.load(size: size, bigEndian: bigEndian, signed: true, from: memory.baseAddress!) == -2)
                }
            }
            StructIntegers.store(0x0102, size: 2, bigEndian: true, to: memory.baseAddress!)
            #expect(memory[0] == 1 && memory[1] == 2)
        }
    }

    /// The bytes of the low `size` bytes of `value`, one at a time: what the
    /// whole-word stores and loads must agree with.
    func referenceBytes(_ value: Int64, size: Int, bigEndian: Bool) -> [UInt8] {
        let bits = UInt64(bitPattern: value)
        let little = (0..<size).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
        return bigEndian ? little.reversed() : little
    }

    @Test("whole-word stores and loads agree with byte-by-byte ones at every width, order and offset")
    func integerWords() {
        let values: [Int64] = [0, 1, -1, 2, -2, 0x7f, 0x80, -0x80, 0xff, 0x1234, -0x8000, 0x7fff_ffff,
                               -0x8000_0000, 0xffff_ffff, 0x0102_0304_0506_0708, -0x0102_0304_0506_0708,
                               0x00ff_00ff_00ff_00ff, Int64.min, Int64.max, 0x1f2e_3d4c_5b6a_7988]
        var bytes = [UInt8](repeating: 0xaa, count: 24)
        bytes.withUnsafeMutableBytes { memory in
            for size in 1...8 {
                for bigEndian in [false, true] {
                    for offset in 0..<8 {
                        for value in values {
                            memory.copyBytes(from: [UInt8](repeating: 0xaa, count: 24))
                            let at = memory.baseAddress! + offset
                            StructIntegers.store(value, size: size, bigEndian: bigEndian, to: at)
                            let expected = referenceBytes(value, size: size, bigEndian: bigEndian)
                            #expect(Array(memory[offset..<offset + size]) == expected,
                                    "store \(value) size \(size) big \(bigEndian) at \(offset)")
                            #expect(memory[0..<offset].allSatisfy { $0 == 0xaa }, "nothing written before")
                            #expect(memory[(offset + size)...].allSatisfy { $0 == 0xaa }, "nothing written after")
                            // the loads: the low bytes, sign-extended when signed
                            let shift = UInt64(64 - 8 * size)
                            let unsigned = Int64(bitPattern: (UInt64(bitPattern: value) << shift) >> shift)
                            let signed = (value << Int64(shift)) >> Int64(shift)
                            #expect(StructIntegers.load(size: size, bigEndian: bigEndian, signed: false, from: at) == unsigned)
                            #expect(StructIntegers.load(size: size, bigEndian: bigEndian, signed: true, from: at) == signed)
                            #expect(StructIntegers.loadBits(size: size, bigEndian: bigEndian, from: at)
                                    == UInt64(bitPattern: unsigned))
                        }
                    }
                }
            }
        }
    }
}
