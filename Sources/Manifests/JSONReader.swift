#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads JSON into `Node` trees with positions, at memory speed.
///
/// Strings become double-quoted scalars and numbers, `true`, `false` and `null` plain scalars, so the
/// same typed accessors serve YAML and JSON. Also usable as a cursor (`skipValue`, `readObjectKeys`)
/// for callers that stream a large document and build trees only for the parts they need.
public struct JSONReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int
    private var line: Int
    private var lineStart: Int
    private let origin: Mark
    private let limits: ParseLimits
    private var depth = 0
    /// Strict readers check what they skip as `readValue` would (string contents, duplicate
    /// keys), so that a cursor-based reader accepts exactly the documents the tree reader accepts.
    private var keyLog: KeyLog?

    /// - Parameter strict: also validate skipped text and find duplicate keys in every object
    ///   opened with `beginObject` or skipped.
    public init(
        bytes: UnsafeRawBufferPointer, origin: Mark = Mark(offset: 0, line: 1, column: 1),
        limits: ParseLimits = .standard, strict: Bool = false
    ) {
        self.bytes = bytes
        self.origin = origin
        self.limits = limits
        keyLog = strict ? KeyLog() : nil
        offset = 0
        line = 0
        lineStart = 0
        // A UTF-8 byte order mark is allowed before the value.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { offset = 3; lineStart = 3 }
    }

    /// Parses the one value in `bytes`; anything but white space after it is an error.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, limits: ParseLimits = .standard
    ) throws(ManifestError) -> Node {
        var reader = JSONReader(bytes: bytes, limits: limits)
        let node = try reader.readValue()
        reader.skipWhitespace()
        guard reader.offset == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return node
    }

    public static func parse(_ text: String, limits: ParseLimits = .standard) throws(ManifestError) -> Node {
        var copy = text
        let result = copy.withUTF8 { buffer in
            Result { () throws(ManifestError) in try parse(UnsafeRawBufferPointer(buffer), limits: limits) }
        }
        return try result.get()
    }

    // MARK: Cursor

    public var mark: Mark {
        Mark(
            offset: origin.offset + offset, line: origin.line + line,
            column: (line == 0 ? origin.column : 1) + offset - lineStart)
    }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "):
                offset += 1
                // Indentation (kubectl's output is a third spaces) eight bytes at a time.
                while offset + 8 <= bytes.count,
                    bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == 0x2020_2020_2020_2020
                {
                    offset += 8
                }
            case UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
            default:
                return
            }
        }
    }

    /// The next non-space byte, without consuming it.
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(ManifestError) {
        guard peek() == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'\(foundDescription)")
        }
        offset += 1
    }

    /// Consumes the `{` of an object; read its members with `nextKey`/`nextRawKey`, which close it.
    public mutating func beginObject() throws(ManifestError) {
        guard peek() == UInt8(ascii: "{") else { throw error("expected '{'\(foundDescription)") }
        try enter()
        offset += 1
        keyLog?.open()
    }

    /// Consumes the `[` of a list; read its elements with `nextElement`, which closes it.
    public mutating func beginArray() throws(ManifestError) {
        guard peek() == UInt8(ascii: "[") else { throw error("expected '['\(foundDescription)") }
        try enter()
        offset += 1
    }

    /// After `beginObject` or a member's value: reads the next key and its colon, or returns nil
    /// at `}` (which closes the object).
    public mutating func nextKey(first: Bool) throws(ManifestError) -> String? {
        try nextKeyWithSpan(first: first)?.key
    }

    private mutating func nextKeyWithSpan(first: Bool) throws(ManifestError) -> (key: String, span: SourceSpan)? {
        guard try nextMember(first: first) else { return nil }
        let start = mark
        let key = try readString()
        let end = mark
        try expect(UInt8(ascii: ":"))
        return (key, SourceSpan(start: start, end: end))
    }

    /// `nextKey` without making a `String`: the key's bytes as written, to compare with field names.
    public mutating func nextRawKey(first: Bool) throws(ManifestError) -> JSONKey? {
        guard try nextMember(first: first) else { return nil }
        let start = offset + 1
        let escaped = try skipString()
        let key = JSONKey(raw: UnsafeRawBufferPointer(rebasing: bytes[start..<(offset - 1)]), escaped: escaped)
        if keyLog?.add(key, base: bytes) == false { throw error("duplicate key \"\(key.string)\"") }
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Consumes `,` before a member (or `}`, closing the object); true when a quoted key follows.
    private mutating func nextMember(first: Bool) throws(ManifestError) -> Bool {
        if !first {
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                close()
                keyLog?.close()
                return false
            default: throw error("expected ',' or '}' in an object\(foundDescription)")
            }
        } else if peek() == UInt8(ascii: "}") {
            offset += 1
            close()
            keyLog?.close()
            return false
        }
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted key\(foundDescription)") }
        return true
    }

    /// After `beginArray` or an element: true when another element follows (its comma consumed),
    /// false at `]` (which closes the list).
    public mutating func nextElement(first: Bool) throws(ManifestError) -> Bool {
        let next = peek()
        if next == UInt8(ascii: "]") {
            offset += 1
            close()
            return false
        }
        if first { return true }
        guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in a list\(foundDescription)") }
        offset += 1
        return true
    }

    /// Skips one value without building anything (a strict reader still checks it).
    public mutating func skipValue() throws(ManifestError) {
        guard let next = peek() else { throw error("unexpected end of input") }
        switch next {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextRawKey(first: first) != nil {
                first = false
                try skipValue()
            }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: first) {
                first = false
                try skipValue()
            }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try readLiteral()
        }
    }

    /// Steps over one value by its brackets and strings alone: what lies between them (keys,
    /// colons, commas, numbers, literals) is not checked. For the parts of an API answer nothing
    /// reads (`managedFields`, `status`, an item left out), where `skipValue`'s walk of every member
    /// was a fifth of a check's time. Strings must end and brackets must match; a value nested
    /// deeper than 64 levels, and any value of a strict reader, is walked by `skipValue` instead.
    public mutating func skipValueUnchecked() throws(ManifestError) {
        guard let first = peek() else { throw error("unexpected end of input") }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "["), keyLog == nil else { return try skipValue() }
        let start = position
        // One bit per open bracket, 1 for `{`: enough to check that each closing one matches.
        var open: UInt64 = 0
        var level = 0
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard level < 64 else {
                    restore(start)
                    return try skipValue()
                }
                open = open << 1 | (bytes[offset] == UInt8(ascii: "{") ? 1 : 0)
                level += 1
                offset += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard level > 0, (open & 1 == 1) == (bytes[offset] == UInt8(ascii: "}")) else {
                    throw error("a closing bracket that does not match the one it closes")
                }
                open >>= 1
                level -= 1
                offset += 1
                if level == 0 { return }
            case UInt8(ascii: "\""):
                _ = try skipString()
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
            default:
                offset += 1
            }
        }
        throw error("unexpected end of input")
    }

    /// Where the reader is, to come back to it with `restore` (a strict reader's key log included).
    public struct Position: Sendable {
        fileprivate var offset: Int
        fileprivate var line: Int
        fileprivate var lineStart: Int
        fileprivate var depth: Int
        fileprivate var keyLog: KeyLog.Position?
    }

    public var position: Position {
        Position(offset: offset, line: line, lineStart: lineStart, depth: depth, keyLog: keyLog?.position)
    }

    public mutating func restore(_ position: Position) {
        offset = position.offset
        line = position.line
        lineStart = position.lineStart
        depth = position.depth
        if let saved = position.keyLog { keyLog?.restore(saved) }
    }

    // MARK: Values

    public mutating func readValue() throws(ManifestError) -> Node {
        guard let next = peek() else { throw error("unexpected end of input") }
        let start = mark
        switch next {
        case UInt8(ascii: "{"):
            try enter()
            offset += 1
            // Duplicates are found on the tree below, after unescaping; the key log is not used.
            keyLog?.open()
            var entries: [Mapping.Entry] = []
            var first = true
            while let (key, keySpan) = try nextKeyWithSpan(first: first) {
                first = false
                let value = try readValue()
                entries.append(
                    Mapping.Entry(key: .scalar(Scalar(value: key, style: .doubleQuoted, span: keySpan)), value: value))
            }
            try checkDuplicates(entries)
            return .mapping(Mapping(entries: entries, style: .flow, span: SourceSpan(start: start, end: mark)))
        case UInt8(ascii: "["):
            try beginArray()
            var items: [Node] = []
            var first = true
            while try nextElement(first: first) {
                first = false
                items.append(try readValue())
            }
            return .sequence(Sequence(items: items, style: .flow, span: SourceSpan(start: start, end: mark)))
        case UInt8(ascii: "\""):
            let text = try readString()
            return .scalar(Scalar(value: text, style: .doubleQuoted, span: SourceSpan(start: start, end: mark)))
        default:
            let text = try readLiteral()
            return .scalar(Scalar(value: text, style: .plain, span: SourceSpan(start: start, end: mark)))
        }
    }

    private mutating func close() {
        depth -= 1
    }

    private mutating func enter() throws(ManifestError) {
        depth += 1
        if depth > limits.maxDepth {
            throw ManifestError(
                kind: .depthLimit, at: mark,
                "collections are nested more than \(limits.maxDepth) levels deep; not a Kubernetes manifest")
        }
    }

    private func checkDuplicates(_ entries: [Mapping.Entry]) throws(ManifestError) {
        guard entries.count > 1 else { return }
        if entries.count <= 12 {
            for later in 1..<entries.count {
                guard let name = entries[later].key.scalar?.value else { continue }
                for earlier in 0..<later where entries[earlier].key.scalar?.value == name {
                    throw duplicate(entries[later], first: entries[earlier])
                }
            }
            return
        }
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let name = entry.key.scalar?.value else { continue }
            if let first = seen[name] { throw duplicate(entry, first: entries[first]) }
            seen[name] = index
        }
    }

    private func duplicate(_ entry: Mapping.Entry, first: Mapping.Entry) -> ManifestError {
        ManifestError(
            kind: .duplicateKey, at: entry.key.span.start,
            "duplicate key \"\(entry.key.scalar?.value ?? "")\" (first defined at line \(first.key.span.start.line))")
    }

    // MARK: Scalars

    /// Reads a quoted string, resolving escapes. Fast path: no escapes, one copy.
    public mutating func readString() throws(ManifestError) -> String {
        let start = mark
        offset += 1  // opening quote
        let contentStart = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let text = String(
                    decoding: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<offset]), as: UTF8.self)
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string") }
            offset += 1
        }
        guard offset < bytes.count else {
            throw ManifestError(kind: .syntax, at: start, "unterminated string")
        }
        var buffer = Array(UnsafeRawBufferPointer(rebasing: bytes[contentStart..<offset]))
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                offset += 1
                guard offset < bytes.count else { break }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800...0xDBFF).contains(scalar), offset + 1 < bytes.count,
                        bytes[offset] == UInt8(ascii: "\\"),
                        bytes[offset + 1] == UInt8(ascii: "u")
                    {
                        offset += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid UTF-16 surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
            default:
                if byte < 0x20 { throw error("control character in a string") }
                buffer.append(byte)
                offset += 1
            }
        }
        throw ManifestError(kind: .syntax, at: start, "unterminated string")
    }

    /// Skips a quoted string; returns whether it has escapes. A strict reader checks it as
    /// `readString` does.
    @discardableResult
    private mutating func skipString() throws(ManifestError) -> Bool {
        if keyLog != nil {
            let start = position
            if try skipPlainString() { return false }
            restore(start)
            _ = try readString()
            return true
        }
        let start = mark
        offset += 1
        let content = offset
        // memchr to each quote: the string ends at the first one not escaped, i.e. not preceded by
        // an odd run of backslashes (the same end the byte-by-byte walk found, without the walk).
        if let base = bytes.baseAddress {
            while offset < bytes.count,
                let found = memchr(base + offset, Int32(UInt8(ascii: "\"")), bytes.count - offset)
            {
                let quote = base.distance(to: UnsafeRawPointer(found))
                var backslashes = 0
                while quote - backslashes - 1 >= content, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") {
                    backslashes += 1
                }
                offset = quote + 1
                if backslashes % 2 == 0 {
                    return memchr(base + content, Int32(UInt8(ascii: "\\")), quote - content) != nil
                }
            }
        }
        throw ManifestError(kind: .syntax, at: start, "unterminated string")
    }

    /// Skips a string without escapes, checking it as `readString` does; false (having read part of
    /// it) at the first backslash.
    private mutating func skipPlainString() throws(ManifestError) -> Bool {
        let start = mark
        offset += 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return true
            }
            if byte == UInt8(ascii: "\\") { return false }
            if byte < 0x20 { throw error("control character in a string") }
            offset += 1
        }
        throw ManifestError(kind: .syntax, at: start, "unterminated string")
    }

    private mutating func readHex4() throws(ManifestError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    /// Numbers, `true`, `false`, `null`: returned as text, validated.
    private mutating func readLiteral() throws(ManifestError) -> String {
        let start = offset
        while offset < bytes.count, Self.isLiteralByte(bytes[offset]) { offset += 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        switch text {
        case "true", "false", "null": return text
        default:
            guard !text.isEmpty, Self.isJSONNumber(text) else {
                offset = start
                throw error(text.isEmpty ? "unexpected character\(foundDescription)" : "invalid literal '\(text)'")
            }
            return text
        }
    }

    private static func isLiteralByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
            UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    private static func isJSONNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits(_ slice: inout Substring.UTF8View.SubSequence) -> Int {
            var count = 0
            while let byte = slice.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                slice = slice.dropFirst()
                count += 1
            }
            return count
        }
        guard let first = bytes.first else { return false }
        if first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits(&bytes) == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits(&bytes) == 0 { return false }
        }
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            if digits(&bytes) == 0 { return false }
        }
        return bytes.isEmpty
    }

    // MARK: Errors

    private var foundDescription: String {
        guard offset < bytes.count else { return ", found the end of the input" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return ", found '\(Character(Unicode.Scalar(byte)))'" }
        return ""
    }

    public func error(_ message: String) -> ManifestError {
        ManifestError(kind: .syntax, at: mark, message)
    }
}
