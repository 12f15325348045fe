import CLibc
import AlienBridge
import CFFI

/// A function's types, resolved once by `types()` into what a call needs:
/// the alien type of each argument and libffi's prepared call interface.
/// Its arrays are malloc'd because the cif points into them for as long
/// as the function object lives.
struct Signature {
    /// The scalar result; `.void` when the result is `returnAggregate`.
    var returnType: AlienType = .int
    /// A struct or union result (SPEC section 13).
    var returnAggregate: CTypeRef?
    var argumentCount: Int32 = 0
    /// Number of `ref` arguments, whose read-back values follow the result.
    var refCount: Int32 = 0
    /// Scalar arguments; a struct or union argument has `.pointer` here and
    /// its type in `aggregates`.
    var argumentTypes: UnsafeMutablePointer<AlienType>?
    /// Per argument, its struct or union type (nil for scalars); nil when no
    /// argument is one.
    var aggregates: UnsafeMutablePointer<CTypeRef?>?
    var ffiArgumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>?
    /// Arguments as libffi sees them: `argumentCount`, or one more when
    /// `splitArgument` is passed as its two eightbytes (LibffiWorkaround).
    var ffiArgumentCount: Int32 = 0
    var splitArgument: Int32 = -1
    /// A callback's cif for calls from Lua when `splitArgument` is set (its
    /// closure keeps the unsplit one).
    var callCIF: UnsafeMutablePointer<ffi_cif>?
    var callFFITypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>?
    /// Ends with `...`: each call adds the values beyond the fixed arguments.
    var isVariadic = false
    var abi = alien_ffi_default_abi()
    /// Frame bytes the fixed arguments take on ExtendedCall's path.
    var frameBytes = 0
    /// Prepared interfaces for the variable parts seen so far.
    var variadicCache: UnsafeMutablePointer<VariadicCache>?
    var isPrepared = false

    /// Only scalars, a fixed count: the call path of Call.swift, and maybe a direct plan.
    @inline(__always)
    var isPlain: Bool { returnAggregate == nil && aggregates == nil && !isVariadic }

