import CLibc
import AlienBridge

/// Declarators (SPEC section 14): pointers, arrays, functions and their
/// parameters, nested and abstract, applied to the specifiers' type.
extension CParser {

    /// How a declarator derives its type from the specifiers', applied in order.
    enum Derivation {
        case pointer
        case array(Int?)
        case function([CDeclType], variadic: Bool)
    }

    /// A declarator (named or abstract): its name, if any, and its type.
    mutating func declarator(_ base: CDeclType, abstract: Bool) throws(CDeclError) -> ([UInt8]?, CDeclType) {
        let (name, derivations) = try declaratorParts()
        var type = base
        for derivation in derivations {
            switch derivation {
            case .pointer: type = .pointer(type)
            case .array(let count): type = .array(type, count: count)
            case .function(let parameters, let variadic):
                type = .function(CFunctionType(result: type, parameters: parameters, isVariadic: variadic))
            }
        }
        return (name, type)
    }

    mutating func declaratorParts() throws(CDeclError) -> ([UInt8]?, [Derivation]) {
        try nest()
        defer { depth -= 1 }
        var pointers = 0
        var ignored = Attributes()
        while true {
            if try accept("*") {
                pointers += 1
                guard pointers <= Self.maxDerivations else { throw error("declarator too complex") }
                continue
            }
            if token.kind == .identifier && isAny(Self.ignored) { try advance(); continue }
            if token.kind == .identifier && isAny(Self.kwAttribute) { try attribute(&ignored); continue }
            break
        }
        var name: [UInt8]?
        var inner: [Derivation] = []
        if token.kind == .punctuator && `is`("("), try startsNestedDeclarator() {
            try advance()
            (name, inner) = try declaratorParts()
            try expect(")")
        } else if token.kind == .identifier && !isAny(Self.kwAttributeOrAsm) {
            guard !isKeyword() else { throw error("a name expected, not a keyword") }
            name = bytes(token)
            try advance()
        }
        var suffixes: [Derivation] = []
        while token.kind == .punctuator {
            if try accept("[") {
                var count: Int?
                while token.kind == .identifier && (isAny(Self.ignored) || `is`("static")) { try advance() }
                if !(token.kind == .punctuator && `is`("]")) {
                    let value = try constantExpression()
                    guard value >= 0, value <= Int64(Int32.max) else { throw error("array size out of range") }
                    count = Int(value)
                }
                try expect("]")
                suffixes.append(.array(count))
            } else if try accept("(") {
                suffixes.append(try parameters())
            } else {
                break
            }
        }
        // Deeper types than this are no real C: refused before they nest (their values would too).
        guard pointers + suffixes.count + inner.count <= Self.maxDerivations else { throw error("declarator too complex") }
        var derivations = [Derivation](repeating: .pointer, count: pointers)
        derivations += suffixes.reversed()
        derivations += inner
        return (name, derivations)
    }

    /// After '(' in a declarator: a nested declarator rather than a parameter list.
    mutating func startsNestedDeclarator() throws(CDeclError) -> Bool {
        let next = try peek()
        let saved = token
        token = next
        defer { token = saved }
        if next.kind == .punctuator { return `is`("*") || `is`("(") || `is`("[") || `is`("^") }
        if next.kind == .identifier {
            if isAny(Self.kwAttribute) { return true }
            return !isTypeStart()
        }
        return false
    }

    // Keyword spellings, made once (a literal array at each use would be built at each use).
    static let kwAlignas: [StaticString] = ["_Alignas", "alignas"]
    static let kwAligned: [StaticString] = ["aligned", "__aligned__"]
    static let kwAsm: [StaticString] = ["asm", "__asm", "__asm__"]
    static let kwAttribute: [StaticString] = ["__attribute__", "__attribute"]
    static let kwAttributeOrAsm: [StaticString] = ["__attribute__", "__attribute", "asm", "__asm", "__asm__"]
    static let kwComplex: [StaticString] = ["_Complex", "__complex__"]
    static let kwFloat128: [StaticString] = ["_Float128", "__float128", "_Float64x"]
    static let kwFloat32: [StaticString] = ["_Float32"]
    static let kwFloat64: [StaticString] = ["_Float64", "_Float32x"]
    static let kwInt128: [StaticString] = ["__int128", "__int128_t", "__uint128_t"]
    static let kwPacked: [StaticString] = ["packed", "__packed__"]
    static let kwSigned: [StaticString] = ["signed", "__signed", "__signed__"]
    static let kwSizeof: [StaticString] = ["sizeof", "_Alignof", "__alignof__", "alignof"]
    static let kwStaticassert: [StaticString] = ["_Static_assert", "static_assert"]
    static let kwStruct: [StaticString] = ["struct", "union"]
    static let kwTypeof: [StaticString] = ["typeof", "__typeof__", "__typeof"]
    static let kwVoid: [StaticString] = ["void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool", "struct",
               "union", "enum", "const", "volatile", "__const", "__signed__", "__extension__", "__int128",
               "register", "restrict", "__restrict"]

    static let keywords: [StaticString] = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
        "_Bool", "_Complex", "_Alignas", "_Alignof", "_Atomic", "_Static_assert", "_Noreturn", "_Thread_local",
    ]

    func isKeyword() -> Bool { isAny(Self.keywords) }

    func isTypeStart() -> Bool {
        isAny(Self.kwVoid)
            || definitions.typedef(bytes(token)) != nil
    }

    /// A parameter list, after its '('.
    mutating func parameters() throws(CDeclError) -> Derivation {
        var list: [CDeclType] = []
        var variadic = false
        if try accept(")") { return .function([], variadic: false) }
        if `is`("void"), try peek().kind == .punctuator {
            let saved = token
            try advance()
            if try accept(")") { return .function([], variadic: false) }
            _ = saved
            let (_, type) = try declarator(.void, abstract: true)
            list.append(type)
            if !(try accept(",")) { try expect(")"); return .function(list, variadic: false) }
        }
        while true {
            if try accept("...") { variadic = true; try expect(")"); break }
            let specifiers = try declarationSpecifiers()
            let (_, type) = try declarator(specifiers.type, abstract: true)
            var ignored = specifiers
            _ = try trailingExtensions(&ignored)
            list.append(type)
            if try accept(",") { continue }
            try expect(")")
            break
        }
        return .function(list, variadic: variadic)
    }

    /// A type name (`sizeof(T)`, casts, and type strings from Lua): specifiers and an abstract declarator.
    mutating func typeName() throws(CDeclError) -> CDeclType {
        let specifiers = try declarationSpecifiers()
        let (name, type) = try declarator(specifiers.type, abstract: true)
        guard name == nil else { throw error("a type name expected") }
        return type
    }

    var atEnd: Bool { token.kind == .end }
}
