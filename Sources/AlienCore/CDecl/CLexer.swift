/// Tokens of C source after the preprocessor (SPEC section 14). Works on the
/// bytes in place; a token is a range of them. Comments and whitespace are
/// skipped; `#` lines (line markers a preprocessor may leave) too.
struct CToken {
    enum Kind: Equatable {
        case identifier, number, string, character, punctuator, end
    }

    var kind: Kind
    var start: Int
    var count: Int
    var line: Int
    var column: Int
}

struct CLexer {
    let source: UnsafeRawBufferPointer
    private(set) var position = 0
    private(set) var line = 1
    private var lineStart = 0

    init(_ source: UnsafeRawBufferPointer) { self.source = source }

    private func byte(_ offset: Int) -> UInt8 { position + offset < source.count ? source[position + offset] : 0 }

    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x24 || c >= 0x80
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    mutating func next() throws(CDeclError) -> CToken {
        skipSpace()
        let start = position
        let column = position - lineStart + 1
        guard position < source.count else { return CToken(kind: .end, start: start, count: 0, line: line, column: column) }
        let c = source[position]
        var kind = CToken.Kind.punctuator
        if Self.isIdentifierStart(c) {
            kind = .identifier
            while position < source.count, Self.isIdentifierStart(source[position]) || Self.isDigit(source[position]) { position += 1 }
        } else if Self.isDigit(c) || (c == UInt8(ascii: ".") && Self.isDigit(byte(1))) {
            kind = .number
            // digits, letters (hex, suffixes, exponents), dots, and a sign after an exponent
            while position < source.count {
                let d = source[position]
                if Self.isIdentifierStart(d) || Self.isDigit(d) || d == UInt8(ascii: ".") {
                    position += 1
                } else if (d == UInt8(ascii: "+") || d == UInt8(ascii: "-")),
                          [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(source[position - 1]),
                          !(source[start] == UInt8(ascii: "0") && position - start > 1 && (source[start + 1] | 0x20) == UInt8(ascii: "x")
                            && (source[position - 1] | 0x20) == UInt8(ascii: "e")) {
                    position += 1
                } else {
                    break
                }
            }
        } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            kind = c == UInt8(ascii: "\"") ? .string : .character
            position += 1
            while position < source.count, source[position] != c {
                if source[position] == UInt8(ascii: "\\") { position += 1 }
                if position < source.count, source[position] == 0x0A {
                    throw CDeclError(message: "unterminated literal", line: line, column: column, token: "")
                }
                position += 1
            }
            guard position < source.count else {
                throw CDeclError(message: "unterminated literal", line: line, column: column, token: "")
            }
            position += 1
        } else {
            position += punctuatorLength(c)
        }
        return CToken(kind: kind, start: start, count: position - start, line: line, column: column)
    }

    /// The length of the punctuator starting with `c` here: the longest of
    /// C's that matches (`...`, `<<=`, `->`, `||` ...), else 1.
    private func punctuatorLength(_ c: UInt8) -> Int {
        let d = byte(1), e = byte(2)
        switch c {
        case UInt8(ascii: "."): return d == UInt8(ascii: ".") && e == UInt8(ascii: ".") ? 3 : 1
        case UInt8(ascii: "<"), UInt8(ascii: ">"):
            if d == c { return e == UInt8(ascii: "=") ? 3 : 2 }
            return d == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "-"):
            return d == UInt8(ascii: ">") || d == UInt8(ascii: "-") || d == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "+"), UInt8(ascii: "&"), UInt8(ascii: "|"):
            return d == c || d == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "#"): return d == c ? 2 : 1
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "^"):
            return d == UInt8(ascii: "=") ? 2 : 1
        default: return 1
        }
    }

    private mutating func skipSpace() {
        while position < source.count {
            let c = source[position]
            if c == 0x0A {
                position += 1
                line += 1
                lineStart = position
            } else if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0C || c == 0x0B {
                position += 1
            } else if c == UInt8(ascii: "/") && byte(1) == UInt8(ascii: "/") {
                while position < source.count && source[position] != 0x0A { position += 1 }
            } else if c == UInt8(ascii: "/") && byte(1) == UInt8(ascii: "*") {
                position += 2
                while position < source.count && !(source[position] == UInt8(ascii: "*") && byte(1) == UInt8(ascii: "/")) {
                    if source[position] == 0x0A { line += 1; lineStart = position + 1 }
                    position += 1
                }
                position = min(position + 2, source.count)
            } else if c == UInt8(ascii: "#") && position == lineStart {
                while position < source.count && source[position] != 0x0A { position += 1 }
            } else {
                return
            }
        }
    }
}

/// A syntax or meaning error in C declarations, with where it was.
struct CDeclError: Error {
    var message: String
    var line: Int
    var column: Int
    var token: String

    var text: String {
        let at = token.isEmpty ? "" : " near '\(token)'"
        return "alien: cdef: \(message) at line \(line), column \(column)\(at)"
    }
}
