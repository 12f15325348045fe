import CLibc
import AlienBridge

/// Integer constant expressions (enum values, array sizes, alignments,
/// bit-field widths): C's operators, casts, sizeof and earlier constants.
extension CParser {

    mutating func constantExpression() throws(CDeclError) -> Int64 { try conditional() }

    mutating func conditional() throws(CDeclError) -> Int64 {
        try nest()
        defer { depth -= 1 }
        let condition = try binary(0)
        guard try accept("?") else { return condition }
        let yes = try constantExpression()
        try expect(":")
        let no = try conditional()
        return condition != 0 ? yes : no
    }

    static let precedence: [(StaticString, Int)] = [
        ("||", 1), ("&&", 2), ("|", 3), ("^", 4), ("&", 5), ("==", 6), ("!=", 6), ("<", 7), (">", 7), ("<=", 7),
        (">=", 7), ("<<", 8), (">>", 8), ("+", 9), ("-", 9), ("*", 10), ("/", 10), ("%", 10),
    ]

    mutating func binary(_ minimum: Int) throws(CDeclError) -> Int64 {
        var left = try unary()
        while token.kind == .punctuator, let (op, level) = Self.precedence.first(where: { `is`($0.0) }), level > minimum {
            try advance()
            let right = try binary(level)
            switch (op.utf8Start[0], op.utf8CodeUnitCount > 1 ? op.utf8Start[1] : 0) {
            case (UInt8(ascii: "|"), UInt8(ascii: "|")): left = (left != 0 || right != 0) ? 1 : 0
            case (UInt8(ascii: "&"), UInt8(ascii: "&")): left = (left != 0 && right != 0) ? 1 : 0
            case (UInt8(ascii: "|"), _): left |= right
            case (UInt8(ascii: "^"), _): left ^= right
            case (UInt8(ascii: "&"), _): left &= right
            case (UInt8(ascii: "="), _): left = left == right ? 1 : 0
            case (UInt8(ascii: "!"), _): left = left != right ? 1 : 0
            case (UInt8(ascii: "<"), UInt8(ascii: "<")): left = right >= 0 && right < 64 ? left << right : 0
            case (UInt8(ascii: ">"), UInt8(ascii: ">")): left = right >= 0 && right < 64 ? left >> right : 0
            case (UInt8(ascii: "<"), UInt8(ascii: "=")): left = left <= right ? 1 : 0
            case (UInt8(ascii: ">"), UInt8(ascii: "=")): left = left >= right ? 1 : 0
            case (UInt8(ascii: "<"), _): left = left < right ? 1 : 0
            case (UInt8(ascii: ">"), _): left = left > right ? 1 : 0
            case (UInt8(ascii: "+"), _): left = left &+ right
            case (UInt8(ascii: "-"), _): left = left &- right
            case (UInt8(ascii: "*"), _): left = left &* right
            case (UInt8(ascii: "/"), _), (UInt8(ascii: "%"), _):
                guard right != 0, !(left == Int64.min && right == -1) else { throw error("division by zero in a constant") }
                left = op.utf8Start[0] == UInt8(ascii: "/") ? left / right : left % right
            default: break
            }
        }
        return left
    }

    mutating func unary() throws(CDeclError) -> Int64 {
        try nest()
        defer { depth -= 1 }
        if token.kind == .punctuator {
            if try accept("-") { return 0 &- (try unary()) }
            if try accept("+") { return try unary() }
            if try accept("~") { return ~(try unary()) }
            if try accept("!") { return try unary() == 0 ? 1 : 0 }
            if try accept("(") {
                if token.kind == .identifier && isTypeStart() {   // a cast
                    let type = try typeName()
                    try expect(")")
                    let value = try unary()
                    if let descriptor = type.descriptor, descriptor.isScalar, descriptor.scalar.isInteger {
                        return alien_kind_widen(descriptor.scalar.kind, value)
                    }
                    return value
                }
                let value = try constantExpression()
                try expect(")")
                return value
            }
        }
        if token.kind == .identifier {
            if isAny(Self.kwSizeof) {
                let isSize = `is`("sizeof")
                try advance()
                guard try accept("(") else { throw error("'(' expected after sizeof") }
                let type = try typeName()
                try expect(")")
                guard let descriptor = type.descriptor else { throw error("sizeof of an incomplete type") }
                return Int64(isSize ? descriptor.size : descriptor.alignment)
            }
            if let value = definitions.constants[bytes(token)] {
                try advance()
                return value
            }
            throw error("not a constant")
        }
        if token.kind == .number { return try number() }
        if token.kind == .character { return try character() }
        throw error("a constant expected")
    }

    mutating func number() throws(CDeclError) -> Int64 {
        var digits = Array(text)
        while let last = digits.last, [UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "l"), UInt8(ascii: "L")].contains(last) {
            digits.removeLast()
        }
        var radix: UInt64 = 10
        var start = 0
        if digits.count > 1, digits[0] == UInt8(ascii: "0") {
            if digits[1] | 0x20 == UInt8(ascii: "x") { radix = 16; start = 2 } else if digits[1] | 0x20 == UInt8(ascii: "b") { radix = 2; start = 2 } else { radix = 8; start = 1 }
        }
        guard start < digits.count else { throw error("not an integer constant") }
        var value: UInt64 = 0
        for d in digits[start...] {
            let digit: UInt64
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(d - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(d - UInt8(ascii: "A") + 10)
            default: throw error("not an integer constant")
            }
            guard digit < radix else { throw error("not an integer constant") }
            value = value &* radix &+ digit
        }
        try advance()
        return Int64(bitPattern: value)
    }

    mutating func character() throws(CDeclError) -> Int64 {
        let body = Array(text.dropFirst().dropLast())
        try advance()
        guard let first = body.first else { throw error("empty character constant") }
        guard first == UInt8(ascii: "\\"), body.count > 1 else { return Int64(Int8(bitPattern: first)) }
        switch body[1] {
        case UInt8(ascii: "n"): return 10
        case UInt8(ascii: "t"): return 9
        case UInt8(ascii: "r"): return 13
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            return Int64(body[1...].prefix { $0 >= 48 && $0 <= 55 }.reduce(0) { $0 * 8 + Int($1 - 48) })
        default: return Int64(body[1])
        }
    }
}
