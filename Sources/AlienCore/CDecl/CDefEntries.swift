import CLibc
import AlienBridge

/// `alien.cdef` and the module functions that name C types (SPEC section 14).

extension CDefinitions {
    /// The type a C type name stands for (`"struct tm"`, `"uint8_t"`,
    /// `"struct timeval *"`), resolved once per name; nil when it names none.
    func resolve(_ name: UnsafeRawBufferPointer) -> CTypeRef? {
        let key = Array(name)
        if let type = resolvedNames[key] { return type }
        guard let type = CDefinitions.parseTypeName(name, in: self) else { return nil }
        resolvedNames[key] = type
        return type
    }

    /// A type name read with these definitions (a pointer or array is what it is to alien: a scalar).
    static func parseTypeName(_ name: UnsafeRawBufferPointer, in definitions: CDefinitions) -> CTypeRef? {
        do throws(CDeclError) {
            var parser = try CParser(name, into: definitions)
            let type = try parser.typeName()
            guard parser.atEnd else { return nil }
            return type.isVoid ? CTypes.scalar(.void) : type.descriptor
        } catch {
            return nil
        }
    }

}

extension LuaStack {
    /// A C type name that is not one of alien's own (section 3).
    func cTypeName(_ name: UnsafeRawBufferPointer) -> CTypeRef? {
        if let definitions = CDefinitions.of(self) { return definitions.resolve(name) }
        // No cdef in this state: the built-in names and keywords only, read
        // into definitions of their own (a `struct x` would declare x there).
        return CDefinitions.parseTypeName(name, in: CDefinitions())
    }
}

/// `alien.cdef(source)`: the adapter has made sure the state's definitions exist.
@_cdecl("alien_core_cdef")
public func alienCoreCdef(_ state: OpaquePointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let source = stack.bytes(at: 1) else {
            throw .wrongType(1, of: "cdef", expected: "string", got: stack.typeName(at: 1))
        }
        guard let definitions = CDefinitions.of(stack) else { return 0 }
        do throws(CDeclError) {
            var parser = try CParser(source, into: definitions)
            try parser.parseAll()
        } catch {
            throw .cdef(error.text)
        }
        return 0
    }
}

/// `alien.constants.NAME`: an enum constant declared by cdef, or nil.
@_cdecl("alien_core_cdef_constant")
public func alienCoreCdefConstant(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.nilValue
        if let name = stack.bytes(at: 2), let value = CDefinitions.of(stack)?.constants[Array(name)] {
            out[0] = CToLua.integerValue(value, of: .longlong)
        }
        return 1
    }
}

/// Types a new function object by its cdef declaration, if it has one, and
/// gives the symbol to look it up by (an `__asm__` label, else its name).
func declaredFunction(_ stack: LuaStack, named name: String) -> CFunctionDeclaration? {
    guard let definitions = CDefinitions.of(stack) else { return nil }
    return definitions.functions[Array(name.utf8)]
}

/// `alien.typeof(T)`: the struct type table (or the name) of a type.
@_cdecl("alien_core_typeof")
public func alienCoreTypeof(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        out[0] = CToLua.typeValue(try stack.namedType(of: "typeof"))
        return 1
    }
}

/// `alien.offsetof(T, field)`.
@_cdecl("alien_core_offsetof")
public func alienCoreOffsetof(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = try stack.namedType(of: "offsetof")
        guard type.isAggregate else { throw .badArgument(1, of: "offsetof", .note("a struct or union type expected")) }
        guard let name = stack.bytes(at: 2) else {
            throw .wrongType(2, of: "offsetof", expected: "field name", got: stack.typeName(at: 2))
        }
        guard let (_, field) = type.field(named: name) else {
            throw .badArgument(2, of: "offsetof", .composite(.unknownField(stack.string(at: 2) ?? "?")))
        }
        out[0] = CToLua.integerValue(Int64(field.offset), of: .size_t)
        return 1
    }
}

/// `alien.new(T [, init])`, step one: the struct or union type of T.
@_cdecl("alien_core_new_type")
public func alienCoreNewType(_ state: OpaquePointer, _ out: UnsafeMutablePointer<UnsafePointer<alien_ctype>?>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = try stack.namedType(of: "new")
        guard type.isAggregate else { throw .badArgument(1, of: "new", .note("a struct or union type expected")) }
        out.pointee = type
        return 0
    }
}

/// Step two: the instance at stack index 3 takes the value at index 2 (a table or an instance).
@_cdecl("alien_core_new_init")
public func alienCoreNewInit(_ state: OpaquePointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let instance = InstanceObject.at(3, in: stack) else { throw .notAnInstance }
        try AggregateValue.store(stack, index: 2, as: instance.pointee.type,
                                 into: try instance.pointee.memory(function: "new"), context: .argument(2, of: "new"),
                                 partial: true)
        return 0
    }
}
