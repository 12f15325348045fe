import CLibc
import AlienBridge

/// A recursive-descent reader of C declarations as they are after the
/// preprocessor (SPEC section 14), with the GNU extensions system headers
/// use. It declares into a CDefinitions as it goes. What it cannot use it
/// skips: function bodies, `__asm__` statements, `_Static_assert`, unknown
/// attributes.
struct CParser {
    private var lexer: CLexer
    private var token: CToken
    private var lookahead: CToken?
    private let definitions: CDefinitions
    private var depth = 0
    static let maxDepth = 200
    static let maxDerivations = 64

    init(_ source: UnsafeRawBufferPointer, into definitions: CDefinitions) throws(CDeclError) {
        lexer = CLexer(source)
        self.definitions = definitions
        token = CToken(kind: .end, start: 0, count: 0, line: 1, column: 1)
        token = try lexer.next()
    }

    // MARK: tokens

    private var text: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: lexer.source[token.start..<(token.start + token.count)])
    }

    private func bytes(_ t: CToken) -> [UInt8] { Array(lexer.source[t.start..<(t.start + t.count)]) }

    private func `is`(_ word: StaticString) -> Bool { Self.equal(text, word) }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        bytes.count == word.utf8CodeUnitCount && (bytes.count == 0 || memcmp(bytes.baseAddress!, word.utf8Start, bytes.count) == 0)
    }

    private func isAny(_ words: [StaticString]) -> Bool { words.contains { `is`($0) } }

    private mutating func advance() throws(CDeclError) {
        if let next = lookahead { token = next; lookahead = nil } else { token = try lexer.next() }
    }

    private mutating func peek() throws(CDeclError) -> CToken {
        if lookahead == nil { lookahead = try lexer.next() }
        return lookahead!
    }

    private mutating func accept(_ word: StaticString) throws(CDeclError) -> Bool {
        guard token.kind != .end, token.kind != .string, `is`(word) else { return false }
        try advance()
        return true
    }

    private mutating func expect(_ word: StaticString) throws(CDeclError) {
        guard try accept(word) else { throw error("'\(word.text)' expected") }
    }

    private func error(_ message: String) -> CDeclError {
        let shown = token.kind == .end ? "end of input" : String(decoding: text.prefix(40), as: UTF8.self)
        return CDeclError(message: message, line: token.line, column: token.column, token: shown)
    }

    private mutating func nest() throws(CDeclError) {
        depth += 1
        guard depth < Self.maxDepth else { throw error("declarations nested too deeply") }
    }

    /// Skips a balanced (...) , [...] or {...} group starting at the current token.
    private mutating func skipGroup() throws(CDeclError) {
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

    private mutating func externalDeclaration() throws(CDeclError) {
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

    private mutating func skipInitializer() throws(CDeclError) {
        while token.kind != .end && !(token.kind == .punctuator && (`is`(",") || `is`(";"))) {
            if token.kind == .punctuator && (`is`("(") || `is`("{") || `is`("[")) { try skipGroup() } else { try advance() }
        }
    }

    /// `__asm__("label")` and attributes after a declarator; returns the label.
    private mutating func trailingExtensions(_ specifiers: inout Specifiers) throws(CDeclError) -> [UInt8]? {
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

    private mutating func declareTypedef(_ name: [UInt8], _ type: CDeclType) throws(CDeclError) {
        if definitions.functions[name] != nil {
            throw error("'\(String(decoding: name, as: UTF8.self))' is declared as a function")
        }
        if let existing = definitions.typedefs[name], !Self.same(existing, type) {
            throw error("conflicting redefinition of typedef '\(String(decoding: name, as: UTF8.self))'")
        }
        definitions.typedefs[name] = type
        definitions.resolvedNames = [:]
    }

    private mutating func declareFunction(_ name: [UInt8], _ type: CFunctionType, label: [UInt8]?) throws(CDeclError) {
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

    // MARK: specifiers

    struct Attributes {
        var packed = false
        var aligned: Int?
    }

    struct Specifiers {
        var type: CDeclType = .scalar(.int)
        var isTypedef = false
        var attributes = Attributes()
    }

    private static let ignored: [StaticString] = [
        "extern", "static", "auto", "register", "inline", "__inline", "__inline__", "_Noreturn", "__thread",
        "_Thread_local", "const", "volatile", "restrict", "__restrict", "__restrict__", "__const", "__const__",
        "__volatile", "__volatile__", "__extension__", "_Atomic", "__signed__x",
    ]

    private mutating func declarationSpecifiers() throws(CDeclError) -> Specifiers {
        var specifiers = Specifiers()
        var base: CDeclType?
        var basic = BasicType()
        loop: while token.kind == .identifier {
            if `is`("typedef") { specifiers.isTypedef = true; try advance(); continue }
            if isAny(Self.ignored) { try advance(); continue }
            if isAny(Self.kwAttribute) { try attribute(&specifiers.attributes); continue }
            if isAny(Self.kwAlignas) {
                try advance(); try expect("(")
                specifiers.attributes.aligned = try alignment(constantExpression())
                try expect(")")
                continue
            }
            if let word = BasicType.Word(self) {
                guard base == nil, basic.add(word) else { throw error("invalid combination of type specifiers") }
                try advance()
                continue
            }
            guard base == nil && basic.isEmpty else { break loop }
            if `is`("void") { base = .void; try advance(); continue }
            if `is`("_Bool") { base = .scalar(.char); try advance(); continue }
            if isAny(Self.kwInt128) { base = .opaque(size: 16, align: 16); try advance(); continue }
            if isAny(Self.kwFloat128) { base = .opaque(size: 16, align: 16); try advance(); continue }
            if isAny(Self.kwFloat32) { base = .scalar(.float); try advance(); continue }
            if isAny(Self.kwFloat64) { base = .scalar(.double); try advance(); continue }
            if isAny(Self.kwComplex) { throw error("complex types are not supported") }
            if isAny(Self.kwTypeof) { throw error("typeof is not supported") }
            if isAny(Self.kwStruct) { base = try recordSpecifier(&specifiers.attributes); continue }
            if `is`("enum") { base = try enumSpecifier(); continue }
            if let type = definitions.typedef(bytes(token)) { base = type; try advance(); continue }
            break
        }
        if let base {
            specifiers.type = base
        } else if let type = basic.type {
            specifiers.type = type
        } else {
            throw error(basic.isEmpty ? (token.kind == .identifier ? "unknown type name" : "a type expected")
                                      : "invalid combination of type specifiers")
        }
        return specifiers
    }

    /// The keywords of C's arithmetic types, in any order, and the type they make.
    struct BasicType {
        enum Word {
            case signed, unsigned, short, long, int, char, float, double

            init?(_ parser: CParser) {
                if parser.isAny(CParser.kwSigned) { self = .signed }
                else if parser.is("unsigned") { self = .unsigned }
                else if parser.is("short") { self = .short }
                else if parser.is("long") { self = .long }
                else if parser.is("int") { self = .int }
                else if parser.is("char") { self = .char }
                else if parser.is("float") { self = .float }
                else if parser.is("double") { self = .double }
                else { return nil }
            }
        }

        var signedness: Bool?   // true: signed
        var shorts = 0, longs = 0, ints = 0, chars = 0, floats = 0, doubles = 0

        var isEmpty: Bool { signedness == nil && shorts + longs + ints + chars + floats + doubles == 0 }

        /// Adds a keyword; false when C allows no such repetition.
        mutating func add(_ word: Word) -> Bool {
            switch word {
            case .signed, .unsigned:
                guard signedness == nil else { return false }
                signedness = word == .signed
            case .short: shorts += 1
            case .long: longs += 1
            case .int: ints += 1
            case .char: chars += 1
            case .float: floats += 1
            case .double: doubles += 1
            }
            return shorts <= 1 && longs <= 2 && ints <= 1 && chars <= 1 && floats <= 1 && doubles <= 1
        }

        /// The type, or nil for a combination C does not have.
        var type: CDeclType? {
            let unsigned = signedness == false
            if floats + doubles > 0 {
                guard signedness == nil, shorts == 0, ints == 0, chars == 0, floats + doubles == 1 else { return nil }
                if floats == 1 { return longs == 0 ? .scalar(.float) : nil }
                return longs == 0 ? .scalar(.double) : longs == 1 ? .opaque(size: 16, align: 16) : nil
            }
            if chars == 1 {
                guard shorts == 0, longs == 0, ints == 0 else { return nil }
                return signedness == nil ? .plainChar : .scalar(unsigned ? .char : .byte)
            }
            if shorts == 1 { return longs == 0 ? .scalar(unsigned ? .ushort : .short) : nil }
            if longs == 1 { return .scalar(unsigned ? .ulong : .long) }
            if longs == 2 { return .scalar(unsigned ? .ulonglong : .longlong) }
            if ints == 1 || signedness != nil { return .scalar(unsigned ? .uint : .int) }
            return nil
        }
    }

    /// `__attribute__((...))`: packed and aligned(n) are used, the rest skipped.
    private mutating func attribute(_ attributes: inout Attributes) throws(CDeclError) {
        try advance()
        try expect("(")
        try expect("(")
        while !(token.kind == .punctuator && `is`(")")) {
            guard token.kind != .end else { throw error("unterminated attribute") }
            if isAny(Self.kwPacked) {
                attributes.packed = true
                try advance()
            } else if isAny(Self.kwAligned) {
                try advance()
                if try accept("(") {
                    attributes.aligned = try alignment(constantExpression())
                    try expect(")")
                } else {
                    attributes.aligned = 16
                }
            } else if token.kind == .punctuator && `is`("(") {
                try skipGroup()
            } else {
                try advance()
            }
        }
        try expect(")")
        try expect(")")
    }

    enum TagKind { case `struct`, union, enumeration }

    /// Struct, union and enum tags share one namespace in C.
    private func checkTagKind(_ tag: [UInt8], as kind: TagKind) throws(CDeclError) {
        let clash = (kind != .struct && definitions.structs[tag] != nil) || (kind != .union && definitions.unions[tag] != nil)
            || (kind != .enumeration && definitions.enums[tag] != nil)
        if clash { throw error("'\(String(decoding: tag, as: UTF8.self))' was declared as another kind of tag") }
    }

    /// An alignment as written: a power of 2 up to 4096.
    private func alignment(_ value: Int64) throws(CDeclError) -> Int {
        guard value >= 1, value <= 4096, value & (value - 1) == 0 else { throw error("alignment must be a power of 2 up to 4096") }
        return Int(value)
    }

    private mutating func recordSpecifier(_ attributes: inout Attributes) throws(CDeclError) -> CDeclType {
        let isUnion = `is`("union")
        try advance()
        var own = Attributes()
        while isAny(Self.kwAttribute) { try attribute(&own) }
        var tag: [UInt8]?
        if token.kind == .identifier {
            tag = bytes(token)
            try checkTagKind(tag!, as: isUnion ? .union : .struct)
            try advance()
        }
        let table = isUnion ? definitions.unions : definitions.structs
        guard token.kind == .punctuator && `is`("{") else {
            guard let tag else { throw error("a struct name or body expected") }
            if let record = table[tag] { return .record(record) }
            let record = CRecord(isUnion: isUnion)   // forward declaration: incomplete until its body
            if isUnion { definitions.unions[tag] = record } else { definitions.structs[tag] = record }
            return .record(record)
        }
        try advance()
        try nest()
        var fields: [FieldSpec] = []
        var storage: [[UInt8]] = []   // the members' names, in order; specs point at copies of them
        while !(token.kind == .punctuator && `is`("}")) {
            guard token.kind != .end else { throw error("'}' expected") }
            if try accept(";") { continue }
            if isAny(Self.kwStaticassert) { try advance(); try skipGroup(); try expect(";"); continue }
            let member = try declarationSpecifiers()
            if try accept(";") {   // an anonymous struct or union member: its fields are the outer's
                if case .record(let inner) = member.type, let descriptor = inner.descriptor {
                    fields.append(FieldSpec(name: UnsafeRawBufferPointer(start: nil, count: 0), type: descriptor,
                                            count: nil, anonymous: true))
                }
                continue
            }
            while true {
                var name: [UInt8]?
                var type = member.type
                if !(token.kind == .punctuator && `is`(":")) { (name, type) = try declarator(member.type, abstract: false) }
                var bits: Int?
                if try accept(":") { bits = Int(try constantExpression()) }
                var own = member
                own.attributes.aligned = nil
                _ = try trailingExtensions(&own)
                let aligned = own.attributes.aligned ?? member.attributes.aligned
                if let bits {
                    guard case .scalar(let scalar) = type.isEnumeration ? .scalar(.int) : (type.isPlainChar ? .scalar(CDeclType.plainCharType) : type),
                          scalar.isInteger, bits >= 0, bits <= scalar.size * 8 else { throw error("bad bit-field") }
                    storage.append(name ?? [])
                    fields.append(FieldSpec(name: UnsafeRawBufferPointer(start: nil, count: 0), type: CTypes.scalar(scalar),
                                            count: nil, bits: bits, unnamed: name == nil))
                } else {
                    guard let name else { throw error("a member name expected") }
                    if case .array(let element, let count?) = type, count > 0, let size = element.descriptor?.size,
                       size > Int(Int32.max) / count {
                        throw error("array larger than 2147483647 bytes")
                    }
                    guard let descriptor = type.descriptor else {
                        if case .array(_, let count) = type, count == nil || count == 0 {   // a flexible array member: no room
                            if try accept(",") { continue }
                            try expect(";")
                            break
                        }
                        throw error("member '\(String(decoding: name, as: UTF8.self))' has an incomplete type")
                    }
                    storage.append(name)
                    var field = FieldSpec(name: UnsafeRawBufferPointer(start: nil, count: 0), type: descriptor, count: nil)
                    field.alignment = aligned
                    fields.append(field)
                }
                if try accept(",") { continue }
                try expect(";")
                break
            }
        }
        try advance()   // }
        depth -= 1
        while isAny(Self.kwAttribute) { try attribute(&own) }
        attributes.packed = attributes.packed || own.packed
        // names: bind each spec to its bytes (specs made above carry empty names; fill them in order)
        var nameIndex = 0
        let descriptor: CTypeRef = try withNames(storage) { (buffers) throws(CDeclError) -> CTypeRef in
            for index in fields.indices where !fields[index].anonymous {
                if fields[index].bits != nil && fields[index].unnamed {
                    nameIndex += 1
                    continue
                }
                fields[index].name = buffers[nameIndex]
                nameIndex += 1
            }
            if fields.isEmpty { throw error("a struct needs at least one member") }
            let total = fields.reduce(0) { $0 + $1.type.size }
            guard total <= Int(Int32.max) else { throw error("type larger than 2147483647 bytes") }
            return CompositeBuilder.make(union: isUnion, fields: fields, pack: own.packed ? 1 : 0, minimumAlignment: own.aligned ?? 1)
        }
        let record: CRecord
        if let tag {
            if let existing = table[tag] {
                if let old = existing.descriptor, old != descriptor {
                    throw error("conflicting redefinition of \(isUnion ? "union" : "struct") '\(String(decoding: tag, as: UTF8.self))'")
                }
                existing.descriptor = descriptor
                record = existing
            } else {
                record = CRecord(isUnion: isUnion, descriptor: descriptor)
                if isUnion { definitions.unions[tag] = record } else { definitions.structs[tag] = record }
            }
            definitions.resolvedNames = [:]
        } else {
            record = CRecord(isUnion: isUnion, descriptor: descriptor)
        }
        return .record(record)
    }

    private func withNames<R>(_ names: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws(CDeclError) -> R) throws(CDeclError) -> R {
        let total = names.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var buffers: [UnsafeRawBufferPointer] = []
        var offset = 0
        for name in names {
            name.withUnsafeBytes { (storage + offset).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(storage), byteCount: $0.count) }
            buffers.append(UnsafeRawBufferPointer(start: storage + offset, count: name.count))
            offset += name.count
        }
        return try body(buffers)
    }

    private mutating func enumSpecifier() throws(CDeclError) -> CDeclType {
        try advance()
        var ignored = Attributes()
        while isAny(Self.kwAttribute) { try attribute(&ignored) }
        var tag: [UInt8]?
        if token.kind == .identifier {
            tag = bytes(token)
            try checkTagKind(tag!, as: .enumeration)
            if definitions.enums[tag!] == nil { definitions.enums[tag!] = [] }
            try advance()
        }
        if try accept("{") {
            var names: [[UInt8]] = []
            defer {
                if let tag, let old = definitions.enums[tag], old.isEmpty { definitions.enums[tag] = names }
            }
            var value: Int64 = 0
            while !(token.kind == .punctuator && `is`("}")) {
                guard token.kind == .identifier else { throw error("an enumerator name expected") }
                let name = bytes(token)
                try advance()
                while isAny(Self.kwAttribute) { try attribute(&ignored) }
                if try accept("=") { value = try constantExpression() }
                if let existing = definitions.constants[name], existing != value {
                    throw error("conflicting value for enumerator '\(String(decoding: name, as: UTF8.self))'")
                }
                definitions.constants[name] = value
                names.append(name)
                value &+= 1
                if !(try accept(",")) { break }
            }
            try expect("}")
            if let tag, let old = definitions.enums[tag], !old.isEmpty, old != names {
                throw error("conflicting redefinition of enum '\(String(decoding: tag, as: UTF8.self))'")
            }
        } else if tag == nil {
            throw error("an enum name or body expected")
        }
        while isAny(Self.kwAttribute) { try attribute(&ignored) }
        return .enumeration
    }

    // MARK: declarators

    /// How a declarator derives its type from the specifiers', applied in order.
    private enum Derivation {
        case pointer
        case array(Int?)
        case function([CDeclType], variadic: Bool)
    }

    /// A declarator (named or abstract): its name, if any, and its type.
    private mutating func declarator(_ base: CDeclType, abstract: Bool) throws(CDeclError) -> ([UInt8]?, CDeclType) {
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

    private mutating func declaratorParts() throws(CDeclError) -> ([UInt8]?, [Derivation]) {
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
    private mutating func startsNestedDeclarator() throws(CDeclError) -> Bool {
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
    private static let kwAlignas: [StaticString] = ["_Alignas", "alignas"]
    private static let kwAligned: [StaticString] = ["aligned", "__aligned__"]
    private static let kwAsm: [StaticString] = ["asm", "__asm", "__asm__"]
    private static let kwAttribute: [StaticString] = ["__attribute__", "__attribute"]
    private static let kwAttributeOrAsm: [StaticString] = ["__attribute__", "__attribute", "asm", "__asm", "__asm__"]
    private static let kwComplex: [StaticString] = ["_Complex", "__complex__"]
    private static let kwFloat128: [StaticString] = ["_Float128", "__float128", "_Float64x"]
    private static let kwFloat32: [StaticString] = ["_Float32"]
    private static let kwFloat64: [StaticString] = ["_Float64", "_Float32x"]
    private static let kwInt128: [StaticString] = ["__int128", "__int128_t", "__uint128_t"]
    private static let kwPacked: [StaticString] = ["packed", "__packed__"]
    static let kwSigned: [StaticString] = ["signed", "__signed", "__signed__"]
    private static let kwSizeof: [StaticString] = ["sizeof", "_Alignof", "__alignof__", "alignof"]
    private static let kwStaticassert: [StaticString] = ["_Static_assert", "static_assert"]
    private static let kwStruct: [StaticString] = ["struct", "union"]
    private static let kwTypeof: [StaticString] = ["typeof", "__typeof__", "__typeof"]
    private static let kwVoid: [StaticString] = ["void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool", "struct",
               "union", "enum", "const", "volatile", "__const", "__signed__", "__extension__", "__int128",
               "register", "restrict", "__restrict"]

    private static let keywords: [StaticString] = [
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
        "_Bool", "_Complex", "_Alignas", "_Alignof", "_Atomic", "_Static_assert", "_Noreturn", "_Thread_local",
    ]

    private func isKeyword() -> Bool { isAny(Self.keywords) }

    private func isTypeStart() -> Bool {
        isAny(Self.kwVoid)
            || definitions.typedef(bytes(token)) != nil
    }

    /// A parameter list, after its '('.
    private mutating func parameters() throws(CDeclError) -> Derivation {
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

    // MARK: constant expressions

    mutating func constantExpression() throws(CDeclError) -> Int64 { try conditional() }

    private mutating func conditional() throws(CDeclError) -> Int64 {
        try nest()
        defer { depth -= 1 }
        let condition = try binary(0)
        guard try accept("?") else { return condition }
        let yes = try constantExpression()
        try expect(":")
        let no = try conditional()
        return condition != 0 ? yes : no
    }

    private static let precedence: [(StaticString, Int)] = [
        ("||", 1), ("&&", 2), ("|", 3), ("^", 4), ("&", 5), ("==", 6), ("!=", 6), ("<", 7), (">", 7), ("<=", 7),
        (">=", 7), ("<<", 8), (">>", 8), ("+", 9), ("-", 9), ("*", 10), ("/", 10), ("%", 10),
    ]

    private mutating func binary(_ minimum: Int) throws(CDeclError) -> Int64 {
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

    private mutating func unary() throws(CDeclError) -> Int64 {
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

    private mutating func number() throws(CDeclError) -> Int64 {
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

    private mutating func character() throws(CDeclError) -> Int64 {
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

extension CDeclType {
    var isEnumeration: Bool { if case .enumeration = self { return true } else { return false } }
    var isPlainChar: Bool { if case .plainChar = self { return true } else { return false } }
}
