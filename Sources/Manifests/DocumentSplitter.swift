/// Cuts a YAML stream into its documents by their `---` and `...` markers, without parsing, and
/// reads the top-level `kind:` of each with a cheap textual look.
///
/// A marker at column 0 always ends a document in YAML, even inside a block scalar, so cutting on
/// markers is exact. Each piece is then parsed alone, which also keeps one broken document from
/// hiding the others in its file.
public enum DocumentSplitter {
    public struct Piece: Sendable {
        /// Bytes of the document, including a leading `---` line.
        public var range: Range<Int>
        /// 1-based line of the piece's first byte.
        public var line: Int
    }

    public static func split(_ bytes: UnsafeRawBufferPointer) -> [Piece] {
        var pieces: [Piece] = []
        var pieceStart = 0
        var pieceLine = 1
        var lineStart = 0
        var line = 1
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = min(lineEnd + 1, count)
            if isMarker(bytes, at: lineStart, lineEnd: lineEnd, char: UInt8(ascii: "-")) {
                if lineStart > pieceStart { pieces.append(Piece(range: pieceStart..<lineStart, line: pieceLine)) }
                pieceStart = lineStart
                pieceLine = line
            } else if isMarker(bytes, at: lineStart, lineEnd: lineEnd, char: UInt8(ascii: ".")) {
                pieces.append(Piece(range: pieceStart..<next, line: pieceLine))
                pieceStart = next
                pieceLine = line + 1
            }
            lineStart = next
            line += 1
        }
        if count > pieceStart { pieces.append(Piece(range: pieceStart..<count, line: pieceLine)) }
        return pieces
    }

    /// `---` or `...` at column 0, followed by the end of the line or white space.
    private static func isMarker(_ bytes: UnsafeRawBufferPointer, at start: Int, lineEnd: Int, char: UInt8) -> Bool {
        guard lineEnd - start >= 3, bytes[start] == char, bytes[start + 1] == char, bytes[start + 2] == char else {
            return false
        }
        if lineEnd - start == 3 { return true }
        let after = bytes[start + 3]
        return after == UInt8(ascii: " ") || after == UInt8(ascii: "\t") || after == UInt8(ascii: "\r")
    }

    /// Whether the piece holds anything but blank lines, comments, directives and a bare marker.
    public static func hasContent(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        var atLineStart = true
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                atLineStart = true
                index += 1
            case UInt8(ascii: "#"):
                while index < count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "%") where atLineStart:
                while index < count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "-")
            where atLineStart && index + 2 < count && bytes[index + 1] == byte && bytes[index + 2] == byte
                && (index + 3 == count
                    || [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(
                        bytes[index + 3])):
                index += 3
                atLineStart = false
            default:
                return true
            }
        }
        return false
    }

    /// The values of `kind:` keys written at column 0 (top-level keys of a block mapping).
    static func topLevelKinds(_ bytes: UnsafeRawBufferPointer) -> [Substring] {
        var kinds: [Substring] = []
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd - lineStart > 5, bytes[lineStart] == UInt8(ascii: "k"),
                bytes[lineStart + 1] == UInt8(ascii: "i"),
                bytes[lineStart + 2] == UInt8(ascii: "n"), bytes[lineStart + 3] == UInt8(ascii: "d"),
                bytes[lineStart + 4] == UInt8(ascii: ":")
            {
                let raw = String(
                    decoding: UnsafeRawBufferPointer(rebasing: bytes[(lineStart + 5)..<lineEnd]), as: UTF8.self)
                kinds.append(cleanValue(raw))
            }
            lineStart = lineEnd + 1
        }
        return kinds
    }

    /// `  "Service"  # comment` → `Service`.
    private static func cleanValue(_ raw: String) -> Substring {
        var value = Substring(raw)
        if let hash = value.indices.first(where: {
            value[$0] == "#" && $0 > value.startIndex && value[value.index(before: $0)] == " "
        }) {
            value = value[..<hash]
        }
        value = value.drop { $0 == " " || $0 == "\t" }
        while let last = value.last, last == " " || last == "\t" || last == "\r" { value = value.dropLast() }
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = value.dropFirst().dropLast()
        }
        return value
    }
}
