import Testing
@testable import AlienCore

@Suite("Library search rules")
struct LibrarySearchTests {
    @Test("bare names try libNAME.so, then ./libNAME.so, then the ld.so cache")
    func bareNames() {
        #expect(LibrarySearch.candidates(for: "m") == ["libm.so", "./libm.so"])
        #expect(LibrarySearch.usesLoaderCache("m"))
    }

    @Test("paths and file names are used as given")
    func filesAndPaths() {
        #expect(LibrarySearch.candidates(for: "libm.so.6") == ["libm.so.6"])
        #expect(LibrarySearch.candidates(for: "./x/liby.so") == ["./x/liby.so"])
        #expect(LibrarySearch.candidates(for: "/lib/libz.so") == ["/lib/libz.so"])
        #expect(!LibrarySearch.usesLoaderCache("libm.so.6"))
        #expect(!LibrarySearch.usesLoaderCache("dir/name"))
    }

    @Test("versioned entries of the ld.so cache are found")
    func cacheListing() {
        let listing = """
        1234 libs found in cache `/etc/ld.so.cache'
        \tlibzstd.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libzstd.so.1
        \tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1
        \tlibz.so.1 (libc6) => /lib/i386-linux-gnu/libz.so.1
        \tlibzz.so (libc6,x86-64) => /lib/libzz.so
        """
        #expect(LibrarySearch.cachedPaths(for: "z", in: listing) == [
            "/lib/x86_64-linux-gnu/libz.so.1", "/lib/i386-linux-gnu/libz.so.1",
        ])
        #expect(LibrarySearch.cachedPaths(for: "zz", in: listing) == ["/lib/libzz.so"])
        #expect(LibrarySearch.cachedPaths(for: "q", in: listing).isEmpty)
    }

    @Test("the real ld.so cache finds zlib by its bare name")
    func realCache() throws {
        let paths = LibrarySearch.cachedPaths(for: "z", in: LibrarySearch.loaderCacheListing())
        #expect(paths.contains { $0.hasSuffix("libz.so.1") })
        guard case .success = LibrarySearch.open("z") else {
            Issue.record("alien could not open zlib as 'z'")
            return
        }
    }

    @Test("a failure carries dlerror's text")
    func failure() {
        guard case .failure(let failure) = LibrarySearch.open("no_such_lib_qq") else {
            Issue.record("opened a library that does not exist")
            return
        }
        #expect(failure.reason.contains("libno_such_lib_qq.so"))
    }
}
