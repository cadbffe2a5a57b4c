/// A position in a file: byte offset from the start of the file, and 1-based line and column.
public struct Mark: Sendable, Hashable, Comparable, Codable {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool { lhs.offset < rhs.offset }
}

/// The text a node was read from: `start` is its first byte, `end` is one past its last byte.
public struct SourceSpan: Sendable, Hashable, Codable {
    public var start: Mark
    public var end: Mark

    public init(start: Mark, end: Mark) {
        self.start = start
        self.end = end
    }

    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }
}
