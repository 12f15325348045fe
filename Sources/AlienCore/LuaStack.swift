import AlienBridge

/// Reading Lua values through the non-raising bridge.
struct LuaStack {
    let state: OpaquePointer

    init(_ state: OpaquePointer) { self.state = state }

    var top: Int32 { alien_lua_gettop(state) }

    func type(at index: Int32) -> Int32 { alien_lua_type(state, index) }

    /// What the value at `index` is, for "got ..." in an error message.
    func typeName(at index: Int32) -> AlienError.Got {
        if type(at: index) == ALIEN_TNONE { return .noValue }
        return .type(alien_lua_typename(state, index))
    }

    /// The bytes of a string value (numbers are not converted).
    func string(at index: Int32) -> String? {
        var length = 0
        guard let bytes = alien_lua_tostring(state, index, &length) else { return nil }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// An integer as C would get it from a Lua number: exact for Lua
    /// integers, truncated toward zero (and wrapped) for floats.
    @inline(__always)
    func integer(at index: Int32) -> Int64? {
        var integer: Int64 = 0
        var number: Double = 0
        switch alien_lua_tonumeric(state, index, &integer, &number) {
        case 1: return integer
        case 2: return wrappingInteger(number)
        default: return nil
        }
    }

    @inline(__always)
    func number(at index: Int32) -> Double? {
        var integer: Int64 = 0
        var number: Double = 0
        switch alien_lua_tonumeric(state, index, &integer, &number) {
        case 1: return Double(integer)
        case 2: return number
        default: return nil
        }
    }

    /// A required string argument of a module function.
    func requireString(at index: Int32, argument: Int, of function: StaticString) throws(AlienError) -> String {
        guard type(at: index) == ALIEN_TSTRING, let text = string(at: index) else {
            throw .wrongType(argument, of: .named(function), expected: "string", got: typeName(at: index))
        }
        return text
    }
}

/// A double converted the way a C cast to a 64-bit integer type would,
/// made total: truncation toward zero, wrapping modulo 2^64, NaN giving 0.
@inline(__always)
func wrappingInteger(_ value: Double) -> Int64 {
    if value >= -9_223_372_036_854_775_808.0 && value < 9_223_372_036_854_775_808.0 {
        return Int64(value)
    }
    if value >= 0 && value < 18_446_744_073_709_551_616.0 {
        return Int64(bitPattern: UInt64(value))
    }
    guard value.isFinite else { return 0 }
    var reduced = value.truncatingRemainder(dividingBy: 18_446_744_073_709_551_616.0)
    if reduced < 0 { reduced += 18_446_744_073_709_551_616.0 }
    if reduced >= 18_446_744_073_709_551_616.0 { return 0 }
    return Int64(bitPattern: UInt64(reduced))
}
