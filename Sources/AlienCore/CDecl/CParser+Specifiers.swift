import CLibc
import AlienBridge

/// Declaration specifiers (SPEC section 14): storage classes and qualifiers
/// skipped, attributes read, C's arithmetic type keywords combined, and
/// struct, union and enum specifiers with their bodies.
extension CParser {

    struct Attributes {
        var packed = false
        var aligned: Int?
    }

    struct Specifiers {
        var type: CDeclType = .scalar(.int)
        var isTypedef = false
        var attributes = Attributes()
    }

    static let ignored: [StaticString] = [
        "extern", "static", "auto", "register", "inline", "__inline", "__inline__", "_Noreturn", "__thread",
        "_Thread_local", "const", "volatile", "restrict", "__restrict", "__restrict__", "__const", "__const__",
        "__volatile", "__volatile__", "__extension__", "_Atomic", "__signed__x",
    ]

    mutating func declarationSpecifiers() throws(CDeclError) -> Specifiers {
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
    mutating func attribute(_ attributes: inout Attributes) throws(CDeclError) {
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
    func checkTagKind(_ tag: [UInt8], as kind: TagKind) throws(CDeclError) {
        let clash = (kind != .struct && definitions.structs[tag] != nil) || (kind != .union && definitions.unions[tag] != nil)
            || (kind != .enumeration && definitions.enums[tag] != nil)
        if clash { throw error("'\(String(decoding: tag, as: UTF8.self))' was declared as another kind of tag") }
    }

    /// An alignment as written: a power of 2 up to 4096.
    func alignment(_ value: Int64) throws(CDeclError) -> Int {
        guard value >= 1, value <= 4096, value & (value - 1) == 0 else { throw error("alignment must be a power of 2 up to 4096") }
        return Int(value)
    }

    mutating func recordSpecifier(_ attributes: inout Attributes) throws(CDeclError) -> CDeclType {
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

    func withNames<R>(_ names: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws(CDeclError) -> R) throws(CDeclError) -> R {
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

    mutating func enumSpecifier() throws(CDeclError) -> CDeclType {
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
}
