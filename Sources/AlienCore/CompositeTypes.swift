import CLibc
import AlienBridge

/// `alien.defstruct` and `alien.defunion` (SPEC sections 8 and 13), and the
/// questions Lua asks of any type value.

extension LuaStack {
    /// The type a Lua value stands for: a scalar type's name, or a struct or
    /// union type table; nil for anything else.
    @inline(__always)
    func ctype(at index: Int32) -> CTypeRef? {
        if let name = bytes(at: index) {
            if let type = AlienType(name: name) { return CTypes.scalar(type) }
            return cTypeName(name)
        }
        return alien_lua_toctype(state, index)
    }

    /// A type argument of a module function or method (`char` when absent for
    /// `get`, `set` and `array`): any type but void and the `ref` types.
    func typeValue(at index: Int32, argument: Int, of function: StaticString) throws(AlienError) -> CTypeRef {
        if isNoneOrNil(at: index) { return CTypes.scalar(.char) }
        guard let type = ctype(at: index) else {
            if let name = string(at: index) { throw .unknownType(name, in: .named(function)) }
            throw .wrongType(argument, of: .named(function), expected: "type name", got: typeName(at: index))
        }
        if type.isScalar {
            guard type.scalar != .void else { throw .unknownType("void", in: .named(function)) }
            guard !type.scalar.isRef else {
                throw .badArgument(argument, of: .named(function), .note("a ref type is for function arguments only"))
            }
        }
        return type
    }
}

/// The field's type: a scalar's name or a struct or union type, or the error.
private func fieldType(_ stack: LuaStack, at index: Int32, field: Int32, of function: StaticString) throws(AlienError) -> CTypeRef {
    guard let type = stack.ctype(at: index) else {
        if let name = stack.string(at: index) { throw .unknownType(name, in: .named(function)) }
        throw .badArgument(1, of: .named(function), .fieldType(field, got: stack.typeName(at: index)))
    }
    if type.isScalar && type.scalar == .void { throw .unknownType("void", in: .named(function)) }
    if type.isScalar && type.scalar.isRef {
        throw .badArgument(1, of: .named(function), .composite(.fieldTypeNotAllowed(field)))
    }
    return type
}

/// Step two of `alien.defstruct(fields [, options])` / `alien.defunion`: the
/// adapter has laid the stack out as [fields, options, pack, name1, type1,
/// count1, ...] for `count` fields. Writes the interned descriptor to `out`.
@_cdecl("alien_core_defcomposite")
public func alienCoreDefComposite(_ state: OpaquePointer, _ isUnion: Int32, _ count: Int32,
                                  _ out: UnsafeMutablePointer<UnsafePointer<alien_ctype>?>) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let function: StaticString = isUnion != 0 ? "defunion" : "defstruct"
        var pack = 0
        if !stack.isNoneOrNil(at: 3) {
            guard let given = stack.exactInteger(at: 3), given == 1 || given == 2 || given == 4 || given == 8 else {
                throw .badArgument(2, of: .named(function), .composite(.badPack))
            }
            pack = Int(given)
        }
        var specs: [FieldSpec] = []
        var total = 0
        for number in 1...max(count, 1) where count > 0 {
            let base = 4 + 3 * (number - 1)
            guard let name = stack.bytes(at: base), name.count > 0 else {
                throw .badArgument(1, of: .named(function), .composite(.fieldName(number)))
            }
            guard !name.contains(0) else { throw .badArgument(1, of: .named(function), .note("name contains a NUL byte")) }
            for earlier in specs where earlier.name.count == name.count && memcmp(earlier.name.baseAddress!, name.baseAddress!, name.count) == 0 {
                throw .badArgument(1, of: .named(function), .composite(.duplicateField(stack.string(at: base) ?? "?")))
            }
            let type = try fieldType(stack, at: base + 1, field: number, of: function)
            var elements: Int?
            if !stack.isNoneOrNil(at: base + 2) {
                guard let given = stack.exactInteger(at: base + 2), given >= 1,
                      given <= Int64(Int32.max) / Int64(max(type.size, 1)) else {
                    throw .badArgument(1, of: .named(function), .composite(.badCount(number)))
                }
                elements = Int(given)
            }
            total += type.size * (elements ?? 1)
            guard total <= Int(Int32.max) else { throw .badArgument(1, of: .named(function), .composite(.tooLarge)) }
            specs.append(FieldSpec(name: name, type: type, count: elements))
        }
        out.pointee = CompositeBuilder.make(union: isUnion != 0, fields: specs, pack: pack)
        return 0
    }
}

/// The name of a scalar type, for `st.types` (static storage).
@_cdecl("alien_core_ctype_name")
public func alienCoreCTypeName(_ type: UnsafePointer<alien_ctype>) -> UnsafePointer<CChar> {
    UnsafeRawPointer(type.scalar.staticName.utf8Start).assumingMemoryBound(to: CChar.self)
}
