import CLibc
import AlienBridge
import CFFI

/// A function's types, resolved once by `types()` into what a call needs:
/// the alien type of each argument and libffi's prepared call interface.
/// Its arrays are malloc'd because the cif points into them for as long
/// as the function object lives.
struct Signature {
    var returnType: AlienType = .int
    var argumentCount: Int32 = 0
    /// Number of `ref` arguments, whose read-back values follow the result.
    var refCount: Int32 = 0
    var argumentTypes: UnsafeMutablePointer<AlienType>?
    var ffiArgumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>?
    var isPrepared = false

    /// Replaces the types and prepares `cif` for them.
    mutating func set(returnType: AlienType, arguments: [AlienType], abi: ffi_abi,
                      cif: UnsafeMutablePointer<ffi_cif>, function: AlienError.FunctionName) throws(AlienError) {
        release()
        let count = arguments.count
        let types = UnsafeMutablePointer<AlienType>.allocate(capacity: max(count, 1))
        let ffiTypes = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: max(count, 1))
        for (index, type) in arguments.enumerated() {
            types[index] = type
            ffiTypes[index] = type.ffiType
        }
        argumentTypes = types
        ffiArgumentTypes = ffiTypes
        argumentCount = Int32(count)
        refCount = Int32(arguments.filter { $0.isRef }.count)
        self.returnType = returnType
        guard ffi_prep_cif(cif, abi, UInt32(count), returnType.ffiType, ffiTypes) == FFI_OK else {
            release()
            throw .libffi(.signature(function))
        }
        isPrepared = true
    }

    mutating func release() {
        argumentTypes?.deallocate()
        ffiArgumentTypes?.deallocate()
        self = Signature()
    }
}

/// The ABI named by the string at `index`, or nil there: "default", "cdecl",
/// or "stdcall" (the default where the platform has no such convention).
func resolveABI(_ stack: LuaStack, at index: Int32, function: AlienError.FunctionName) throws(AlienError) -> ffi_abi {
    if stack.isNoneOrNil(at: index) || stack.isString(at: index, "default") || stack.isString(at: index, "cdecl")
        || stack.isString(at: index, "stdcall") {
        return alien_ffi_default_abi()
    }
    throw .badSignature(function, .unknownABI(stack.string(at: index) ?? "?"))
}

/// Reads `ret, abi, arg...` type names from the stack.
enum SignatureText {
    struct Parsed {
        var returnType: AlienType
        var abi: ffi_abi
        var arguments: [AlienType]
    }

    static func parse(_ stack: LuaStack, firstIndex: Int32, function: AlienError.FunctionName) throws(AlienError) -> Parsed {
        let returnType: AlienType
        if stack.isNoneOrNil(at: firstIndex) {
            returnType = .int
        } else {
            returnType = try typeName(stack, at: firstIndex, part: .returnType, function: function)
            guard !returnType.isRef else { throw .badSignature(function, .refReturn) }
        }
        if !stack.isNoneOrNil(at: firstIndex + 1) && stack.type(at: firstIndex + 1) != ALIEN_TSTRING {
            throw .badSignature(function, .abiNotAString(got: stack.typeName(at: firstIndex + 1)))
        }
        let abi = try resolveABI(stack, at: firstIndex + 1, function: function)
        var arguments: [AlienType] = []
        let top = stack.top
        if top >= firstIndex + 2 {
            for index in (firstIndex + 2)...top {
                let type = try typeName(stack, at: index, part: .argument(arguments.count + 1), function: function)
                guard type != .void else {
                    throw .badSignature(function, .voidArgument(arguments.count + 1))
                }
                arguments.append(type)
            }
        }
        guard arguments.count <= Int(ALIEN_MAXARGS) else {
            throw .badSignature(function, .tooManyArguments(arguments.count))
        }
        return Parsed(returnType: returnType, abi: abi, arguments: arguments)
    }

    static func typeName(_ stack: LuaStack, at index: Int32, part: AlienError.SignaturePart,
                         function: AlienError.FunctionName) throws(AlienError) -> AlienType {
        guard let name = stack.bytes(at: index) else {
            throw .badSignature(function, .notATypeName(part, got: stack.typeName(at: index)))
        }
        guard let type = AlienType(name: name) else {
            throw .unknownType(stack.string(at: index) ?? "?", in: function, part: part)
        }
        return type
    }
}
