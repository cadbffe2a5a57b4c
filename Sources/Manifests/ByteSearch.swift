#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Byte-level helpers for the pre-filter, which must look at every file quickly.
enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        guard let base = haystack.baseAddress, haystack.count >= length, length > 0 else { return false }
        let first = Int32(needle.utf8Start.pointee)
        var offset = 0
        let lastStart = haystack.count - length
        // memchr finds candidates for the first byte at memory speed; memcmp confirms.
        while offset <= lastStart, let hit = memchr(base + offset, first, lastStart - offset + 1) {
            if memcmp(hit, needle.utf8Start, length) == 0 { return true }
            offset = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return false
    }

    /// Whether the bytes are valid UTF-8; pure ASCII is checked eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count && bytes[index] < 0x80 { index += 1 }
        if index == count { return true }
        return String(validating: UnsafeRawBufferPointer(rebasing: bytes[index...]), as: UTF8.self) != nil
    }

    /// Whether a NUL byte occurs in the first 8000 bytes (git's own "is it binary" test).
    static func looksBinary(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 8000)])
        guard let base = prefix.baseAddress, !prefix.isEmpty else { return false }
        return memchr(base, 0, prefix.count) != nil
    }

    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard bytes.count >= length, let base = bytes.baseAddress else { return false }
        return memcmp(base, prefix.utf8Start, length) == 0
    }
}
