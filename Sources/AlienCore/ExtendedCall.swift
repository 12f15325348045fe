import CLibc
import AlienBridge
import CFFI

/// Calls whose signature has a struct or union (by value, SPEC section 13)
/// or ends with `...`: each argument takes as many 8-byte words of the frame
/// as it needs, and the variable part is promoted and prepared per call
/// (Variadic.swift). Plain scalar calls stay on Call.swift's shorter path.
enum ExtendedCall {
    /// Frame bytes for the fixed arguments: a struct rounded up to whole
    /// words, a `ref` two words (the pointer, then the value it points at).
    static func frameBytes(_ signature: Signature) -> Int {
        var bytes = 0
        for position in 0..<Int(signature.argumentCount) { bytes += slotBytes(signature, position) }
        return bytes
    }

    @inline(__always)
    private static func slotBytes(_ signature: Signature, _ position: Int) -> Int {
        if let aggregate = signature.aggregates?[position] { return CompositeBuilder.roundUp(max(aggregate.size, 1), to: 8) }
        return signature.argumentTypes![position].isRef ? 16 : 8
    }

    static func call(_ stack: LuaStack, _ function: UnsafeMutablePointer<FunctionObject>, address: UnsafeMutableRawPointer,
                     out: UnsafeMutablePointer<alien_value>, result: UnsafeMutableRawPointer?) throws(AlienError) -> Int32 {
        let signature = function.pointee.signature
        let fixed = Int(signature.argumentCount)
        let resultBuffer: Int32 = signature.returnAggregate != nil ? stack.top : 0
        let given = Int(stack.top) - 1 - (resultBuffer != 0 ? 1 : 0)
        guard signature.isVariadic ? given >= fixed : given == fixed else {
            throw .wrongArgumentCount(.function(function), given: given, expected: fixed)
        }
        let extra = given - fixed
        let words = (signature.frameBytes + 8 * extra + signature.resultBytes) / 8
        return try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { (frame) throws(AlienError) -> Int32 in
            try withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: given + 1) {
                (arguments) throws(AlienError) -> Int32 in
                try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(extra, 1)) { (codes) throws(AlienError) -> Int32 in
                    try withUnsafeTemporaryAllocation(of: VariadicCache.Entry.self, capacity: 1) {
                        (scratch) throws(AlienError) -> Int32 in
                        let base = UnsafeMutableRawPointer(frame.baseAddress!)
                        var offset = 0
                        for position in 0..<fixed {
                            let slot = base + offset
                            let context = AlienError.ValueContext.argument(position + 1, of: .function(function))
                            if let aggregate = signature.aggregates?[position] {
                                try AggregateValue.store(stack, index: Int32(position + 2), as: aggregate, into: slot, context: context)
                            } else {
                                try LuaToC.storeArgument(stack, index: Int32(position + 2), as: signature.argumentTypes![position],
                                                         into: slot, refSlot: slot + 8, context: context)
                            }
                            if position < signature.splitArgument || signature.splitArgument < 0 {
                                arguments[position] = slot
                            } else if position == signature.splitArgument {
                                arguments[position] = slot
                                arguments[position + 1] = slot + 8
                            } else {
                                arguments[position + 1] = slot
                            }
                            offset += slotBytes(signature, position)
                        }
                        let variableBase = signature.splitArgument < 0 ? fixed : fixed + 1
                        for position in 0..<extra {
                            let slot = base + offset
                            let type = try Promotion.store(stack, index: Int32(fixed + position + 2), into: slot,
                                                           context: .argument(fixed + position + 1, of: .function(function)))
                            codes[position] = type.rawValue
                            arguments[variableBase + position] = slot
                            offset += 8
                        }
                        var cif = signature.callCIF ?? function.cif
                        scratch.baseAddress!.initialize(to: VariadicCache.Entry())
                        defer { VariadicCache.releaseScratch(scratch.baseAddress!) }
                        if extra > 0 {
                            cif = try VariadicCache.cif(for: UnsafeBufferPointer(rebasing: codes[0..<extra]),
                                                        signature: &function.pointee.signature,
                                                        running: function.pointee.runningCalls > 0,
                                                        scratch: scratch.baseAddress!, function: .function(function))
                        }
                        let returned = base + offset
                        function.pointee.runningCalls &+= 1
                        ffi_call(cif, unsafeBitCast(address, to: (@convention(c) () -> Void).self), returned, arguments.baseAddress)
                        function.pointee.runningCalls &-= 1
                        alien_lua_seterrno(alien_errno())  // read right after C returned
                        var pushed: Int32 = 1
                        if let aggregate = signature.returnAggregate, let result {
                            memcpy(result, returned, aggregate.size)
                            out[0] = CToLua.view(aggregate, offset: 0, owner: resultBuffer)
                        } else {
                            out[0] = CToLua.returnValue(signature.returnType, at: returned)   // nil for void
                        }
                        guard signature.refCount > 0 else { return pushed }
                        offset = 0
                        for position in 0..<fixed {
                            if let referent = signature.argumentTypes![position].referent, signature.aggregates?[position] == nil {
                                out[Int(pushed)] = CToLua.load(referent, from: base + offset + 8)
                                pushed += 1
                            }
                            offset += slotBytes(signature, position)
                        }
                        return pushed
                    }
                }
            }
        }
    }
}

/// libffi before 3.4.7 (PR #848), on x86-64 System V: a struct passed in an
/// integer and an SSE register whose integer eightbyte takes the last
/// integer register is copied 16 bytes wide there, over the first SSE
/// register, which an earlier argument may hold. Passing the struct as its
/// two eightbytes (an integer, then a double) is the same call by the ABI
/// (both still travel in registers) and avoids the copy.
enum LibffiWorkaround {
    /// The argument to pass split, if the bug would strike this signature.
    static func argumentToSplit(_ arguments: [CTypeRef], returning result: CTypeRef) -> Int? {
        #if arch(x86_64) && !os(Windows)
        // A result returned in memory takes the first integer register for its address.
        var integers = result.isAggregate && result.size > 16 ? 1 : 0, sses = 0
        for (position, type) in arguments.enumerated() {
            guard type.isAggregate else {
                if type.scalar.isFloatingPoint { sses += 1 } else { integers += 1 }
                continue
            }
            guard type.size <= 16 else { continue }   // in memory
            var classes: [Bool] = []   // per eightbyte: SSE?
            for eightbyte in 0..<((type.size + 7) / 8) { classes.append(allFloatingPoint(type, from: eightbyte * 8)) }
            let needInteger = classes.filter { !$0 }.count, needSSE = classes.count - needInteger
            guard integers + needInteger <= 6, sses + needSSE <= 8 else { continue }   // in memory
            if classes.count == 2, !classes[0], classes[1], integers == 5, sses > 0 { return position }
            integers += needInteger
            sses += needSSE
        }
        #endif
        return nil
    }

    private static func allFloatingPoint(_ type: CTypeRef, from start: Int) -> Bool {
        var result = true
        FFIAggregate.leaves(of: type, at: 0) { offset, length, isFloat in
            if offset < start + 8 && offset + length > start && !isFloat { result = false }
        }
        return result
    }
}
