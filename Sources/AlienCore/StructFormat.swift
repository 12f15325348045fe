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

        @inline(__always)
        func padding(at position: Int) -> Int {
            // Without `!` nothing is aligned (the formula below gives 0 then too).
            guard maxAlignment > 1, size > 0 else { return 0 }
            switch kind {
            case .chars, .padding: return 0
            default:
                let align = min(size, maxAlignment)
                return (align - (position & (align - 1))) & (align - 1)
            }
        }

        /// Whether the item stands for a value (padding does not).
        var hasValue: Bool {
            if case .padding = kind { return false }
            return true
        }
    }

    /// Whether this machine stores integers most significant byte first.
    @inline(__always)
    static var nativeBigEndian: Bool {
        #if _endian(big)
        return true
        #else
        return false
        #endif
    }
    /// The largest alignment C uses here (that of double and long long).
    static let nativeAlignment = MemoryLayout<Double>.alignment
    /// The largest size `c[n]` and `!n` accept.
    static let sizeLimit = Int(Int32.max)

    /// The format's bytes (read without bounds checks: `index < count` is
    /// checked before every read).
    private let bytes: UnsafePointer<UInt8>?
    private let count: Int
    private var index = 0
    private var bigEndian = nativeBigEndian
    private var maxAlignment = 1
    let function: StaticString

    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer, function: StaticString) {
        self.bytes = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        self.count = bytes.count
        self.function = function
    }

    /// The byte at `index` (which is below `count`).
    @inline(__always)
    private func byte(_ index: Int) -> UInt8 { bytes.unsafelyUnwrapped[index] }

    /// The next item, or nil at the end of the format.
    @inline(__always)
    mutating func next() throws(AlienError) -> Item? {
        while index < count {
            let option = byte(index)
            index += 1
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

    /// An item of `kind` under the byte order and alignment in force.
    @inline(__always)
    private func item(_ kind: Kind, _ size: Int) -> Item {
        Item(kind: kind, size: size, bigEndian: bigEndian, maxAlignment: maxAlignment)
    }

    /// The value of the digit at `index`, or nil when there is none there.
    @inline(__always)
    private func digit(at index: Int) -> Int? {
        guard index < count else { return nil }
        let digit = byte(index) &- UInt8(ascii: "0")
        return digit <= 9 ? Int(digit) : nil
    }

    /// The digits after an option, or `default` when there are none.
    @inline(__always)
    private mutating func number(default value: Int) throws(AlienError) -> Int {
        guard var digit = digit(at: index) else { return value }
        var result = 0
        while true {
            result = result * 10 + digit
            index += 1
            guard result <= StructFormat.sizeLimit else {
                throw .badFormat(function, .sizeLimit)
            }
            guard let next = self.digit(at: index) else { return result }
            digit = next
        }
    }
}

/// Integers as bytes of a given width (1...8) and byte order, moved as whole
/// words: the bytes of a `size`-byte field are the low `size` bytes of a
/// 64-bit word, swapped only when the format's byte order is not the machine's.
enum StructIntegers {
    /// The word whose bytes, least significant first, are the field's bytes in memory order.
    @inline(__always)
    static func memoryOrder(_ bits: UInt64, size: Int, bigEndian: Bool) -> UInt64 {
        bigEndian ? (bits &<< UInt64(64 - 8 * size)).byteSwapped : bits
    }

    @inline(__always)
    static func store(_ value: Int64, size: Int, bigEndian: Bool, to memory: UnsafeMutableRawPointer) {
        store(bits: UInt64(bitPattern: value), size: size, bigEndian: bigEndian, to: memory)
    }

    /// Stores the low `size` bytes of `bits` (unaligned stores; the odd sizes
    /// as two stores that overlap, each writing the bytes the word has there).
    @inline(__always)
    static func store(bits: UInt64, size: Int, bigEndian: Bool, to memory: UnsafeMutableRawPointer) {
        let word = memoryOrder(bits, size: size, bigEndian: bigEndian)
        switch size {
        case 1:
            memory.storeBytes(of: UInt8(truncatingIfNeeded: word), as: UInt8.self)
        case 2:
            memory.storeBytes(of: UInt16(truncatingIfNeeded: word).littleEndian, as: UInt16.self)
        case 3:
            memory.storeBytes(of: UInt16(truncatingIfNeeded: word).littleEndian, as: UInt16.self)
            memory.storeBytes(of: UInt8(truncatingIfNeeded: word &>> 16), toByteOffset: 2, as: UInt8.self)
        case 4:
            memory.storeBytes(of: UInt32(truncatingIfNeeded: word).littleEndian, as: UInt32.self)
        case 8:
            memory.storeBytes(of: word.littleEndian, as: UInt64.self)
        default: // 5, 6, 7
            memory.storeBytes(of: UInt32(truncatingIfNeeded: word).littleEndian, as: UInt32.self)
            memory.storeBytes(of: UInt32(truncatingIfNeeded: word &>> UInt64(8 * (size - 4))).littleEndian,
                              toByteOffset: size - 4, as: UInt32.self)
        }
    }

    /// The `size` bytes at `memory` as an unsigned word (unaligned loads).
    @inline(__always)
    static func loadBits(size: Int, bigEndian: Bool, from memory: UnsafeRawPointer) -> UInt64 {
        let word: UInt64
        switch size {
        case 1:
            word = UInt64(memory.load(as: UInt8.self))
        case 2:
            word = UInt64(UInt16(littleEndian: memory.loadUnaligned(as: UInt16.self)))
        case 3:
            word = UInt64(UInt16(littleEndian: memory.loadUnaligned(as: UInt16.self)))
                | UInt64(memory.load(fromByteOffset: 2, as: UInt8.self)) &<< 16
        case 4:
            word = UInt64(UInt32(littleEndian: memory.loadUnaligned(as: UInt32.self)))
        case 8:
            word = UInt64(littleEndian: memory.loadUnaligned(as: UInt64.self))
        default: // 5, 6, 7
            word = UInt64(UInt32(littleEndian: memory.loadUnaligned(as: UInt32.self)))
                | UInt64(UInt32(littleEndian: memory.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self)))
                    &<< UInt64(8 * (size - 4))
        }
        return bigEndian ? word.byteSwapped &>> UInt64(64 - 8 * size) : word
    }

    @inline(__always)
    static func load(size: Int, bigEndian: Bool, signed: Bool, from memory: UnsafeRawPointer) -> Int64 {
        let bits = loadBits(size: size, bigEndian: bigEndian, from: memory)
        if signed && size < 8 {
            let shift = UInt64(64 - 8 * size)
            return Int64(bitPattern: bits &<< shift) &>> Int64(shift)
        }
        return Int64(bitPattern: bits)
    }
}
