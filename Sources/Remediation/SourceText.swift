/// A file's bytes with the line arithmetic the editor needs. Offsets are byte offsets; lines are 1-based.
struct SourceText: Sendable {
    let bytes: [UInt8]
    /// Offset of the first byte of each line.
    let lineStarts: [Int]
    /// The file's line ending, taken from its first line (`\r\n` or `\n`); new lines use it.
    let eol: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") && offset + 1 < bytes.count {
            starts.append(offset + 1)
        }
        lineStarts = starts
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline > 0,
            bytes[newline - 1] == UInt8(ascii: "\r")
        {
            eol = [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        } else {
            eol = [UInt8(ascii: "\n")]
        }
    }

    var count: Int { bytes.count }

    /// Offset of the first byte of the line holding `offset`.
    func lineStart(_ offset: Int) -> Int {
        var index = min(offset, bytes.count)
        while index > 0 && bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
        return index
    }

    /// Offset just after the line feed that ends the line holding `offset` (the file's end when the
    /// last line has none).
    func lineEnd(_ offset: Int) -> Int {
        var index = max(0, offset)
        while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
        return min(index + 1, bytes.count)
    }

    /// Offset just after the last byte of the line that holds the byte before `end` (for an exclusive
    /// content end: the line where the content's last byte is).
    func lineEndAfterContent(_ end: Int) -> Int { lineEnd(max(0, end - 1)) }

    /// 0-based column of `offset` in bytes.
    func column(_ offset: Int) -> Int { offset - lineStart(offset) }

    /// 1-based line of `offset`.
    func line(_ offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// Whether only spaces and tabs stand between the start of the line and `offset`.
    func isFirstOnLine(_ offset: Int) -> Bool {
        var index = lineStart(offset)
        while index < offset {
            if bytes[index] != UInt8(ascii: " ") && bytes[index] != UInt8(ascii: "\t") { return false }
            index += 1
        }
        return true
    }

    /// The column of the `#` when the line starting at `start` holds only a comment, else `nil`.
    func commentColumn(lineAt start: Int) -> Int? {
        var index = start
        while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "#") else { return nil }
        return index - start
    }

    /// Whether the line starting at `start` holds nothing but white space.
    func isBlankLine(at start: Int) -> Bool {
        var index = start
        while index < bytes.count && bytes[index] != UInt8(ascii: "\n") {
            let byte = bytes[index]
            if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") { return false }
            index += 1
        }
        return true
    }

    /// Moves `start` (a line start) up over comment-only lines written at `minColumn` or deeper, with no
    /// blank line between: the comment lines that belong to what follows them.
    func attachedCommentStart(lineAt start: Int, minColumn: Int) -> Int {
        var current = start
        while current > 0 {
            let previous = lineStart(current - 1)
            guard let column = commentColumn(lineAt: previous), column >= minColumn else { break }
            current = previous
        }
        return current
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    func slice(_ range: Range<Int>) -> [UInt8] { Array(bytes[range]) }

    /// The leading spaces of the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> Int {
        var index = lineStart(offset)
        var count = 0
        while index < bytes.count && bytes[index] == UInt8(ascii: " ") {
            count += 1
            index += 1
        }
        return count
    }
}
