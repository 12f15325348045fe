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
}
