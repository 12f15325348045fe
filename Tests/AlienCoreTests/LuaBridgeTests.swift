import Testing
import LuaTestHost

/// Real Lua 5.4 through the shared adapter: the bridge and entry points end to end.
@Suite("Lua 5.4 through the adapter")
struct LuaBridgeTests {
    func run(_ code: String) -> (status: Int32, error: String) {
        var buffer = [CChar](repeating: 0, count: 1024)
        let status = lua_test_host_run(code, &buffer, buffer.count)
        let error = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return (status, error)
    }

    @Test("require, load, type and call")
    func call() {
        let result = run("""
            local alien = require "alien"
            local strlen = alien.default.strlen
            strlen:types("size_t", "string")
            assert(strlen("abcd") == 4)
            local m = alien.load("m")
            m.sqrt:types("double", "double")
            assert(m.sqrt(81) == 9)
            assert(require("alien.struct") == alien.struct)
            """)
        #expect(result.status == 0, "\(result.error)")
    }

    @Test("signatures parse in both forms")
    func signatures() {
        let result = run("""
            local alien = require "alien"
            local abs = alien.default.abs
            abs:types { ret = "int", abi = "cdecl", "int" }
            assert(abs(-3) == 3)
            abs:types("long", "long")
            assert(abs(-4) == 4)
            """)
        #expect(result.status == 0, "\(result.error)")
    }

    @Test("bad input is a Lua error with the function's name, and the state goes on")
    func errors() {
        let result = run("""
            local alien = require "alien"
            local abs = alien.default.abs
            abs:types("int", "int")
            for i = 1, 100 do assert(not pcall(abs, {})) end
            assert(abs(-1) == 1)
            abs("x")
            """)
        #expect(result.status != 0)
        #expect(result.error.contains("bad argument #1 to 'abs'"))
    }

    @Test("unknown types list the valid names")
    func unknownType() {
        let result = run(#"require("alien").sizeof("wat")"#)
        #expect(result.error.contains("unknown type 'wat'"))
        #expect(result.error.contains("ref T"))
    }
}
