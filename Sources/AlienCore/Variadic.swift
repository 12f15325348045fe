import CLibc
import AlienBridge
import CFFI

/// Variadic calls (SPEC section 13): the values past the fixed arguments are
/// promoted as C promotes them, and libffi prepares the call for exactly
/// those types (`ffi_prep_cif_var`, which is right on every ABI). Prepared
/// interfaces are cached per function by their list of types, so a `printf`
/// in a loop prepares once.
struct VariadicCache {
    static let capacity = 8

    struct Entry {
        var cif = ffi_cif()
        /// The variable part's types, as AlienType codes.
        var types: UnsafeMutablePointer<UInt8>?
        var count = -1
        /// Fixed then variable libffi types, which the cif points into.
        var ffiTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>?
    }

    var entries: (Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry)
    var nextVictim = 0

    static func make() -> UnsafeMutablePointer<VariadicCache> {
        let cache = UnsafeMutablePointer<VariadicCache>.allocate(capacity: 1)
        cache.initialize(to: VariadicCache(entries: (Entry(), Entry(), Entry(), Entry(), Entry(), Entry(), Entry(), Entry())))
        return cache
    }

    static func release(_ cache: UnsafeMutablePointer<VariadicCache>) {
        withEntries(cache) { entries in
            for entry in entries { clear(entry) }
        }
        cache.deallocate()
    }

    private static func clear(_ entry: UnsafeMutablePointer<Entry>) {
        entry.pointee.types?.deallocate()
        entry.pointee.ffiTypes?.deallocate()
        entry.pointee = Entry()
    }

    private static func withEntries<R>(_ cache: UnsafeMutablePointer<VariadicCache>,
                                       _ body: (UnsafeMutableBufferPointer<UnsafeMutablePointer<Entry>>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UnsafeMutablePointer<Entry>.self, capacity: capacity) { list in
            let base = UnsafeMutableRawPointer(cache).assumingMemoryBound(to: Entry.self)
            for index in 0..<capacity { list[index] = base + index }
            return body(list)
        }
    }

    /// The cif for the fixed arguments of `signature` followed by `types`:
    /// a cached one, or one prepared now in place of the oldest entry. While
    /// a call of the function runs (a callback may call it again), entries
    /// in use are never replaced: `scratch` is prepared instead.
    static func cif(for types: UnsafeBufferPointer<UInt8>, signature: inout Signature, running: Bool,
                    scratch: UnsafeMutablePointer<Entry>, function: AlienError.FunctionName) throws(AlienError)
        -> UnsafeMutablePointer<ffi_cif> {
        let cache = signature.variadicCache ?? make()
        signature.variadicCache = cache
        let fixed = Int(signature.ffiArgumentCount)
        let found: UnsafeMutablePointer<Entry>? = withEntries(cache) { entries in
            for entry in entries where entry.pointee.count == types.count
                && (types.isEmpty || memcmp(entry.pointee.types!, types.baseAddress!, types.count) == 0) {
                return entry
            }
            return nil
        }
        if let found { return UnsafeMutableRawPointer(found).assumingMemoryBound(to: ffi_cif.self) }
        let entry: UnsafeMutablePointer<Entry>
        if running {
            entry = scratch
        } else {
            entry = withEntries(cache) { $0[cache.pointee.nextVictim] }
            cache.pointee.nextVictim = (cache.pointee.nextVictim + 1) % capacity
            clear(entry)
        }
        let total = fixed + types.count
        let ffiTypes = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: max(total, 1))
        for index in 0..<fixed { ffiTypes[index] = signature.ffiArgumentTypes![index] }
        for (index, code) in types.enumerated() { ffiTypes[fixed + index] = AlienType(rawValue: code)!.ffiType }
        let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(types.count, 1))
        if !types.isEmpty { codes.initialize(from: types.baseAddress!, count: types.count) }
        entry.pointee.types = codes
        entry.pointee.ffiTypes = ffiTypes
        guard ffi_prep_cif_var(&entry.pointee.cif, signature.abi, UInt32(fixed), UInt32(total),
                               signature.returnFFIType, ffiTypes) == FFI_OK else {
            clear(entry)
            throw .libffi(.signature(function))
        }
        entry.pointee.count = types.count
        return UnsafeMutableRawPointer(entry).assumingMemoryBound(to: ffi_cif.self)
    }

    /// Frees what a scratch entry prepared (after its call).
    static func releaseScratch(_ entry: UnsafeMutablePointer<Entry>) { clear(entry) }
}

