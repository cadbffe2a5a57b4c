/// UTF-16 and UTF-32 files that start with a byte order mark, decoded to UTF-8 before parsing, as
/// kubectl does (its decoder honours a BOM; Windows editors save "Unicode" text as UTF-16 LE).
/// Lines stay where they were; columns count UTF-8 bytes of the decoded text.
public enum UnicodeBOM: String, Sendable {
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"
    case utf32LittleEndian = "UTF-32LE"
    case utf32BigEndian = "UTF-32BE"

    /// The encoding a BOM at the start names; nil without one (or for UTF-8's).
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> UnicodeBOM? {
        let head = Array(bytes.prefix(4))
        // UTF-32 LE's BOM starts like UTF-16 LE's: test it first.
        if head == [0xFF, 0xFE, 0x00, 0x00] { return .utf32LittleEndian }
        if head == [0x00, 0x00, 0xFE, 0xFF] { return .utf32BigEndian }
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LittleEndian }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BigEndian }
        return nil
    }

    /// The text after the BOM as UTF-8; nil when it is not valid in this encoding.
    public func utf8(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let width = self == .utf16LittleEndian || self == .utf16BigEndian ? 2 : 4
        let little = self == .utf16LittleEndian || self == .utf32LittleEndian
        let body = bytes.dropFirst(width)
        guard body.count % width == 0 else { return nil }
        var units: [UInt32] = []
        units.reserveCapacity(body.count / width)
        var index = body.startIndex
        while index < body.endIndex {
            var value: UInt32 = 0
            for offset in 0..<width {
                let byte = UInt32(body[index + (little ? width - 1 - offset : offset)])
                value = value << 8 | byte
            }
            units.append(value)
            index += width
        }
        var output: [UInt8] = []
        output.reserveCapacity(units.count)
        if width == 4 {
            for unit in units {
                guard let scalar = Unicode.Scalar(unit) else { return nil }
                output.append(contentsOf: scalar.utf8)
            }
            return output
        }
        let failed = transcode(
            units.lazy.map { UInt16(truncatingIfNeeded: $0) }.makeIterator(), from: UTF16.self, to: UTF8.self,
            stoppingOnError: true
        ) { output.append($0) }
        return failed ? nil : output
    }
}
