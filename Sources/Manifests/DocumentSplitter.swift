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
        // Newlines are counted only up to the markers found, a word at a time (`ByteSearch`).
        var line = 1
        var counted = 0
        let count = bytes.count
        var candidates = MarkerCandidates(bytes)
        // Only lines that start with `-` or `.` can be markers: memchr/memmem find them (and the
        // line ends) without looking at the bytes between in Swift.
        while let lineStart = candidates.next() {
            let lineEnd = ByteSearch.index(of: UInt8(ascii: "\n"), in: bytes, from: lineStart) ?? count
            let next = min(lineEnd + 1, count)
            let isDashes = isMarker(bytes, at: lineStart, lineEnd: lineEnd, char: UInt8(ascii: "-"))
            let isDots = !isDashes && isMarker(bytes, at: lineStart, lineEnd: lineEnd, char: UInt8(ascii: "."))
            guard isDashes || isDots else { continue }
            line += ByteSearch.countNewlines(in: bytes, counted..<lineStart)
            counted = lineStart
            if isDashes {
                if lineStart > pieceStart { pieces.append(Piece(range: pieceStart..<lineStart, line: pieceLine)) }
                pieceStart = lineStart
                pieceLine = line
            } else {
                pieces.append(Piece(range: pieceStart..<next, line: pieceLine))
                pieceStart = next
                pieceLine = line + 1
            }
        }
        if count > pieceStart { pieces.append(Piece(range: pieceStart..<count, line: pieceLine)) }
        return pieces
    }

    /// The starts of the lines that begin with `-` or `.`, in order: offset 0, then each hit of
    /// `\n-` and `\n.`, the two searches merged.
    private struct MarkerCandidates {
        let bytes: UnsafeRawBufferPointer
        var dash: Int?
        var dot: Int?
        var startChecked = false

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            dash = ByteSearch.find("\n-", in: bytes, from: 0)
            dot = ByteSearch.find("\n.", in: bytes, from: 0)
        }

        mutating func next() -> Int? {
            if !startChecked {
                startChecked = true
                if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: ".") { return 0 }
            }
            if let minus = dash, dot.map({ minus < $0 }) ?? true {
                dash = ByteSearch.find("\n-", in: bytes, from: minus + 1)
                return minus + 1
            }
            guard let point = dot else { return nil }
            dot = ByteSearch.find("\n.", in: bytes, from: point + 1)
            return point + 1
        }
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
        let count = bytes.count
        // At memory speed: only lines starting with `kind:` are looked at.
        var lineStart =
            ByteSearch.hasPrefix(bytes, "kind:") ? 0 : ByteSearch.find("\nkind:", in: bytes, from: 0).map { $0 + 1 }
        while let start = lineStart {
            let lineEnd = ByteSearch.index(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? count
            if lineEnd - start > 5 {
                let raw = String(
                    decoding: UnsafeRawBufferPointer(rebasing: bytes[(start + 5)..<lineEnd]), as: UTF8.self)
                kinds.append(cleanValue(raw))
            }
            lineStart = ByteSearch.find("\nkind:", in: bytes, from: lineEnd).map { $0 + 1 }
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
