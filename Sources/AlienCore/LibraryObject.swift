import CLibc
import AlienBridge

/// A loaded library, living in the memory of a Lua full userdata.
/// The adapter keeps the per-library function cache and the `alien.loaded` table.
struct LibraryObject: UserdataObject {
    static let objectKind = ALIEN_OBJECT_LIBRARY

    /// Shared with the adapter, which counts the functions made from the library.
    var head: alien_library_head
    var handle: UnsafeMutableRawPointer?
    var name: UnsafeMutablePointer<CChar>?
    var isProcess: Bool
}

@_cdecl("alien_core_library_size")
public func alienCoreLibrarySize() -> Int { MemoryLayout<LibraryObject>.size }

/// Opens the library named at stack index 1 into the zeroed block `payload`,
/// or the running process itself when `process` is nonzero (`alien.default`).
@_cdecl("alien_core_library_open")
public func alienCoreLibraryOpen(_ state: OpaquePointer, _ payload: UnsafeMutableRawPointer, _ process: Int32) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let library = payload.bindMemory(to: LibraryObject.self, capacity: 1)
        if process != 0 {
            library.initialize(to: LibraryObject(head: alien_library_head(object: LibraryObject.liveHead, functions: 0), handle: dlopen(nil, RTLD_NOW),
                                                 name: strdup("default"), isProcess: true))
            return 0
        }
        let name = try stack.requireName(at: 1, argument: 1, of: "load")
        switch LibrarySearch.open(name) {
        case .success(let handle):
            library.initialize(to: LibraryObject(head: alien_library_head(object: LibraryObject.liveHead, functions: 0), handle: handle,
                                                 name: strdup(name), isProcess: false))
            return 0
        case .failure(let failure):
            library.initialize(to: LibraryObject(head: alien_library_head(), handle: nil, name: nil, isProcess: false))
            throw .library(name, .cannotLoad(reason: failure.reason))
        }
    }
}

/// Looks up the symbol named at stack index 2 and makes `function` (a zeroed
/// block) an untyped function object for it.
@_cdecl("alien_core_library_symbol")
public func alienCoreLibrarySymbol(_ state: OpaquePointer, _ payload: UnsafeMutableRawPointer,
                                   _ function: UnsafeMutableRawPointer) -> Int32 {
    reportingErrors(state) { (stack) throws(AlienError) -> Int32 in
        let library = payload.assumingMemoryBound(to: LibraryObject.self)
        let symbol = try stack.requireName(at: 2, argument: 2, of: "index")
        let libraryName = library.pointee.name.map { String(cString: $0) } ?? "?"
        guard library.pointee.head.object.isAlive, let handle = library.pointee.handle else {
            throw .library(libraryName, .closed)
        }
        let declared = declaredFunction(stack, named: symbol)
        let linkName = declared?.symbol.map { String(decoding: $0, as: UTF8.self) } ?? symbol
        _ = dlerror()
        guard let address = dlsym(handle, linkName) else {
            let reason = dlerror().map { String(cString: $0) } ?? "null symbol"
            throw .library(libraryName, .symbolNotFound(symbol, reason: reason))
        }
        FunctionObject.initialize(function, address: address, name: symbol, libraryName: libraryName)
        // Declared by alien.cdef: typed already (types() may still change it).
        if let parsed = declared?.type.signature() {
            let object = function.assumingMemoryBound(to: FunctionObject.self)
            do throws(AlienError) {   // a signature libffi cannot take leaves the function untyped, as without cdef
                try object.pointee.signature.set(parsed, cif: object.cif, function: .function(object))
                object.pointee.planDirectCall()
            } catch {
                object.pointee.signature.release()
            }
        }
        return 0
    }
}

@_cdecl("alien_core_library_name")
public func alienCoreLibraryName(_ payload: UnsafeMutableRawPointer) -> UnsafePointer<CChar>? {
    UnsafePointer(payload.assumingMemoryBound(to: LibraryObject.self).pointee.name)
}

/// `__gc`: closes the library (never the process) and frees the name.
@_cdecl("alien_core_library_gc")
public func alienCoreLibraryGC(_ payload: UnsafeMutableRawPointer) {
    let library = payload.assumingMemoryBound(to: LibraryObject.self)
    guard library.pointee.head.object.isAlive else { return }
    if let handle = library.pointee.handle, !library.pointee.isProcess { dlclose(handle) }
    free(library.pointee.name)
    library.pointee = LibraryObject(head: alien_library_head(), handle: nil, name: nil, isProcess: false)
    library.pointee.head.object = LibraryObject.liveHead
    library.pointee.head.object.kill()
}