/// `alien.vararg(type, value)`: a value with the type it travels as in the
/// variable part of a call, in place of its promotion.
struct VarargObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_VARARG

    var object: alien_object_head
    var type: AlienType
    /// The value, converted, in an 8-byte slot.
    var value: UInt64
}

@_cdecl("alien_core_vararg_size")
public func alienCoreVarargSize() -> Int { MemoryLayout<VarargObject>.size }

/// The zeroed block becomes the vararg for [type, value] at stack indices 1 and 2.
@_cdecl("alien_core_vararg_init")
public func alienCoreVarargInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let type = try stack.typeValue(at: 1, argument: 1, of: "vararg")
        guard type.isScalar else {
            throw .badArgument(1, of: "vararg", .note("a scalar type expected (pass structs by pointer)"))
        }
        // C promotes what it passes through `...`: small integers to int, float to double.
        let travels: AlienType
        switch type.scalar {
        case .byte, .char, .short, .ushort: travels = .int
        case .float: travels = .double
        default: travels = type.scalar
        }
        var value: UInt64 = 0
        try LuaToC.store(stack, index: 2, as: travels, into: &value, context: .argument(2, of: "vararg"))
        block.bindMemory(to: VarargObject.self, capacity: 1).initialize(
            to: VarargObject(object: VarargObject.liveHead, type: travels, value: value))
        return 0
    }
}

enum Promotion {
    /// The type a variable argument travels as, and its value stored in `slot`.
    @inline(__always)
    static func store(_ stack: LuaStack, index: Int32, into slot: UnsafeMutableRawPointer,
                      context: AlienError.ValueContext) throws(AlienError) -> AlienType {
        switch stack.type(at: index) {
        case ALIEN_TNUMBER:
            // 5.3 and later: the number's subtype decides. Before, every
            // number is a float, and an integral one is taken for an integer.
            if alien_lua_has_integers() != 0 {
                if alien_lua_isinteger(stack.state, index) != 0, let value = stack.integer(at: index) {
                    return integer(value, into: slot)
                }
            } else if let value = stack.number(at: index), value == value.rounded(.towardZero),
                      value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0 {
                return integer(Int64(value), into: slot)
            }
            guard let value = stack.number(at: index) else { break }
            slot.storeBytes(of: value, as: Double.self)
            return .double
        case ALIEN_TSTRING:
            slot.storeBytes(of: UnsafeRawPointer(stack.cString(at: index)), as: UnsafeRawPointer?.self)
            return .string
        case ALIEN_TUSERDATA:
            if let vararg = VarargObject.at(index, in: stack) {
                slot.storeBytes(of: vararg.pointee.value, as: UInt64.self)
                return vararg.pointee.type
            }
            try LuaToC.store(stack, index: index, as: .pointer, into: slot, context: context)
            return .pointer
        case ALIEN_TNIL, ALIEN_TLIGHTUSERDATA:
            try LuaToC.store(stack, index: index, as: .pointer, into: slot, context: context)
            return .pointer
        default:
            break
        }
        throw .badValue(context, .noPromotion(got: stack.typeName(at: index)))
    }

    @inline(__always)
    private static func integer(_ value: Int64, into slot: UnsafeMutableRawPointer) -> AlienType {
        if value >= Int64(Int32.min) && value <= Int64(Int32.max) {
            AlienType.int.storeInteger(value, to: slot)
            return .int
        }
        slot.storeBytes(of: value, as: Int64.self)
        return .longlong
    }
}
