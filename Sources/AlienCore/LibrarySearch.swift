import CLibc

/// Byte-string searches for file names (no Unicode machinery: the core is
/// also built as Embedded Swift, which has none of it by default).
extension Array where Element == UInt8 {
    func startsWithBytes(_ other: [UInt8]) -> Bool { count >= other.count && self[..<other.count].elementsEqual(other) }
    func endsWithBytes(_ text: StaticString) -> Bool {
        let other = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return count >= other.count && self[(count - other.count)...].elementsEqual(other)
    }
    /// The indices of the first occurrence of `text`, if any.
    func byteRange(of text: StaticString) -> Range<Int>? {
        let needle = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        guard count >= needle.count else { return nil }
        for start in 0...(count - needle.count) where self[start..<(start + needle.count)].elementsEqual(needle) {
            return start..<(start + needle.count)
        }
        return nil
    }
}

/// Where `alien.load(name)` looks for a library (SPEC section 2).
public enum LibrarySearch {
    /// File names to hand to dlopen, in order, before the ld.so cache is asked.
    public static func candidates(for name: String) -> [String] {
        if name.utf8.contains(UInt8(ascii: "/")) || hasLibraryExtension(name) {
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
        let bytes = Array(name.utf8)
        return bytes.endsWithBytes(".so") || bytes.byteRange(of: ".so.") != nil
            || bytes.endsWithBytes(".dylib") || bytes.endsWithBytes(".dll")
    }

    /// Whether a bare name is looked up in the ld.so cache when the candidates fail.
    public static func usesLoaderCache(_ name: String) -> Bool {
        !name.utf8.contains(UInt8(ascii: "/")) && !hasLibraryExtension(name)
    }

    /// Paths of `libNAME.so*` in `ldconfig -p` output, in the order listed
    /// (`libz.so.1` is found when no unversioned `libz.so` link is installed).
    /// File names are bytes to the loader, so they are compared as bytes.
    public static func cachedPaths(for name: String, in listing: String) -> [String] {
        let prefix = Array("lib\(name).so".utf8)
        var paths: [String] = []
        for line in Array(listing.utf8).split(separator: UInt8(ascii: "\n")) {
            let trimmed = line.drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            guard let arrow = Array(trimmed).byteRange(of: "=>") else { continue }
            let left = trimmed.prefix(arrow.lowerBound)
            guard let soname = left.split(separator: UInt8(ascii: " ")).first,
                  soname.elementsEqual(prefix) || Array(soname).startsWithBytes(prefix + [UInt8(ascii: ".")]) else { continue }
            let path = trimmed.dropFirst(arrow.upperBound).drop(while: { $0 == UInt8(ascii: " ") })
            paths.append(String(decoding: path, as: UTF8.self))
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
