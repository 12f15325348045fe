import CLibc
import AlienBridge

/// `alien.struct`: pack, unpack, size and offset over StructFormat.
enum StructPacking {
    /// Packs the values at stack indexes 2...last into `space`, in one walk of
    /// the format. Returns the packed size. When that is more than `capacity`,
    /// the walk went on from the first item that did not fit only measuring
    /// (and checking the values), nothing was written past `capacity`, and the
    /// caller packs again into as much room as the size says.
    static func pack(_ stack: LuaStack, last: Int32, into space: UnsafeMutableRawPointer,
                     capacity: Int) throws(AlienError) -> Int {
        var reader = StructFormat(try stack.formatArgument(of: "pack"), function: "pack")
        var position = 0
        var argument: Int32 = 2
        while let item = try reader.next() {
            let start = position + item.padding(at: position)
            var size = item.size
            // The item's bytes: the low `size` bytes of `bits`, or (c and s) `size` bytes at `bytes`.
            var bits: UInt64 = 0
            var bytes: UnsafeRawPointer? = nil
            var bigEndian = item.bigEndian
            switch item.kind {
            case .padding:
                break
            case .integer(_):
                guard argument <= last, let value = stack.integer(at: argument) else {
                    throw missing(stack, argument, last: last, expected: "number")
                }
                bits = UInt64(bitPattern: value)
                argument += 1
            case .float:
                guard argument <= last, let value = stack.number(at: argument) else {
                    throw missing(stack, argument, last: last, expected: "number")
                }
                bits = UInt64(Float(value).bitPattern)
                argument += 1
            case .double:
                guard argument <= last, let value = stack.number(at: argument) else {
                    throw missing(stack, argument, last: last, expected: "number")
                }
                bits = value.bitPattern
                argument += 1
            case .chars, .string:
                guard argument <= last else { throw missing(stack, argument, last: last, expected: "string") }
                if stack.type(at: argument) == ALIEN_TNUMBER { throw .convertToString(argument) }
                guard let string = stack.bytes(at: argument), let base = string.baseAddress else {
                    throw missing(stack, argument, last: last, expected: "string")
                }
                let length = string.count
                if item.kind == .string {
                    size = length + 1
                } else {
                    if size == 0 { size = length }
                    guard length >= size else {
                        throw .badArgument(Int(argument), of: "pack", .stringTooShort(length: length, chars: size))
                    }
                }
                bytes = base
                argument += 1
            case .pointer:
                guard argument <= last else { throw missing(stack, argument, last: last, expected: "pointer") }
                let pointer: UnsafeMutableRawPointer?
                switch stack.type(at: argument) {
                case ALIEN_TNIL: pointer = nil
                case ALIEN_TLIGHTUSERDATA, ALIEN_TUSERDATA: pointer = Memory.address(of: argument, in: stack)
                default: throw missing(stack, argument, last: last, expected: "pointer")
                }
                bits = UInt64(UInt(bitPattern: pointer))
                bigEndian = StructFormat.nativeBigEndian     // a pointer is stored as C has it
                argument += 1
            }
            let end = start + size
            guard end <= StructFormat.sizeLimit else { throw .packTooLarge }
            if end <= capacity {
                if start > position { memset(space + position, 0, start - position) }
                if let bytes {
                    if item.kind == .string {
                        memcpy(space + start, bytes, size - 1)
                        space.storeBytes(of: 0, toByteOffset: end - 1, as: UInt8.self)
                    } else {
                        memcpy(space + start, bytes, size)
                    }
                } else {
                    StructIntegers.store(bits: bits, size: size, bigEndian: bigEndian, to: space + start)
                }
            }
            position = end
        }
        return position
    }

    /// The error for a missing or wrong value at `argument`.
    static func missing(_ stack: LuaStack, _ argument: Int32, last: Int32, expected: StaticString) -> AlienError {
        .wrongType(Int(argument), of: "pack", expected: expected, got: argument > last ? .noValue : stack.typeName(at: argument))
    }