    /// Replaces the types and prepares `cif` for them.
    mutating func set(_ parsed: SignatureText.Parsed, cif: UnsafeMutablePointer<ffi_cif>,
                      function: AlienError.FunctionName, forCallback: Bool = false) throws(AlienError) {
        release()
        let count = parsed.arguments.count
        let types = UnsafeMutablePointer<AlienType>.allocate(capacity: max(count, 1))
        let ffiTypes = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: count + 1)
        argumentTypes = types
        ffiArgumentTypes = ffiTypes
        if parsed.arguments.contains(where: { $0.isAggregate }) {
            aggregates = UnsafeMutablePointer<CTypeRef?>.allocate(capacity: count)
        }
        for (index, type) in parsed.arguments.enumerated() {
            types[index] = type.isAggregate ? .pointer : type.scalar
            aggregates?[index] = type.isAggregate ? type : nil
            guard let ffi = type.ffiType else { release(); throw .badSignature(function, .notByValue(.argument(index + 1))) }
            ffiTypes[index] = ffi
        }
        argumentCount = Int32(count)
        ffiArgumentCount = Int32(count)
        if let split = LibffiWorkaround.argumentToSplit(parsed.arguments, returning: parsed.returnType) {
            // libffi before 3.4.7 (PR #848) overwrites a register with this
            // argument; its two eightbytes as two scalars are the same call.
            // A callback's closure keeps the real types (C calls it; libffi's
            // closure side has no such bug): its calls from Lua get their own cif.
            let callTypes = forCallback ? UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: count + 1)
                                        : ffiTypes
            if forCallback { callTypes.initialize(from: ffiTypes, count: count) }
            for index in stride(from: count, to: split + 1, by: -1) { callTypes[index] = callTypes[index - 1] }
            callTypes[split] = alien_ffi_uint64()
            callTypes[split + 1] = alien_ffi_double()
            splitArgument = Int32(split)
            if forCallback {
                callFFITypes = callTypes
                callCIF = UnsafeMutablePointer<ffi_cif>.allocate(capacity: 1)
                guard let returnFFI = parsed.returnType.ffiType,
                      ffi_prep_cif(callCIF, parsed.abi, UInt32(count + 1), returnFFI, callTypes) == FFI_OK else {
                    release()
                    throw .libffi(.signature(function))
                }
            } else {
                ffiArgumentCount += 1
            }
        }
        refCount = Int32(parsed.arguments.filter { $0.isScalar && $0.scalar.isRef }.count)
        returnAggregate = parsed.returnType.isAggregate ? parsed.returnType : nil
        returnType = parsed.returnType.isAggregate ? .void : parsed.returnType.scalar
        isVariadic = parsed.isVariadic
        abi = parsed.abi
        guard let returnFFI = parsed.returnType.ffiType else {
            release()
            throw .badSignature(function, .notByValue(.returnType))
        }
        let ffiCount = UInt32(ffiArgumentCount)
        let status = isVariadic ? ffi_prep_cif_var(cif, abi, ffiCount, ffiCount, returnFFI, ffiTypes)
                                : ffi_prep_cif(cif, abi, ffiCount, returnFFI, ffiTypes)
        guard status == FFI_OK else {
            release()
            throw .libffi(.signature(function))
        }
        frameBytes = ExtendedCall.frameBytes(self)
        isPrepared = true
    }

    /// libffi's type of the result (for retiring a closure).
    var returnFFIType: UnsafeMutablePointer<ffi_type> {
        returnAggregate?.ffiType ?? returnType.ffiType
    }

    /// Bytes a call needs for the result as libffi writes it: a full register at least.
    var resultBytes: Int { max(16, CompositeBuilder.roundUp(returnAggregate?.size ?? 8, to: 8)) }

    mutating func release() {
        argumentTypes?.deallocate()
        aggregates?.deallocate()
        ffiArgumentTypes?.deallocate()
        callCIF?.deallocate()
        callFFITypes?.deallocate()
        variadicCache.map(VariadicCache.release)
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
        var returnType: CTypeRef
        var abi: ffi_abi
        var arguments: [CTypeRef]
        var isVariadic = false
    }

    static func parse(_ stack: LuaStack, firstIndex: Int32, function: AlienError.FunctionName,
                      variadicAllowed: Bool = true) throws(AlienError) -> Parsed {
        let returnType: CTypeRef
        if stack.isNoneOrNil(at: firstIndex) {
            returnType = CTypes.scalar(.int)
        } else {
            returnType = try typeName(stack, at: firstIndex, part: .returnType, function: function)
            guard !(returnType.isScalar && returnType.scalar.isRef) else { throw .badSignature(function, .refReturn) }
        }
        if !stack.isNoneOrNil(at: firstIndex + 1) && stack.type(at: firstIndex + 1) != ALIEN_TSTRING {
            throw .badSignature(function, .abiNotAString(got: stack.typeName(at: firstIndex + 1)))
        }
        let abi = try resolveABI(stack, at: firstIndex + 1, function: function)
        var arguments: [CTypeRef] = []
        var isVariadic = false
        let top = stack.top
        if top >= firstIndex + 2 {
            for index in (firstIndex + 2)...top {
                if stack.isString(at: index, "...") {
                    guard variadicAllowed else { throw .badSignature(function, .variadicCallback) }
                    guard index == top else { throw .badSignature(function, .variadicNotLast) }
                    isVariadic = true
                    break
                }
                let type = try typeName(stack, at: index, part: .argument(arguments.count + 1), function: function)
                guard !(type.isScalar && type.scalar == .void) else {
                    throw .badSignature(function, .voidArgument(arguments.count + 1))
                }
                arguments.append(type)
            }
        }
        guard arguments.count <= Int(ALIEN_MAXARGS) else {
            throw .badSignature(function, .tooManyArguments(arguments.count))
        }
        return Parsed(returnType: returnType, abi: abi, arguments: arguments, isVariadic: isVariadic)
    }

    static func typeName(_ stack: LuaStack, at index: Int32, part: AlienError.SignaturePart,
                         function: AlienError.FunctionName) throws(AlienError) -> CTypeRef {
        if let type = stack.ctype(at: index) {
            // an array type (a C name such as "char[16]") is passed as C passes arrays: its address
            return type.form == ALIEN_CTYPE_ARRAY ? CTypes.scalar(.pointer) : type
        }
        guard stack.type(at: index) == ALIEN_TSTRING else {
            throw .badSignature(function, .notATypeName(part, got: stack.typeName(at: index)))
        }
        if stack.isString(at: index, "...") { throw .badSignature(function, .variadicNotLast) }
        throw .unknownType(stack.string(at: index) ?? "?", in: function, part: part)
    }
}
