import Manifests

enum GeometryHelpers {
    /// The `-` that introduces a block sequence item whose content starts at `offset`: the first byte
    /// before it that is not white space.
    static func dashOffset(before offset: Int, in text: SourceText) -> Int? {
        var index = offset - 1
        while index >= 0 {
            switch text.bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index -= 1
            case UInt8(ascii: "-"):
                return index
            default:
                return nil
            }
        }
        return nil
    }
}

/// Where nodes really begin and end in the text.
///
/// libyaml ends a block collection where the next token starts (often lines later, after comments),
/// so block collections are measured by their content instead: the end of the last scalar or flow
/// collection inside them. Flow collections and scalars carry exact spans.
struct Geometry {
    let text: SourceText
    let subject: String

    /// One past the last byte of the node's own text.
    func contentEnd(_ node: Node) -> Int {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .literal || scalar.style == .folded {
                var end = scalar.span.end.offset
                while end > scalar.span.start.offset, Self.isSpace(text.bytes[end - 1]) { end -= 1 }
                return end
            }
            return scalar.span.end.offset
        case .sequence(let sequence):
            if sequence.style == .flow { return sequence.span.end.offset }
            return sequence.items.map(contentEnd).max() ?? sequence.span.start.offset
        case .mapping(let mapping):
            if mapping.style == .flow { return mapping.span.end.offset }
            return mapping.entries.map(entryEnd).max() ?? mapping.span.start.offset
        }
    }

    /// One past the last byte of `key: value`. An empty value (`key:`) ends at the colon: libyaml
    /// places the empty scalar at the next token, which can be lines further down.
    func entryEnd(_ entry: Mapping.Entry) -> Int {
        let keyEnd = contentEnd(entry.key)
        if case .scalar(let value) = entry.value, value.style == .plain, value.value.isEmpty {
            var index = keyEnd
            while index < text.count, text.bytes[index] == UInt8(ascii: " ") { index += 1 }
            return index < text.count && text.bytes[index] == UInt8(ascii: ":") ? index + 1 : keyEnd
        }
        return max(keyEnd, contentEnd(entry.value))
    }

    /// A block sequence item: its dash, the start of its first line, the start of the comment lines
    /// attached above it, and the end of its last line (after the line feed).
    struct BlockItem {
        var dash: Int
        var firstLine: Int
        var fullStart: Int
        var end: Int
    }

    func blockItem(_ item: Node) throws(RemediationError) -> BlockItem {
        guard let dash = GeometryHelpers.dashOffset(before: item.span.start.offset, in: text),
            text.isFirstOnLine(dash)
        else {
            throw unsupported("a list item at line \(item.span.start.line) that does not start its own line with `- `")
        }
        let firstLine = text.lineStart(dash)
        let fullStart = text.attachedCommentStart(lineAt: firstLine, minColumn: text.column(dash))
        return BlockItem(
            dash: dash, firstLine: firstLine, fullStart: fullStart, end: text.lineEndAfterContent(contentEnd(item)))
    }

    /// The bytes between `[`/`{` and `]`/`}` of a flow collection.
    func flowBrackets(_ span: SourceSpan) throws(RemediationError) -> (open: Int, close: Int) {
        let open = span.start.offset
        let close = span.end.offset - 1
        guard open >= 0, close > open, close < text.count,
            text.bytes[open] == UInt8(ascii: "[") || text.bytes[open] == UInt8(ascii: "{"),
            text.bytes[close] == UInt8(ascii: "]") || text.bytes[close] == UInt8(ascii: "}")
        else {
            throw unsupported("a flow collection at line \(span.start.line) whose brackets are not where expected")
        }
        return (open, close)
    }

    /// Every scalar's byte range in the subtree (to tell comments from `#` inside values).
    func scalarRanges(_ node: Node) -> [Range<Int>] {
        switch node {
        case .scalar(let scalar): return [scalar.span.byteRange]
        case .sequence(let sequence): return sequence.items.flatMap(scalarRanges)
        case .mapping(let mapping): return mapping.entries.flatMap { scalarRanges($0.key) + scalarRanges($0.value) }
        }
    }

    func unsupported(_ what: String) -> RemediationError {
        RemediationError(operation: "edit", subject: subject, message: "cannot edit \(what)")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