    /// What unpack's argument `index` (2 to 4) is, for a message: an absent
    /// one is nil, as unpack takes its four arguments (the messages say so
    /// since the adapter used to fill them in with nil first).
    static func argumentType(_ stack: LuaStack, at index: Int32) -> AlienError.Got {
        guard stack.type(at: index) == ALIEN_TNONE else { return stack.typeName(at: index) }
        let name: StaticString = "nil"
        return .type(UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self))
    }

    /// The data unpack reads: a string, a buffer (size optional) or light userdata (size required),
    /// and the stack index of the starting position argument.
    static func data(_ stack: LuaStack) throws(AlienError) -> (bytes: UnsafeRawPointer, count: Int, positionIndex: Int32) {
        switch stack.type(at: 2) {
        case ALIEN_TSTRING:
            let string = stack.bytes(at: 2)!
            return (string.baseAddress!, string.count, 3)
        case ALIEN_TUSERDATA, ALIEN_TLIGHTUSERDATA:
            guard let address = Memory.address(of: 2, in: stack) else {
                throw .wrongType(2, of: "unpack", expected: "data",
                                 got: stack.type(at: 2) == ALIEN_TLIGHTUSERDATA ? .null : stack.typeName(at: 2))
            }
            let known = BufferObject.at(2, in: stack) != nil ? Memory.region(of: 2, in: stack)?.size : nil
            var count: Int64
            if stack.isNoneOrNil(at: 3), let known {
                count = Int64(known)
            } else {
                guard let size = stack.exactInteger(at: 3), size >= 0 else {
                    throw .wrongType(3, of: "unpack", expected: "size of the data", got: argumentType(stack, at: 3))
                }
                count = size
                // alien's own objects and other full userdata have a known size: never read past it
                if let limit = Memory.region(of: 2, in: stack)?.size, size > Int64(limit) {
                    throw .badArgument(3, of: "unpack", .sizeBeyondBuffer(size, buffer: limit))
                }
            }
            return (UnsafeRawPointer(address), Int(count), 4)
        default:
            throw .wrongType(2, of: "unpack", expected: "string, buffer or light userdata", got: argumentType(stack, at: 2))
        }
    }

    /// Unpacks into `out` (at most `capacity` values); returns the count, or
    /// nil when `out` is too small.
    static func unpack(_ stack: LuaStack, into out: UnsafeMutablePointer<alien_value>, capacity: Int) throws(AlienError) -> Int32? {
        var reader = StructFormat(try stack.formatArgument(of: "unpack"), function: "unpack")
        let (data, count, positionIndex) = try self.data(stack)
        let start = try stack.optionalInteger(at: positionIndex, argument: Int(positionIndex), of: "unpack", default: 1)
        guard start >= 1, start - 1 <= Int64(count) else {
            throw .badArgument(Int(positionIndex), of: "unpack", .positionOutside(start, count: count))
        }
        var position = Int(start - 1)
        var produced = 0
        while let item = try reader.next() {
            position += item.padding(at: position)
            var size = item.size
            if item.kind == .chars && size == 0 {
                // c0: the length is the previous value, which it replaces
                guard produced > 0, let previous = Self.integer(out[produced - 1]), previous >= 0 else {
                    throw .badFormat("unpack", .c0WithoutSize)
                }
                size = previous > Int64(StructFormat.sizeLimit) ? StructFormat.sizeLimit : Int(previous)
                produced -= 1
            }
            guard size <= count - position else { throw .dataTooShort(needed: size, position: position + 1, count: count) }
            let memory = data + position
            var value = alien_value()
            switch item.kind {
            case .padding:
                position += size
                continue
            case .integer(let signed):
                value.v.i = StructIntegers.load(size: size, bigEndian: item.bigEndian, signed: signed, from: memory)
                value.kind = Int32((signed || size < 8 ? ALIEN_VINT : ALIEN_VUINT).rawValue)
            case .float:
                let bits = StructIntegers.loadBits(size: 4, bigEndian: item.bigEndian, from: memory)
                value = CToLua.numberValue(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))))
            case .double:
                let bits = StructIntegers.loadBits(size: 8, bigEndian: item.bigEndian, from: memory)
                value = CToLua.numberValue(Double(bitPattern: bits))
            case .chars:
                value = CToLua.bytesValue(memory, count: size)
            case .string:
                guard let end = memchr(memory, 0, count - position) else {
                    throw .unfinishedString(position: position + 1)
                }
                let length = memory.distance(to: UnsafeRawPointer(end))
                value = CToLua.bytesValue(memory, count: length)
                size = length + 1
            case .pointer:
                value = CToLua.pointerValue(memory.loadUnaligned(as: UnsafeRawPointer?.self))
            }
            guard produced < capacity - 1 else { return nil }
            out[produced] = value
            produced += 1
            position += size
        }
        out[produced] = CToLua.integerValue(Int64(position + 1), of: .longlong)
        return Int32(produced + 1)
    }

    static func integer(_ value: alien_value) -> Int64? {
        switch Int(value.kind) {
        case Int(ALIEN_VINT.rawValue), Int(ALIEN_VUINT.rawValue): return value.v.i
        case Int(ALIEN_VNUM.rawValue): return value.v.n.isFinite ? wrappingInteger(value.v.n) : nil
        default: return nil
        }
    }

    /// Walks a fixed-size format: the size, or the 1-based offset of value `item`.
    static func measure(_ stack: LuaStack, upTo item: Int64?, function: StaticString) throws(AlienError) -> Int {
        var reader = StructFormat(try stack.formatArgument(of: function), function: function)
        var position = 0
        var values: Int64 = 0
        while let next = try reader.next() {
            position += next.padding(at: position)
            if next.hasValue {
                values += 1
                if values == item { return position + 1 }
            }
            guard next.size > 0 || next.kind == .padding else {
                throw .badFormat(function, .noFixedSize(string: next.kind == .string))
            }
            position += next.size
            guard position <= StructFormat.sizeLimit else { throw .sizeTooLarge(function) }
        }
        // An item past the last: the offset just past the end, as the original's offset returns.
        return item != nil ? position + 1 : position
    }
}

