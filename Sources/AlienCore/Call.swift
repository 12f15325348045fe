import CLibc
import AlienBridge
import CFFI

/// `f(...)`: the call path. The stack holds [f, arg1, ..., argN]; the result
/// and the read-back `ref` values go to `out` for the adapter to push.
/// Nothing here allocates: argument storage is on the stack, types were
/// resolved by `types()`. A function with a struct or union result has one
/// more value on the stack, the buffer the adapter made for the result,
/// whose memory is `result`; structs, unions and `...` take ExtendedCall's path.
@_cdecl("alien_core_call")
public func alienCoreCall(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>,
                          _ result: UnsafeMutableRawPointer?) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        guard let function = FunctionObject.at(1, in: stack) else {
            throw .notAnAlienFunction
        }
        let signature = function.pointee.signature
        guard signature.isPrepared, let address = function.pointee.address else {
            if function.pointee.address == nil {
                throw .nullAddress(.function(function))
            }
            throw .noTypes(.function(function))
        }
        guard signature.isPlain else {
            return try ExtendedCall.call(stack, function, address: address, out: out, result: result)
        }
        let count = Int(signature.argumentCount)
        let given = Int(stack.top) - 1
        guard given == count else {
            throw .wrongArgumentCount(.function(function), given: given, expected: count)
        }
        // One 8-byte slot per argument, one more per argument for a `ref`'s
        // pointee, and two for the return value (libffi widens small ones).
        return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * count + 2) {
            (slots) throws(AlienError) -> Int32 in
            try withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(count, 1)) {
                (arguments) throws(AlienError) -> Int32 in
                let slotBase = UnsafeMutableRawPointer(slots.baseAddress!)
                let types = signature.argumentTypes
                for position in 0..<count {
                    let slot = slotBase + 8 * position
                    try LuaToC.storeArgument(stack, index: Int32(position + 2), as: types![position],
                                             into: slot, refSlot: slotBase + 8 * (count + position),
                                             context: .argument(position + 1, of: .function(function)))
                    arguments[position] = slot
                }
                let result = slotBase + 8 * (2 * count)
                // While C runs, a callback may call types() on this function: the
                // signature this call still reads must stay (types() refuses).
                function.pointee.runningCalls &+= 1
                ffi_call(function.cif, unsafeBitCast(address, to: (@convention(c) () -> Void).self),
                         result, arguments.baseAddress)
                function.pointee.runningCalls &-= 1
                alien_lua_seterrno(alien_errno())  // read right after C returned
                out[0] = CToLua.returnValue(signature.returnType, at: result)   // nil for void, as in the original
                var pushed: Int32 = 1
                if signature.refCount > 0 {
                    for position in 0..<count where types![position].isRef {
                        out[Int(pushed)] = CToLua.load(types![position].referent!,
                                                       from: slotBase + 8 * (count + position))
                        pushed += 1
                    }
                }
                return pushed
            }
        }
    }
}

@_cdecl("alien_core_errno")
public func alienCoreErrno(_ state: OpaquePointer, _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    out[0] = CToLua.integerValue(Int64(alien_lua_errno()), of: .int)
    return 1
}
