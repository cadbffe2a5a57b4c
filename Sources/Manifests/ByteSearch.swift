#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Byte-level helpers for the pre-filter, which must look at every file quickly.
enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        find(needle, in: haystack, from: 0) != nil
    }

    /// The offset of the first `needle` at or after `from`. Candidates are found eight positions at
    /// a time by the needle's first two bytes (a word-at-a-time compare, not a Swift loop over every
    /// byte), then confirmed with memcmp; a one-byte needle is memchr.
    static func find(_ needle: StaticString, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        let length = needle.utf8CodeUnitCount
        guard let base = haystack.baseAddress, length > 0, from >= 0, haystack.count - from >= length else {
            return nil
        }
        let pattern = needle.utf8Start
        if length == 1 { return index(of: pattern.pointee, in: haystack, from: from) }
        let end = haystack.count
        let firsts = repeated(pattern[0])
        let seconds = repeated(pattern[1])
        var index = from
        // Each step looks at the pairs starting at index..<index+8 (bytes index..<index+9).
        while index + 9 <= end {
            let here = UInt64(littleEndian: haystack.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let next = UInt64(littleEndian: haystack.loadUnaligned(fromByteOffset: index + 1, as: UInt64.self))
            var hits = zeroBytes(here ^ firsts) & zeroBytes(next ^ seconds)
            while hits != 0 {
                let position = index + hits.trailingZeroBitCount / 8
                if position + length <= end, memcmp(base + position, pattern, length) == 0 { return position }
                hits &= hits - 1
            }
            index += 8
        }
        while index + length <= end {
            if memcmp(base + index, pattern, length) == 0 { return index }
            index += 1
        }
        return nil
    }

    /// `byte` in every byte of a word.
    private static func repeated(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// The high bit of each byte of `word` that is zero, and no other bit (exact: no carries
    /// between bytes).
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & lows) &+ lows) | word) & ~lows
    }

    /// The offset of the first `byte` at or after `from` (memchr).
    static func index(of byte: UInt8, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = haystack.baseAddress, from >= 0, from < haystack.count,
            let hit = memchr(base + from, Int32(byte), haystack.count - from)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    /// How many `\n` bytes `range` holds, eight bytes at a time.
    static func countNewlines(in bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var index = range.lowerBound
        var total = 0
        let newlines = repeated(UInt8(ascii: "\n"))
        while index + 8 <= range.upperBound {
            // Bytes equal to '\n' become 0, each then counted by its high bit.
            total += zeroBytes(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ newlines).nonzeroBitCount
            index += 8
        }
        while index < range.upperBound {
            if bytes[index] == UInt8(ascii: "\n") { total += 1 }
            index += 1
        }
        return total
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
