import AlienBridge

/// Checks of the arguments of module functions and methods: each gives the
/// value the function wants or throws the error that names the function and
/// the argument. `index` is the stack index, `argument` the number the
/// message shows (they differ for methods, whose object is index 1).
extension LuaStack {
    /// A required string.
    func requireString(at index: Int32, argument: Int, of function: StaticString) throws(AlienError) -> String {
        guard type(at: index) == ALIEN_TSTRING, let text = string(at: index) else {
            throw .wrongType(argument, of: .named(function), expected: "string", got: typeName(at: index))
        }
        return text
    }

    /// A required name (of a library, a symbol): a string without NUL bytes,
    /// which C would silently cut at the first one.
    func requireName(at index: Int32, argument: Int, of function: StaticString) throws(AlienError) -> String {
        let name = try requireString(at: index, argument: argument, of: function)
        guard !name.utf8.contains(0) else { throw .badArgument(argument, of: .named(function), .note("name contains a NUL byte")) }
        return name
    }

    /// An optional size, offset or count (nil or absent gives `default`).
    func optionalInteger(at index: Int32, argument: Int, of function: StaticString,
                         default value: Int64) throws(AlienError) -> Int64 {
        if isNoneOrNil(at: index) { return value }
        return try exactInteger(at: index, argument: argument, of: function, expected: "number")
    }

    /// A size, offset or count: a number with an exact integer value. A
    /// fraction, NaN or infinity is an error, never rounded or wrapped.
    @inline(__always)
    func exactInteger(at index: Int32, argument: Int, of function: StaticString,
                      expected: StaticString) throws(AlienError) -> Int64 {
        if let integer = exactInteger(at: index) { return integer }
        if isNumeric(at: index) {
            throw .badArgument(argument, of: .named(function), .note("number has no integer representation"))
        }
        throw .wrongType(argument, of: .named(function), expected: expected, got: typeName(at: index))
    }

    /// The type at stack index 1 (`alien.sizeof`, `alien.align`): a name or a struct or union type.
    func namedType(of function: StaticString) throws(AlienError) -> CTypeRef {
        if let type = ctype(at: 1) { return type }
        let name = try requireString(at: 1, argument: 1, of: function)
        throw .unknownType(name, in: .named(function))
    }

    /// A required pointer: userdata (light or full: buffers give their
    /// contents), or a string's bytes when `strings` allows it.
    func pointerArgument(at index: Int32, argument: Int, of function: StaticString,
                         strings: Bool = false) throws(AlienError) -> UnsafeMutableRawPointer {
        if strings, let bytes = cString(at: index) { return UnsafeMutableRawPointer(mutating: bytes) }
        guard isUserdata(at: index), let pointer = Memory.address(of: index, in: self) else {
            throw .wrongType(argument, of: .named(function), expected: "pointer",
                             got: type(at: index) == ALIEN_TLIGHTUSERDATA ? .null : typeName(at: index))
        }
        return pointer
    }

    /// The buffer a method is called on (stack index 1).
    func bufferArgument(of function: StaticString) throws(AlienError) -> UnsafeMutablePointer<BufferObject> {
        guard let buffer = BufferObject.at(1, in: self) else {
            throw .wrongType(1, of: .named(function), expected: "alien buffer", got: typeName(at: 1))
        }
        return buffer
    }

    /// The memory for `count` bytes at the 1-based byte offset at stack index 2
    /// of the buffer at index 1: shared by `get`, `set`, `buf[i]` and `buf[i] = v`.
    @inline(__always)
    func bufferMemory(count: Int, of function: StaticString) throws(AlienError) -> UnsafeMutableRawPointer {
        let buffer = try bufferArgument(of: function)
        let offset = try exactInteger(at: 2, argument: 1, of: function, expected: "offset")
        return try buffer.pointee.address(offset: offset, count: count, function: function)
    }

    /// The array a method is called on (stack index 1).
    func arrayArgument(of function: StaticString) throws(AlienError) -> UnsafeMutablePointer<ArrayObject> {
        guard let array = ArrayObject.at(1, in: self) else {
            throw .wrongType(1, of: .named(function), expected: "alien array", got: typeName(at: 1))
        }
        return array
    }

    /// The format string of an `alien.struct` function (stack index 1).
    @inline(__always)
    func formatArgument(of function: StaticString) throws(AlienError) -> UnsafeRawBufferPointer {
        guard let format = bytes(at: 1) else {
            throw .wrongType(1, of: .named(function), expected: "format string", got: typeName(at: 1))
        }
        return format
    }
}
