import CLibc
import AlienBridge
import CFFI

/// A C function Lua can call, living in the memory of a Lua full userdata:
/// its address, names for messages, and the resolved signature.
struct FunctionObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_FUNCTION

    /// Shared with the adapter, which reads it at the start of the block (a test checks the offset).
    var head: alien_function_head
    /// Right after the head, so that its offset is known without a key path
    /// (Embedded Swift has none; a test checks it against MemoryLayout's).
    var cif: ffi_cif
    /// nil for anonymous functions (funcptr, callbacks).
    var name: UnsafeMutablePointer<CChar>?
    var libraryName: UnsafeMutablePointer<CChar>?
    var signature: Signature
    /// For callbacks: the libffi closure whose code is `head.closure_code`. The adapter
    /// keeps the Lua function it runs.
    var closure: UnsafeMutablePointer<ffi_closure>?
    var isCallback: Bool
    /// Calls of this function through the core that are running now (nested through callbacks).
    var runningCalls: Int32 = 0

    var address: UnsafeMutableRawPointer? {
        get { head.address }
        set { head.address = newValue }
    }

    /// Sets the direct-call plan for the current signature (none when it is not simple enough).
    mutating func planDirectCall() {
        // No address (a NULL funcptr, a function of a closed library): only the
        // core may take the call, and it raises the error.
        let plan = address == nil || !signature.isPlain ? nil : DirectCall.plan(returnType: signature.returnType,
                                   arguments: UnsafeBufferPointer(start: signature.argumentTypes,
                                                                  count: Int(signature.argumentCount)),
                                   forCallback: isCallback)
        head.direct = plan?.direct ?? UInt8(ALIEN_DIRECT_NONE)
        head.count = UInt8(signature.argumentCount)
        head.aggregate = signature.returnAggregate
        head.result = plan?.result ?? 0
        withUnsafeMutableBytes(of: &head.argument) { kinds in
            for index in kinds.indices { kinds[index] = index < (plan?.arguments.count ?? 0) ? plan!.arguments[index] : 0 }
        }
    }

    /// Makes the zeroed block `payload` an untyped function object.
    static func initialize(_ payload: UnsafeMutableRawPointer, address: UnsafeMutableRawPointer?,
                           name: String?, libraryName: String?) {
        var head = alien_function_head()
        head.object = liveHead
        head.address = address
        payload.bindMemory(to: FunctionObject.self, capacity: 1).initialize(to: FunctionObject(
            head: head, cif: ffi_cif(),
            name: name.map { strdup($0) }, libraryName: libraryName.map { strdup($0) },
            signature: Signature(), closure: nil, isCallback: false))
    }

    /// Where `cif` lies: stored properties are laid out in order, each at its alignment.
    static var cifOffset: Int {
        let alignment = MemoryLayout<ffi_cif>.alignment
        return (MemoryLayout<alien_function_head>.size + alignment - 1) / alignment * alignment
    }

    var displayName: String { name.map { String(cString: $0) } ?? "anonymous" }
}

extension UnsafeMutablePointer where Pointee == FunctionObject {
    /// The cif stored inline; libffi keeps pointers to it, and Lua never moves a userdata.
    @inline(__always)
    var cif: UnsafeMutablePointer<ffi_cif> {
        (UnsafeMutableRawPointer(self) + FunctionObject.cifOffset).assumingMemoryBound(to: ffi_cif.self)
    }
}

@_cdecl("alien_core_function_size")
public func alienCoreFunctionSize() -> Int { MemoryLayout<FunctionObject>.size }

/// `alien.funcptr(ptr)`: the light userdata at stack index 1 becomes an untyped function.
@_cdecl("alien_core_function_from_pointer")
public func alienCoreFunctionFromPointer(_ state: OpaquePointer, _ payload: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        // A light userdata is an address; an alien function gives its own. Any
        // other object's block is data, never code.
        var address: UnsafeMutableRawPointer?
        if stack.type(at: 1) == ALIEN_TLIGHTUSERDATA {
            address = stack.userdata(at: 1)
        } else if case .function(let other)? = AlienObject.at(1, in: stack) {
            address = other.pointee.address
        }
        guard let address else {
            FunctionObject.initialize(payload, address: nil, name: nil, libraryName: nil)
            throw .wrongType(1, of: "funcptr", expected: "function pointer", got: stack.typeName(at: 1))
        }
        FunctionObject.initialize(payload, address: address, name: nil, libraryName: nil)
        return 0
    }
}

/// An anonymous, untyped function for an address read from memory (`buf:get(off, "callback")`).
@_cdecl("alien_core_function_init_address")
public func alienCoreFunctionInitAddress(_ payload: UnsafeMutableRawPointer, _ address: UnsafeMutableRawPointer?) {
    FunctionObject.initialize(payload, address: address, name: nil, libraryName: nil)
}

@_cdecl("alien_core_function_address")
public func alienCoreFunctionAddress(_ payload: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    payload.assumingMemoryBound(to: FunctionObject.self).pointee.address
}

/// `f:types(...)`. The adapter has laid the stack out as
/// [f, ret, abi, arg1, ..., argN] whichever form the call used.
@_cdecl("alien_core_function_types")
public func alienCoreFunctionTypes(_ state: OpaquePointer, _ payload: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let function = payload.assumingMemoryBound(to: FunctionObject.self)
        guard function.pointee.runningCalls == 0, function.pointee.head.running == 0 else {
            throw .busy(.function(function))
        }
        let parsed = try SignatureText.parse(stack, firstIndex: 2, function: .function(function),
                                             variadicAllowed: function.pointee.closure == nil)
        function.pointee.head.direct = UInt8(ALIEN_DIRECT_NONE)
        try function.pointee.signature.set(parsed, cif: function.cif, function: .function(function),
                                           forCallback: function.pointee.closure != nil)
        if function.pointee.closure != nil { try Callback.prepareClosure(function) }
        function.pointee.planDirectCall()
        return 0
    }
}

/// The names `tostring(f)` shows: "alien function NAME, library LIB".
@_cdecl("alien_core_function_names")
public func alienCoreFunctionNames(_ payload: UnsafeMutableRawPointer,
                                   _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>,
                                   _ library: UnsafeMutablePointer<UnsafePointer<CChar>?>) {
    let function = payload.assumingMemoryBound(to: FunctionObject.self)
    name.pointee = UnsafePointer(function.pointee.name)
    library.pointee = UnsafePointer(function.pointee.libraryName)
}

/// `__gc`: frees what the function owns; returns 1 for a callback, whose Lua
/// function the adapter then releases.
@_cdecl("alien_core_function_gc")
public func alienCoreFunctionGC(_ payload: UnsafeMutableRawPointer) -> Int32 {
    let function = payload.assumingMemoryBound(to: FunctionObject.self)
    guard function.pointee.head.object.isAlive else { return 0 }
    let wasCallback: Int32 = function.pointee.isCallback ? 1 : 0
    if let closure = function.pointee.closure {   // C may still hold its code: retired, never freed
        alien_closure_retire(closure, function.pointee.head.closure_code, function.pointee.signature.returnFFIType)
    }
    function.pointee.closure = nil
    function.pointee.isCallback = false
    function.pointee.signature.release()
    function.pointee.head.direct = UInt8(ALIEN_DIRECT_NONE)
    function.pointee.head.aggregate = nil
    free(function.pointee.name)
    free(function.pointee.libraryName)
    function.pointee.head.object.kill()
    function.pointee.name = nil
    function.pointee.libraryName = nil
    return wasCallback
}
