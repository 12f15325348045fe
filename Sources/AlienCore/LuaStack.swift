import AlienBridge

/// The one way the core reads Lua values: the non-raising bridge
/// (alien_bridge.h), nothing else. A LuaStack is just the state pointer and
/// every read is inlined, so going through it costs nothing. (Finding alien's
/// own objects is UserdataObject.swift's `at(_:in:)`; checks of arguments are
/// in Arguments.swift.)
struct LuaStack {
    let state: OpaquePointer

    @inline(__always)
    init(_ state: OpaquePointer) { self.state = state }

    @inline(__always)
    var top: Int32 { alien_lua_gettop(state) }

    /// ALIEN_T*: Lua's type of the value at `index` (ALIEN_TNONE past the top).
    @inline(__always)
    func type(at index: Int32) -> Int32 { alien_lua_type(state, index) }

    /// Whether the value at `index` is nil or absent.
    @inline(__always)
    func isNoneOrNil(at index: Int32) -> Bool { type(at: index) <= ALIEN_TNIL }

    /// Whether the value at `index` is a light or full userdata.
    @inline(__always)
    func isUserdata(at index: Int32) -> Bool {
        let type = type(at: index)
        return type == ALIEN_TLIGHTUSERDATA || type == ALIEN_TUSERDATA
    }

    /// What the value at `index` is, for "got ..." in an error message.
    func typeName(at index: Int32) -> AlienError.Got {
        if type(at: index) == ALIEN_TNONE { return .noValue }
        return .type(alien_lua_typename(state, index))
    }

    /// The bytes of a string value, in place (numbers are not converted: nil).
    @inline(__always)
    func bytes(at index: Int32) -> UnsafeRawBufferPointer? {
        var length = 0
        guard let bytes = alien_lua_tostring(state, index, &length) else { return nil }
        return UnsafeRawBufferPointer(start: bytes, count: length)
    }

    /// A string value as the NUL-terminated C string Lua keeps (numbers are not converted: nil).
    @inline(__always)
    func cString(at index: Int32) -> UnsafePointer<CChar>? { alien_lua_tostring(state, index, nil) }

    /// Whether the value is a string of exactly these bytes. Byte comparison:
    /// String's own == needs Unicode tables, which Embedded Swift leaves out.
    func isString(at index: Int32, _ text: StaticString) -> Bool {
        guard let bytes = bytes(at: index), bytes.count == text.utf8CodeUnitCount else { return false }
        return bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A copy of a string value (numbers are not converted: nil).
    func string(at index: Int32) -> String? {
        bytes(at: index).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A number value as Lua holds it (numeric strings converted by Lua's rules).
    enum Numeric {
        case integer(Int64)
        case float(Double)
    }

    /// The value as a number, or nil when it is neither a number nor a numeric string.
    @inline(__always)
    func numeric(at index: Int32) -> Numeric? {
        var integer: Int64 = 0
        var number: Double = 0
        switch alien_lua_tonumeric(state, index, &integer, &number) {
        case 1: return .integer(integer)
        case 2: return .float(number)
        default: return nil
        }
    }

    /// An integer as C would get it from a Lua number: exact for Lua
    /// integers, truncated toward zero (and wrapped) for floats.
    @inline(__always)
    func integer(at index: Int32) -> Int64? {
        // One bridge call for an integer (or an integral float or numeric
        // string), the value the general case below gives it too.
        var exact: Int64 = 0
        if alien_lua_tointeger(state, index, &exact) != 0 { return exact }
        switch numeric(at: index) {
        case .integer(let integer)?: return integer
        case .float(let number)?: return wrappingInteger(number)
        case nil: return nil
        }
    }

    /// A number with an exact 64-bit integer value: a Lua integer, or a float
    /// that is integral and in range. NaN, infinities, fractions, numbers past
    /// 2^63 and non-numbers give nil. For sizes, offsets and counts, which
    /// must never wrap.
    @inline(__always)
    func exactInteger(at index: Int32) -> Int64? {
        switch numeric(at: index) {
        case .integer(let integer)?: return integer
        case .float(let number)?:
            guard number >= -9_223_372_036_854_775_808.0, number < 9_223_372_036_854_775_808.0,
                  number == number.rounded(.towardZero) else { return nil }
            return Int64(number)
        case nil: return nil
        }
    }

    /// Whether the value is a number (or a numeric string) at all.
    func isNumeric(at index: Int32) -> Bool { numeric(at: index) != nil }

    /// 0 when the value is nil, else nil: nil stored as a number is 0, as the
    /// original read numbers with lua_tonumber (SPEC 4). Callers ask it only
    /// once the value turned out not to be a number, off the common path.
    @inline(__always)
    func zeroIfNil(at index: Int32) -> Int64? { type(at: index) == ALIEN_TNIL ? 0 : nil }

    /// A number value as a double: an integer converted (rounded to nearest),
    /// numeric strings converted by Lua's rules. One bridge call: Lua's own
    /// lua_tonumber gives exactly that.
    @inline(__always)
    func number(at index: Int32) -> Double? {
        var number: Double = 0
        return alien_lua_tonumber(state, index, &number) != 0 ? number : nil
    }

    /// The address of a light userdata, or the block of a full one (else nil).
    @inline(__always)
    func userdata(at index: Int32) -> UnsafeMutableRawPointer? { alien_lua_touserdata(state, index) }

    /// The size of a full userdata's block (nil for anything else).
    func userdataSize(at index: Int32) -> Int? {
        type(at: index) == ALIEN_TUSERDATA ? alien_lua_udatasize(state, index) : nil
    }

    /// The length of a table without metamethods (0 for anything else).
    func rawLength(at index: Int32) -> Int { alien_lua_rawlen(state, index) }
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
