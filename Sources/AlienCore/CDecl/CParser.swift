import CLibc
import AlienBridge

/// A recursive-descent reader of C declarations as they are after the
/// preprocessor (SPEC section 14), with the GNU extensions system headers
/// use. It declares into a CDefinitions as it goes. What it cannot use it
/// skips: function bodies, `__asm__` statements, `_Static_assert`, unknown
/// attributes.
struct CParser {
    var lexer: CLexer
    var token: CToken
    var lookahead: CToken?
    let definitions: CDefinitions
    var depth = 0
    static let maxDepth = 200
    static let maxDerivations = 64

    init(_ source: UnsafeRawBufferPointer, into definitions: CDefinitions) throws(CDeclError) {
        lexer = CLexer(source)
        self.definitions = definitions
        token = CToken(kind: .end, start: 0, count: 0, line: 1, column: 1)
        token = try lexer.next()
    }

    // MARK: tokens

    var text: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: lexer.source[token.start..<(token.start + token.count)])
    }

    func bytes(_ t: CToken) -> [UInt8] { Array(lexer.source[t.start..<(t.start + t.count)]) }

    func `is`(_ word: StaticString) -> Bool { Self.equal(text, word) }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        bytes.count == word.utf8CodeUnitCount && (bytes.count == 0 || memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0)
    }

    func isAny(_ words: [StaticString]) -> Bool { words.contains { `is`($0) } }

    mutating func advance() throws(CDeclError) {
        if let next = lookahead { token = next; lookahead = nil } else { token = try lexer.next() }
    }

    mutating func peek() throws(CDeclError) -> CToken {
        if lookahead == nil { lookahead = try lexer.next() }
        return lookahead!
    }

    mutating func accept(_ word: StaticString) throws(CDeclError) -> Bool {
        guard token.kind != .end, token.kind != .string, `is`(word) else { return false }
        try advance()
        return true
    }

    mutating func expect(_ word: StaticString) throws(CDeclError) {
        guard try accept(word) else { throw error("'\(word.text)' expected") }
    }

    func error(_ message: String) -> CDeclError {
        let shown = token.kind == .end ? "end of input" : String(decoding: text.prefix(40), as: UTF8.self)
        return CDeclError(message: message, line: token.line, column: token.column, token: shown)
    }

    mutating func nest() throws(CDeclError) {
        depth += 1
        guard depth < Self.maxDepth else { throw error("declarations nested too deeply") }
    }

    /// Skips a balanced (...) , [...] or {...} group starting at the current token.
    mutating func skipGroup() throws(CDeclError) {
        var stack: [UInt8] = []
        repeat {
            guard token.kind != .end else { throw error("unbalanced brackets") }
            if token.kind == .punctuator, token.count == 1 {
                let c = text[0]
                if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    stack.append(c)
                } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    guard let open = stack.popLast(), open == (c == UInt8(ascii: ")") ? UInt8(ascii: "(")
                                                               : c == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")) else {
                        throw error("unbalanced brackets")
                    }
                }
            }
            try advance()
        } while !stack.isEmpty
    }

    // MARK: declarations

    mutating func parseAll() throws(CDeclError) {
        while token.kind != .end {
            try externalDeclaration()
        }
    }

    mutating func externalDeclaration() throws(CDeclError) {
        if try accept(";") { return }
        if isAny(Self.kwStaticassert) {
            try advance()
            try skipGroup()
            try expect(";")
            return
        }
        if isAny(Self.kwAsm), try peek().kind == .punctuator {
            try advance()
            try skipGroup()
            _ = try accept(";")
            return
        }
        var specifiers = try declarationSpecifiers()
        if try accept(";") { return }   // `struct s { ... };`, `enum e { ... };`
        while true {
            let (name, type) = try declarator(specifiers.type, abstract: false)
            let label = try trailingExtensions(&specifiers)
            guard let name else { throw error("a name expected in the declaration") }
            if specifiers.isTypedef {
                try declareTypedef(name, type)
            } else if case .function(let function) = type {
                try declareFunction(name, function, label: label)
                if token.kind == .punctuator && `is`("{") {   // an inline definition: its body is skipped
                    try skipGroup()
                    return
                }
            }
            // variables are skipped: alien reaches data through lib.name pointers
            if try accept("=") { try skipInitializer() }
            if try accept(",") { continue }
            try expect(";")
            return
        }
    }

    mutating func skipInitializer() throws(CDeclError) {
        while token.kind != .end && !(token.kind == .punctuator && (`is`(",") || `is`(";"))) {
            if token.kind == .punctuator && (`is`("(") || `is`("{") || `is`("[")) { try skipGroup() } else { try advance() }
        }
    }

    /// `__asm__("label")` and attributes after a declarator; returns the label.
    mutating func trailingExtensions(_ specifiers: inout Specifiers) throws(CDeclError) -> [UInt8]? {
        var label: [UInt8]?
        while token.kind == .identifier {
            if isAny(Self.kwAsm) {
                try advance()
                try expect("(")
                var name: [UInt8] = []
                while token.kind == .string {
                    name += bytes(token).dropFirst().dropLast()
                    try advance()
                }
                try expect(")")
                label = name
            } else if isAny(Self.kwAttribute) {
                try attribute(&specifiers.attributes)
            } else {
                break
            }
        }
        return label
    }

    mutating func declareTypedef(_ name: [UInt8], _ type: CDeclType) throws(CDeclError) {
        if definitions.functions[name] != nil {
            throw error("'\(String(decoding: name, as: UTF8.self))' is declared as a function")
        }
        if let existing = definitions.typedefs[name], !Self.same(existing, type) {
            throw error("conflicting redefinition of typedef '\(String(decoding: name, as: UTF8.self))'")
        }
        definitions.typedefs[name] = type
        definitions.resolvedNames = [:]
    }

    mutating func declareFunction(_ name: [UInt8], _ type: CFunctionType, label: [UInt8]?) throws(CDeclError) {
        if definitions.typedefs[name] != nil {
            throw error("'\(String(decoding: name, as: UTF8.self))' is declared as a type")
        }
        if let existing = definitions.functions[name], !Self.same(.function(existing.type), .function(type)) {
            throw error("conflicting declaration of function '\(String(decoding: name, as: UTF8.self))'")
        }
        definitions.functions[name] = CFunctionDeclaration(type: type, symbol: label)
    }

    /// Whether two declared types are the same for alien: the same layout
    /// and the same way of crossing to C.
    static func same(_ a: CDeclType, _ b: CDeclType) -> Bool {
        switch (a, b) {
        case (.void, .void), (.enumeration, .enumeration), (.plainChar, .plainChar): return true
        case (.scalar(let x), .scalar(let y)): return x.kind == y.kind   // size_t and unsigned long are one type
        case (.scalar(let x), .enumeration), (.enumeration, .scalar(let x)): return x.kind == AlienType.int.kind
        case (.plainChar, .scalar(let x)), (.scalar(let x), .plainChar): return x == CDeclType.plainCharType
        case (.opaque(let s1, let a1), .opaque(let s2, let a2)): return s1 == s2 && a1 == a2
        case (.pointer(let x), .pointer(let y)): return x.pointerKind == y.pointerKind
        case (.array(let x, let n), .array(let y, let m)): return n == m && same(x, y)
        case (.record(let x), .record(let y)): return x === y || (x.descriptor != nil && x.descriptor == y.descriptor)
        case (.function(let f), .function(let g)):
            return f.isVariadic == g.isVariadic && f.parameters.count == g.parameters.count && same(f.result, g.result)
                && zip(f.parameters, g.parameters).allSatisfy { same($0.0, $0.1) || $0.0.parameterDescriptor == $0.1.parameterDescriptor }
        default: return false
        }
    }
}
