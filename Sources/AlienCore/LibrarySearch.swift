#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `alien.load(name)` looks for a library (SPEC section 2).
public enum LibrarySearch {
    /// File names to hand to dlopen, in order, before the ld.so cache is asked.
    public static func candidates(for name: String) -> [String] {
        if name.contains("/") || hasLibraryExtension(name) {
            return [name]
        }
        #if os(macOS)
        return ["lib\(name).dylib", "./lib\(name).dylib", "\(name).framework/\(name)"]
        #else
        return ["lib\(name).so", "./lib\(name).so"]
        #endif
    }

    /// Whether a name already names a file: "libm.so.6", "libz.so", "x.dylib".
    public static func hasLibraryExtension(_ name: String) -> Bool {
        name.hasSuffix(".so") || name.contains(".so.") || name.hasSuffix(".dylib") || name.hasSuffix(".dll")
    }

    /// Whether a bare name is looked up in the ld.so cache when the candidates fail.
    public static func usesLoaderCache(_ name: String) -> Bool {
        !name.contains("/") && !hasLibraryExtension(name)
    }

    /// Paths of `libNAME.so*` in `ldconfig -p` output, in the order listed
    /// (`libz.so.1` is found when no unversioned `libz.so` link is installed).
    public static func cachedPaths(for name: String, in listing: String) -> [String] {
        let prefix = "lib\(name).so"
        var paths: [String] = []
        for line in listing.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            let sides = trimmed.split(separator: "=>", maxSplits: 1)
            guard sides.count == 2, let soname = sides[0].split(separator: " ").first,
                  soname == prefix || soname.hasPrefix(prefix + ".") else { continue }
            paths.append(String(sides[1].drop(while: { $0 == " " })))
        }
        return paths
    }

    /// The ld.so cache as `ldconfig -p` prints it ("" where there is none).
    static func loaderCacheListing() -> String {
        for command in ["/sbin/ldconfig -p 2>/dev/null", "ldconfig -p 2>/dev/null"] {
            guard let pipe = popen(command, "r") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&chunk, 1, chunk.count, pipe)
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            pclose(pipe)
            if !bytes.isEmpty { return String(decoding: bytes, as: UTF8.self) }
        }
        return ""
    }

    /// dlopen's handle for the first file that loads, or the first failure's dlerror text.
    static func open(_ name: String) -> Result<UnsafeMutableRawPointer, OpenFailure> {
        var firstError: String?
        func attempt(_ file: String) -> UnsafeMutableRawPointer? {
            if let handle = dlopen(file, RTLD_NOW) { return handle }
            if firstError == nil, let text = dlerror() { firstError = String(cString: text) }
            return nil
        }
        for file in candidates(for: name) {
            if let handle = attempt(file) { return .success(handle) }
        }
        if usesLoaderCache(name) {
            for file in cachedPaths(for: name, in: loaderCacheListing()) {
                if let handle = attempt(file) { return .success(handle) }
            }
        }
        return .failure(OpenFailure(reason: firstError ?? "not found"))
    }

    struct OpenFailure: Error { let reason: String }
}