/// `alien.struct.pack(fmt, ...)`: packs into `space` and returns 1 with the
/// size in `length` (the bytes are the result); when `capacity` is too small,
/// returns ALIEN_NEEDSPACE with the size needed in `length`. `last` is the
/// index of the last value.
@_cdecl("alien_core_struct_pack")
public func alienCoreStructPack(_ state: OpaquePointer, _ space: UnsafeMutableRawPointer, _ capacity: Int,
                                _ length: UnsafeMutablePointer<Int>, _ last: Int32) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let size = try StructPacking.pack(stack, last: last, into: space, capacity: capacity)
        length.pointee = size
        return size <= capacity ? 1 : ALIEN_NEEDSPACE
    }
}

/// `alien.struct.unpack(fmt, data [, size] [, pos])`: the values, then the next position.
/// Returns ALIEN_NEEDSPACE with a larger count in `needed` when `out` is too small.
@_cdecl("alien_core_struct_unpack")
public func alienCoreStructUnpack(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>,
                                  _ capacity: Int, _ needed: UnsafeMutablePointer<Int>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let count = try StructPacking.unpack(stack, into: out, capacity: capacity) else {
            needed.pointee = capacity * 4
            return ALIEN_NEEDSPACE
        }
        return count
    }
}

/// `alien.struct.size(fmt)`.
@_cdecl("alien_core_struct_size")
public func alienCoreStructSize(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.integerValue(Int64(try StructPacking.measure(stack, upTo: nil, function: "size")), of: .longlong)
        return 1
    }
}

/// `alien.struct.offset(fmt, n)`: the 1-based offset of value n.
@_cdecl("alien_core_struct_offset")
public func alienCoreStructOffset(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        // n defaults to 1, as in Alien 0.7.1 (read with the non-raising bridge, as everywhere in the core).
        let given = stack.isNoneOrNil(at: 2) ? 1 : stack.exactInteger(at: 2)
        guard let item = given, item >= 1 else {
            throw .wrongType(2, of: "offset", expected: "item number from 1", got: stack.typeName(at: 2))
        }
        out[0] = CToLua.integerValue(Int64(try StructPacking.measure(stack, upTo: item, function: "offset")), of: .longlong)
        return 1
    }
}
