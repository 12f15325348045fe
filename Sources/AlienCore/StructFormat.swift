/// The format language of Roberto Ierusalimschy's struct library (SPEC
/// section 10): a reader that turns a format string into items, keeping
/// endianness and maximum alignment as it goes.
struct StructFormat {
    enum Kind: Equatable {
        case integer(signed: Bool)
        case float, double
        /// `c[n]`: n bytes; `c0` takes its length from the previous value.
        case chars
        /// `s`: a zero-terminated string.
        case string
        /// `p`: a pointer.
        case pointer
        /// `x`: one byte of padding.
        case padding
    }

    struct Item {
        var kind: Kind
        /// Bytes in the data (0 for `s` and `c0`, whose length comes from the values).
        var size: Int
        var bigEndian: Bool
        /// Alignment padding before the item when it starts at `position`.
        var maxAlignment: Int

        func padding(at position: Int) -> Int {
            guard size > 0, kind != .chars, kind != .padding else { return 0 }
            let align = min(size, maxAlignment)
            return (align - (position & (align - 1))) & (align - 1)
        }

        /// Whether the item stands for a value (padding does not).
        var hasValue: Bool { kind != .padding }
    }

    static let nativeBigEndian = 1.bigEndian == 1
    /// The largest alignment C uses here (that of double and long long).
    static let nativeAlignment = MemoryLayout<Double>.alignment
    /// The largest size `c[n]` and `!n` accept.
    static let sizeLimit = Int(Int32.max)

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var bigEndian = nativeBigEndian
    private var maxAlignment = 1
    let function: StaticString

    init(_ bytes: UnsafeRawBufferPointer, function: StaticString) {
        self.bytes = bytes
        self.function = function
    }

    /// The next item, or nil at the end of the format.
    mutating func next() throws(AlienError) -> Item? {
        while index < bytes.count {
            let option = bytes[index]
            index += 1
            func item(_ kind: Kind, _ size: Int) -> Item {
                Item(kind: kind, size: size, bigEndian: bigEndian, maxAlignment: maxAlignment)
            }
            switch option {
            case UInt8(ascii: " "): continue
            case UInt8(ascii: "<"): bigEndian = false
            case UInt8(ascii: ">"): bigEndian = true
            case UInt8(ascii: "="): bigEndian = StructFormat.nativeBigEndian
            case UInt8(ascii: "!"):
                let alignment = try number(default: StructFormat.nativeAlignment)
                guard alignment > 0, alignment & (alignment - 1) == 0 else {
                    throw .badFormat(function, .alignment(alignment))
                }
                maxAlignment = alignment
            case UInt8(ascii: "b"): return item(.integer(signed: true), 1)
            case UInt8(ascii: "B"): return item(.integer(signed: false), 1)
            case UInt8(ascii: "h"): return item(.integer(signed: true), MemoryLayout<CShort>.size)
            case UInt8(ascii: "H"): return item(.integer(signed: false), MemoryLayout<CShort>.size)
            case UInt8(ascii: "l"): return item(.integer(signed: true), MemoryLayout<CLong>.size)
            case UInt8(ascii: "L"): return item(.integer(signed: false), MemoryLayout<CLong>.size)
            case UInt8(ascii: "j"): return item(.integer(signed: true), 8)
            case UInt8(ascii: "J"): return item(.integer(signed: false), 8)
            case UInt8(ascii: "T"): return item(.integer(signed: false), MemoryLayout<Int>.size)
            case UInt8(ascii: "i"), UInt8(ascii: "I"):
                let size = try number(default: MemoryLayout<CInt>.size)
                guard size >= 1, size <= 8 else {
                    throw .badFormat(function, .integralSize(size))
                }
                return item(.integer(signed: option == UInt8(ascii: "i")), size)
            case UInt8(ascii: "f"): return item(.float, 4)
            case UInt8(ascii: "d"): return item(.double, 8)
            case UInt8(ascii: "p"): return item(.pointer, MemoryLayout<UnsafeRawPointer>.size)
            case UInt8(ascii: "x"): return item(.padding, 1)
            case UInt8(ascii: "s"): return item(.string, 0)
            case UInt8(ascii: "c"): return item(.chars, try number(default: 1))
            default:
                throw .badFormat(function, .option(option))
            }
        }
        return nil
    }

    /// The digits after an option, or `default` when there are none.
    private mutating func number(default value: Int) throws(AlienError) -> Int {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
            return value
        }
        var result = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            result = result * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
            guard result <= StructFormat.sizeLimit else {
                throw .badFormat(function, .sizeLimit)
            }
        }
        return result
    }
}

/// Integers as bytes of a given width and byte order.
enum StructIntegers {
    static func store(_ value: Int64, size: Int, bigEndian: Bool, to memory: UnsafeMutableRawPointer) {
        let bits = UInt64(bitPattern: value)
        for byte in 0..<size {
            let target = bigEndian ? size - 1 - byte : byte
            memory.storeBytes(of: UInt8(truncatingIfNeeded: bits >> (8 * UInt64(byte))), toByteOffset: target, as: UInt8.self)
        }
    }

    static func load(size: Int, bigEndian: Bool, signed: Bool, from memory: UnsafeRawPointer) -> Int64 {
        var bits: UInt64 = 0
        for byte in 0..<size {
            let source = bigEndian ? size - 1 - byte : byte
            bits |= UInt64(memory.load(fromByteOffset: source, as: UInt8.self)) << (8 * UInt64(byte))
        }
        if signed && size < 8 {
            let shift = UInt64(64 - 8 * size)
            return Int64(bitPattern: bits << shift) >> Int64(shift)
        }
        return Int64(bitPattern: bits)
    }
}
