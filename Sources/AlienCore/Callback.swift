import CLibc
import AlienBridge
import CFFI

/// Lua functions as C function pointers (SPEC section 5). A callback is a
/// function object whose address is the code of a libffi closure (or a typed
/// trampoline the adapter puts in front of it, trampoline.c); the closure
/// hands each call to the adapter, which runs the Lua function under a
/// protected call on the Lua thread of the alien call that is running.
enum Callback {
    /// Points the closure at the object's (new) cif.
    static func prepareClosure(_ function: UnsafeMutablePointer<FunctionObject>) throws(AlienError) {
        let status = ffi_prep_closure_loc(function.pointee.closure, function.cif, { _, result, arguments, callback in
            guard let result, let callback else { return }
            // C gets zero unless the Lua function says otherwise (a struct result: all of it)
            let function = UnsafeMutableRawPointer(callback).assumingMemoryBound(to: FunctionObject.self)
            memset(result, 0, max(8, function.pointee.signature.returnAggregate?.size ?? 8))
            alien_lua_invoke_callback(callback, arguments, result)
        }, UnsafeMutableRawPointer(function), function.pointee.head.closure_code)
        guard status == FFI_OK else { throw .libffi(.closure) }
    }
}

/// `alien.callback(f, ...)`: the zeroed block becomes a callback running the
/// Lua function the adapter keeps at registry[block]. The stack is [cb, f, ret, abi, arg...].
@_cdecl("alien_core_callback_init")
public func alienCoreCallbackInit(_ state: OpaquePointer, _ block: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        FunctionObject.initialize(block, address: nil, name: nil, libraryName: nil)
        let function = block.assumingMemoryBound(to: FunctionObject.self)
        function.pointee.isCallback = true
        let parsed = try SignatureText.parse(stack, firstIndex: 3, function: "callback", variadicAllowed: false)
        try function.pointee.signature.set(parsed, cif: function.cif, function: "callback", forCallback: true)
        var code: UnsafeMutableRawPointer?
        guard let closure = alien_closure_take(&code), let code else {
            throw .libffi(.closureAllocation)
        }
        function.pointee.closure = closure.assumingMemoryBound(to: ffi_closure.self)
        function.pointee.address = code
        function.pointee.head.closure_code = code
        try Callback.prepareClosure(function)
        function.pointee.planDirectCall()
        return 0
    }
}

/// The C arguments of a callback invocation as Lua values; a `ref` argument
/// arrives as the value it points at, a struct or union as a new instance
/// holding a copy (C's argument lives only as long as the invocation).
@_cdecl("alien_core_callback_arguments")
public func alienCoreCallbackArguments(_ callback: UnsafeMutableRawPointer,
                                       _ arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                       _ out: UnsafeMutablePointer<alien_value>) -> Int32 {
    let function = callback.assumingMemoryBound(to: FunctionObject.self)
    let count = function.pointee.signature.argumentCount
    guard let types = function.pointee.signature.argumentTypes else { return 0 }
    for position in 0..<Int(count) {
        let type = types[position]
        let argument = UnsafeRawPointer(arguments[position]!)
        if let aggregate = function.pointee.signature.aggregates?[position] {
            out[position] = CToLua.copy(aggregate, from: argument)
        } else if let referent = type.referent {
            let target = argument.load(as: UnsafeRawPointer?.self)
            out[position] = target.map { CToLua.load(referent, from: $0) } ?? CToLua.nilValue
        } else {
            out[position] = CToLua.load(type, from: argument)
        }
    }
    return count
}

/// Writes the Lua function's result (top of the stack) where libffi expects
/// the callback's return value; nil or nothing leaves C's zero.
@_cdecl("alien_core_callback_result")
public func alienCoreCallbackResult(_ state: OpaquePointer, _ callback: UnsafeMutableRawPointer,
                                    _ result: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let signature = callback.assumingMemoryBound(to: FunctionObject.self).pointee.signature
        let type = signature.returnType
        let top = stack.top
        if let aggregate = signature.returnAggregate {
            guard !stack.isNoneOrNil(at: top) else { return 0 }
            try AggregateValue.store(stack, index: top, as: aggregate, into: result, context: .callbackResult)
            return 0
        }
        guard type != .void, !stack.isNoneOrNil(at: top) else { return 0 }
        if type.isInteger {
            // libffi wants integers narrower than a register widened to a full ffi_arg.
            guard let value = stack.integer(at: top) else { throw LuaToC.mismatch(stack, top, type, .callbackResult) }
            result.storeBytes(of: type.narrow(UInt64(bitPattern: value)), as: Int64.self)
        } else {
            try LuaToC.store(stack, index: top, as: type, into: result, context: .callbackResult)
        }
        return 0
    }
}
