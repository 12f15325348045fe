import CLibc
import AlienBridge

/// `alien.struct`: pack, unpack, size and offset over StructFormat.
enum StructPacking {
    /// Packs the values at stack indexes 2...last; measures only when `memory` is nil.
    /// Returns the packed size.
    static func pack(_ stack: LuaStack, last: Int32, into memory: UnsafeMutableRawPointer?) throws(AlienError) -> Int {
        var reader = StructFormat(try stack.formatArgument(of: "pack"), function: "pack")
        var position = 0
        var argument: Int32 = 2
        func missing(_ expected: StaticString) -> AlienError {
            .wrongType(Int(argument), of: "pack", expected: expected, got: argument > last ? .noValue : stack.typeName(at: argument))
        }
        while let item = try reader.next() {
            let padding = item.padding(at: position)
            if let memory { memset(memory + position, 0, padding) }
            position += padding
            let target = memory.map { $0 + position }
            var size = item.size
            switch item.kind {
            case .padding:
                target?.storeBytes(of: 0, as: UInt8.self)
            case .integer(_):
                guard argument <= last, let value = stack.integer(at: argument) else { throw missing("number") }
                if let target { StructIntegers.store(value, size: size, bigEndian: item.bigEndian, to: target) }
                argument += 1
            case .float, .double:
                guard argument <= last, let value = stack.number(at: argument) else { throw missing("number") }
                if let target {
                    let bits = item.kind == .float ? UInt64(Float(value).bitPattern) : value.bitPattern
                    StructIntegers.store(Int64(bitPattern: bits), size: size, bigEndian: item.bigEndian, to: target)
                }
                argument += 1
            case .chars, .string:
                guard argument <= last else { throw missing("string") }
                if stack.type(at: argument) == ALIEN_TNUMBER { throw .convertToString(argument) }
                guard let string = stack.bytes(at: argument), let bytes = string.baseAddress else { throw missing("string") }
                let length = string.count
                if item.kind == .string {
                    size = length + 1
                    if let target { memcpy(target, bytes, length); target.storeBytes(of: 0, toByteOffset: length, as: UInt8.self) }
                } else {
                    if size == 0 { size = length }
                    guard length >= size else {
                        throw .badArgument(Int(argument), of: "pack", .stringTooShort(length: length, chars: size))
                    }
                    if let target { memcpy(target, bytes, size) }
                }
                argument += 1
            case .pointer:
                guard argument <= last else { throw missing("pointer") }
                let pointer: UnsafeMutableRawPointer?
                switch stack.type(at: argument) {
                case ALIEN_TNIL: pointer = nil
                case ALIEN_TLIGHTUSERDATA, ALIEN_TUSERDATA: pointer = Memory.address(of: argument, in: stack)
                default: throw missing("pointer")
                }
                target?.storeBytes(of: pointer, as: UnsafeMutableRawPointer?.self)
                argument += 1
            }
            position += size
            guard position <= StructFormat.sizeLimit else { throw .packTooLarge }
        }
        return position
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
                    throw .wrongType(3, of: "unpack", expected: "size of the data", got: stack.typeName(at: 3))
                }
                count = size
                // alien's own objects and other full userdata have a known size: never read past it
                if let limit = Memory.region(of: 2, in: stack)?.size, size > Int64(limit) {
                    throw .badArgument(3, of: "unpack", .sizeBeyondBuffer(size, buffer: limit))
                }
            }
            return (UnsafeRawPointer(address), Int(count), 4)
        default:
            throw .wrongType(2, of: "unpack", expected: "string, buffer or light userdata", got: stack.typeName(at: 2))
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
            var value: alien_value?
            switch item.kind {
            case .padding:
                value = nil
            case .integer(let signed):
                let integer = StructIntegers.load(size: size, bigEndian: item.bigEndian, signed: signed, from: memory)
                value = CToLua.integerValue(integer, of: signed || size < 8 ? .longlong : .ulonglong)
            case .float:
                let bits = UInt32(truncatingIfNeeded: StructIntegers.load(size: 4, bigEndian: item.bigEndian, signed: false, from: memory))
                value = CToLua.numberValue(Double(Float(bitPattern: bits)))
            case .double:
                let bits = UInt64(bitPattern: StructIntegers.load(size: 8, bigEndian: item.bigEndian, signed: false, from: memory))
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
            if let value {
                guard produced < capacity - 1 else { return nil }
                out[produced] = value
                produced += 1
            }
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

/// `alien.struct.pack(fmt, ...)`: packs into `space` when it is large enough,
/// else returns ALIEN_NEEDSPACE with the size in `needed`. `last` is the
/// index of the last value.
@_cdecl("alien_core_struct_pack")
public func alienCoreStructPack(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>,
                                _ space: UnsafeMutableRawPointer, _ capacity: Int,
                                _ needed: UnsafeMutablePointer<Int>, _ last: Int32) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let size = try StructPacking.pack(stack, last: last, into: nil)
        guard size <= capacity else {
            needed.pointee = size
            return ALIEN_NEEDSPACE
        }
        _ = try StructPacking.pack(stack, last: last, into: space)
        out[0] = CToLua.bytesValue(space, count: size)
        return 1
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
