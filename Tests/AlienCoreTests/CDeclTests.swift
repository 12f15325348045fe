import Testing
import AlienBridge
@testable import AlienCore

@Suite("C declarations (alien.cdef)")
struct CDeclTests {
    private func declare(_ source: String, into definitions: CDefinitions = CDefinitions()) throws -> CDefinitions {
        var text = source
        try text.withUTF8 { bytes in
            var parser = try CParser(UnsafeRawBufferPointer(bytes), into: definitions)
            try parser.parseAll()
        }
        return definitions
    }

    private func type(_ name: String, in definitions: CDefinitions) -> CTypeRef? {
        var text = name
        return text.withUTF8 { definitions.resolve(UnsafeRawBufferPointer($0)) }
    }

    private func key(_ name: String) -> [UInt8] { Array(name.utf8) }

    /// The offset of a field of `type`, found by name.
    private func offset(of name: String, in type: CTypeRef) -> Int? {
        Array(name.utf8).withUnsafeBytes { type.field(named: $0)?.field.offset }
    }

    @Test("declarators: pointers, arrays, function pointers, nested and abstract")
    func declarators() throws {
        let d = try declare("""
            typedef int (*cmp)(const void *, const void *);
            typedef char *names[4];
            typedef int (*table[3])(int);
            typedef void (*(*getter)(void))(int);
            int f(char *s, int n[], double (*g)(double), ...);
            """)
        #expect(d.typedef(key("cmp"))?.descriptor?.scalar == .callback)
        #expect(d.typedef(key("names"))?.descriptor?.size == 4 * MemoryLayout<UnsafeRawPointer>.size)
        #expect(d.typedef(key("table"))?.descriptor?.size == 3 * MemoryLayout<UnsafeRawPointer>.size)
        #expect(d.typedef(key("getter"))?.descriptor?.scalar == .callback)
        let signature = try #require(d.functions[key("f")]?.type.signature())
        #expect(signature.arguments.map { $0.scalar } == [.string, .pointer, .callback])
        #expect(signature.isVariadic && signature.returnType.scalar == .int)
    }

    @Test("constant expressions in enums and array sizes")
    func constants() throws {
        let d = try declare("""
            enum e { A, B = 5, C, D = 1 << 4 | 3, E = sizeof(long) * 2 - (int)1, F = 'a', G = -B, H = A ? 1 : 2 };
            struct s { char x[D + 0x10]; };
            """)
        #expect(d.constants[key("C")] == 6)
        #expect(d.constants[key("D")] == 19)
        #expect(d.constants[key("E")] == Int64(2 * MemoryLayout<CLong>.size - 1))
        #expect(d.constants[key("F")] == 97 && d.constants[key("G")] == -5 && d.constants[key("H")] == 2)
        #expect(type("struct s", in: d)?.size == 35)
    }

    @Test("layouts: nesting, anonymous members, bit-fields, packed and aligned, as GCC has them")
    func layouts() throws {
        let d = try declare("""
            struct inner { char c; double d; };
            struct outer { int i; struct inner in; union { int u; float f; }; short tail; };
            struct bits { unsigned a : 3; unsigned b : 30; unsigned char c; int : 0; char d; };
            struct __attribute__((packed)) packed { char c; int i; };
            struct aligned { char c; } __attribute__((aligned(16)));
            """)
        let outer = try #require(type("struct outer", in: d))
        #expect(outer.size == 32 && outer.alignment == 8)
        #expect(offset(of: "f", in: outer) == 24)
        let bits = try #require(type("struct bits", in: d))
        // as gcc has it: b cannot share a's 32-bit unit, c follows b's unit, d starts the unit after the :0
        #expect(bits.size == 16)
        #expect(offset(of: "c", in: bits) == 8)
        #expect(offset(of: "d", in: bits) == 12)
        #expect(type("struct packed", in: d)?.size == 5)
        #expect(type("struct aligned", in: d)?.size == 16 && type("struct aligned", in: d)?.alignment == 16)
    }

    @Test("what headers contain is read or skipped")
    func extensions() throws {
        let d = try declare("""
            __extension__ typedef unsigned long long __u64;
            extern int stat(const char *__restrict __file, void *__restrict __buf) __attribute__ ((__nothrow__ , __leaf__)) __asm__ ("" "stat64");
            static __inline __attribute__((always_inline)) int twice(int x) { if (x) { return x * 2; } return 0; }
            _Static_assert(sizeof(int) == 4, "int");
            typedef __builtin_va_list va;
            int vf(const char *, va);
            """)
        #expect(d.functions[key("stat")]?.symbol == key("stat64"))
        #expect(d.functions[key("twice")] != nil)
        #expect(d.typedef(key("__u64"))?.descriptor?.scalar == .ulonglong)
    }

    @Test("errors say where, and conflicting redefinitions are refused")
    func errors() throws {
        #expect(throws: CDeclError.self) { try declare("int f(int;") }
        let d = try declare("struct p { int x; }; typedef int t;")
        _ = try declare("struct p { int x; }; typedef int t;", into: d)   // the same again: fine
        #expect(throws: CDeclError.self) { try declare("struct p { long x; };", into: d) }
        #expect(throws: CDeclError.self) { try declare("typedef long t;", into: d) }
        do {
            _ = try declare("int a;\nint b c;")
        } catch let error as CDeclError {
            #expect(error.line == 2 && error.token == "c")
        }
        #expect(throws: CDeclError.self) { try declare(String(repeating: "(", count: 10_000)) }
    }
}
