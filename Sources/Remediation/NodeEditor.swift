import Manifests

/// The editing primitives: each turns one structural change (replace a scalar, remove or insert list
/// items or map entries, copy a sibling as a template) into the smallest byte edits that make it, so
/// that edits in different places never overlap and everything else is left as written.
struct NodeEditor {
    let text: SourceText
    let geometry: Geometry
    let style: FileStyle
    let renderer: FragmentRenderer
    let subject: String

    init(text: SourceText, style: FileStyle, subject: String) {
        self.text = text
        self.style = style
        self.subject = subject
        geometry = Geometry(text: text, subject: subject)
        renderer = FragmentRenderer(style: style)
    }

    enum NewScalar: Sendable, Hashable {
        case string(String)
        case int(Int)
        case bool(Bool)
    }

    enum ListOutcome {
        case edits([TextEdit])
        /// Nothing would be left: the caller decides (remove the key, write `[]`, remove the parent).
        case empty
    }

    // MARK: Scalars

    /// Writes `value` over the scalar, in the scalar's own quoting style.
    func replaceScalar(
        _ node: Node, with value: NewScalar, inFlow: Bool, depth: Int
    ) throws(RemediationError)
        -> [TextEdit]
    {
        guard case .scalar(let scalar) = node else {
            throw geometry.unsupported("a value at line \(node.span.start.line) that is not a scalar")
        }
        let written: String
        switch value {
        case .string(let string):
            written =
                style.json
                ? ScalarFormatter.doubleQuoted(string)
                : ScalarFormatter.string(string, style: scalar.style, flow: inFlow)
        case .int(let number): written = String(number)
        case .bool(let flag): written = flag ? "true" : "false"
        }
        let range = scalar.span.byteRange
        let replacement = Array(written.utf8)
        if Array(text.bytes[range]) == replacement { return [] }
        return [TextEdit(range: range, replacement: replacement, depth: depth)]
    }

    // MARK: Lists

    /// Removes items by index and inserts new item texts at gaps (gap `i` is before original item `i`;
    /// gap `count` is the end). Block item texts are whole lines ending in a line feed; flow item texts
    /// are the bare item.
    func editSequence(
        _ sequence: Sequence, removals: Set<Int>, insertions: [(gap: Int, text: [UInt8])], depth: Int
    ) throws(RemediationError) -> ListOutcome {
        if sequence.style == .block {
            var items: [Geometry.BlockItem] = []
            for item in sequence.items { items.append(try geometry.blockItem(item)) }
            return blockListEdits(
                ranges: items.map { $0.fullStart..<$0.end }, removals: removals, insertions: insertions, depth: depth)
        }
        let brackets = try geometry.flowBrackets(sequence.span)
        return flowListEdits(
            open: brackets.open, close: brackets.close,
            items: sequence.items.map { $0.span.start.offset..<geometry.contentEnd($0) }, removals: removals,
            insertions: insertions, depth: depth)
    }

    func blockListEdits(
        ranges: [Range<Int>], removals: Set<Int>, insertions: [(gap: Int, text: [UInt8])], depth: Int
    ) -> ListOutcome {
        let count = ranges.count
        guard count - removals.count + insertions.count > 0, count > 0 else { return .empty }
        var edits: [TextEdit] = removals.sorted().map { TextEdit(delete: ranges[$0], depth: depth) }
        for (gap, texts) in grouped(insertions) {
            let offset = gap < count ? ranges[gap].lowerBound : ranges[count - 1].upperBound
            edits.append(
                TextEdit(insert: atLineBoundary(texts.flatMap { $0 }, offset: offset), at: offset, depth: depth))
        }
        return .edits(edits)
    }

    func flowListEdits(
        open: Int, close: Int, items: [Range<Int>], removals: Set<Int>, insertions: [(gap: Int, text: [UInt8])],
        depth: Int
    ) -> ListOutcome {
        let count = items.count
        let kept = count - removals.count
        guard kept + insertions.count > 0 else { return .empty }
        let separator = flowSeparator(open: open, items: items)
        func joined(_ texts: [[UInt8]]) -> [UInt8] {
            var out: [UInt8] = []
            for (index, text) in texts.enumerated() {
                if index > 0 { out += separator }
                out += text
            }
            return out
        }
        if count == 0 {
            return .edits([TextEdit(insert: joined(insertions.map(\.text)), at: open + 1, depth: depth)])
        }
        if kept == 0 {
            return .edits([
                TextEdit(
                    range: items[0].lowerBound..<items[count - 1].upperBound,
                    replacement: joined(insertions.map(\.text)),
                    depth: depth)
            ])
        }
        var edits: [TextEdit] = []
        // Runs of removed items go with the separator after them, or before them at the end of the list.
        var index = 0
        while index < count {
            guard removals.contains(index) else {
                index += 1
                continue
            }
            var last = index
            while last + 1 < count && removals.contains(last + 1) { last += 1 }
            if last + 1 < count {
                edits.append(TextEdit(delete: items[index].lowerBound..<items[last + 1].lowerBound, depth: depth))
            } else {
                edits.append(TextEdit(delete: items[index - 1].upperBound..<items[last].upperBound, depth: depth))
            }
            index = last + 1
        }
        // An insertion before a removed item moves to the next kept one (order among them does not matter).
        let normalized = insertions.map { insertion -> (gap: Int, text: [UInt8]) in
            var gap = insertion.gap
            while gap < count && removals.contains(gap) { gap += 1 }
            return (gap, insertion.text)
        }
        for (gap, texts) in grouped(normalized) {
            if gap < count {
                edits.append(TextEdit(insert: joined(texts) + separator, at: items[gap].lowerBound, depth: depth))
            } else {
                edits.append(TextEdit(insert: separator + joined(texts), at: items[count - 1].upperBound, depth: depth))
            }
        }
        return .edits(edits)
    }

    /// What goes between two items: copied from the list itself when it has two, else derived from
    /// its layout (one item per line, or `, `).
    func flowSeparator(open: Int, items: [Range<Int>]) -> [UInt8] {
        if items.count >= 2 {
            let between = Array(text.bytes[items[0].upperBound..<items[1].lowerBound])
            if !between.contains(UInt8(ascii: "#")) { return between }
        }
        if let first = items.first, text.bytes[(open + 1)..<first.lowerBound].contains(UInt8(ascii: "\n")) {
            return [UInt8(ascii: ",")] + text.eol
                + Array(text.bytes[text.lineStart(first.lowerBound)..<first.lowerBound])
        }
        return Array(", ".utf8)
    }

    private func grouped(_ insertions: [(gap: Int, text: [UInt8])]) -> [(Int, [[UInt8]])] {
        var order: [Int] = []
        var byGap: [Int: [[UInt8]]] = [:]
        for insertion in insertions {
            if byGap[insertion.gap] == nil { order.append(insertion.gap) }
            byGap[insertion.gap, default: []].append(insertion.text)
        }
        return order.sorted().map { ($0, byGap[$0] ?? []) }
    }

    /// Whole lines inserted at the very end of a file that lacks a final line feed start a new line.
    func atLineBoundary(_ lines: [UInt8], offset: Int) -> [UInt8] {
        guard offset == text.count, offset > 0, text.bytes[offset - 1] != UInt8(ascii: "\n") else { return lines }
        var trimmed = lines
        if trimmed.last == UInt8(ascii: "\n") {
            trimmed.removeLast()
            if trimmed.last == UInt8(ascii: "\r") { trimmed.removeLast() }
        }
        return text.eol + trimmed
    }

    // MARK: Map entries

    /// Removes the entries with these keys (with comment lines attached above them).
    func removeEntries(_ mapping: Mapping, keys: Set<String>, depth: Int) throws(RemediationError) -> [TextEdit] {
        let removed = Set(mapping.entries.indices.filter { keys.contains(mapping.entries[$0].key.scalar?.value ?? "") })
        guard !removed.isEmpty else { return [] }
        if mapping.style == .flow {
            let brackets = try geometry.flowBrackets(mapping.span)
            let ranges = mapping.entries.map { $0.key.span.start.offset..<geometry.entryEnd($0) }
            switch flowListEdits(
                open: brackets.open, close: brackets.close, items: ranges, removals: removed, insertions: [],
                depth: depth)
            {
            case .edits(let edits): return edits
            case .empty:
                return [TextEdit(delete: ranges[0].lowerBound..<ranges[ranges.count - 1].upperBound, depth: depth)]
            }
        }
        var edits: [TextEdit] = []
        var handled: Set<Int> = []
        let firstKey = mapping.entries[0].key.span.start.offset
        if removed.contains(0) && !text.isFirstOnLine(firstKey) {
            // The first entry shares its line with `- `: the next kept entry moves up onto that line.
            guard let next = mapping.entries.indices.first(where: { !removed.contains($0) }) else {
                throw geometry.unsupported("every entry of the map at line \(mapping.span.start.line)")
            }
            edits.append(TextEdit(delete: firstKey..<mapping.entries[next].key.span.start.offset, depth: depth))
            handled = Set(0..<next)
        }
        for index in removed.sorted() where !handled.contains(index) {
            let entry = mapping.entries[index]
            let keyStart = entry.key.span.start.offset
            guard text.isFirstOnLine(keyStart) else {
                throw geometry.unsupported("the entry at line \(entry.key.span.start.line)")
            }
            let start = text.attachedCommentStart(lineAt: text.lineStart(keyStart), minColumn: text.column(keyStart))
            edits.append(TextEdit(delete: start..<text.lineEndAfterContent(geometry.entryEnd(entry)), depth: depth))
        }
        return edits
    }

    /// The value of a new entry: a fragment rendered in the file's style, or (block style only) list
    /// items already written at their column.
    enum EntryValue {
        case fragment(Fragment)
        case blockItems([[UInt8]])
    }

    /// Inserts `key: value` after the entry `after` (or after the last entry when it is absent).
    func insertEntry(
        _ mapping: Mapping, after: String?, key: String, value: EntryValue, depth: Int
    )
        throws(RemediationError) -> [TextEdit]
    {
        let anchorIndex =
            after.flatMap { name in mapping.entries.lastIndex { $0.key.scalar?.value == name } }
            ?? (mapping.entries.count - 1)
        if mapping.style == .flow {
            let brackets = try geometry.flowBrackets(mapping.span)
            let indent =
                mapping.entries.first.map { text.indentation(ofLineAt: $0.key.span.start.offset) }
                ?? text.indentation(ofLineAt: brackets.open)
            let fragment: Fragment
            switch value {
            case .fragment(let value): fragment = value
            case .blockItems:
                throw geometry.unsupported("a flow map at line \(mapping.span.start.line) with block list items")
            }
            let keyText =
                style.json ? ScalarFormatter.doubleQuoted(key) : ScalarFormatter.string(key, style: .plain, flow: true)
            let valueText = style.json ? renderer.json(fragment, indent: indent) : renderer.flow(fragment)
            let ranges = mapping.entries.map { $0.key.span.start.offset..<geometry.entryEnd($0) }
            switch flowListEdits(
                open: brackets.open, close: brackets.close, items: ranges, removals: [],
                insertions: [(anchorIndex + 1, Array((keyText + ": " + valueText).utf8))], depth: depth)
            {
            case .edits(let edits): return edits
            case .empty: return []
            }
        }
        guard anchorIndex >= 0 else {
            throw geometry.unsupported("an empty map at line \(mapping.span.start.line)")
        }
        let anchor = mapping.entries[anchorIndex]
        let column = text.column(anchor.key.span.start.offset)
        var lines: [UInt8]
        switch value {
        case .fragment(let fragment):
            lines = renderer.joinLines(renderer.blockEntry(key, fragment, indent: column))
        case .blockItems(let items):
            lines = renderer.joinLines([String(repeating: " ", count: column) + key + ":"]) + items.flatMap { $0 }
        }
        let offset = text.lineEndAfterContent(geometry.entryEnd(anchor))
        lines = atLineBoundary(lines, offset: offset)
        return [TextEdit(insert: lines, at: offset, depth: depth)]
    }

    // MARK: Templates

    /// A copy of a block list item (whole lines, with its dash), changed by `edits` (made on the
    /// original item), without its comments, moved to `dashColumn` when given.
    func cloneBlockItem(_ item: Node, edits: [TextEdit], dashColumn: Int? = nil) throws(RemediationError) -> [UInt8] {
        let geometryOfItem = try geometry.blockItem(item)
        let region = geometryOfItem.firstLine..<geometryOfItem.end
        var lines = try applyWithin(region, edits: edits, item: item)
        if lines.last != UInt8(ascii: "\n") { lines += text.eol }
        if let dashColumn {
            lines = Self.shift(lines, by: dashColumn - text.column(geometryOfItem.dash))
        }
        return lines
    }

    /// A block list item as it is, with the comment lines attached above it and its trailing
    /// comments, moved to `dashColumn`: for an item that changes lists but not content (an address
    /// whose readiness flips keeps its hostname, targetRef and comments).
    func moveBlockItem(_ item: Node, dashColumn: Int) throws(RemediationError) -> [UInt8] {
        let geometryOfItem = try geometry.blockItem(item)
        var lines = Array(text.bytes[geometryOfItem.fullStart..<geometryOfItem.end])
        if lines.last != UInt8(ascii: "\n") { lines += text.eol }
        return Self.shift(lines, by: dashColumn - text.column(geometryOfItem.dash))
    }

    /// A copy of a flow list item's text, changed by `edits`.
    func cloneFlowItem(_ item: Node, edits: [TextEdit]) throws(RemediationError) -> [UInt8] {
        try applyWithin(item.span.start.offset..<geometry.contentEnd(item), edits: edits, item: item)
    }

    private func applyWithin(_ region: Range<Int>, edits: [TextEdit], item: Node) throws(RemediationError) -> [UInt8] {
        for edit in edits where !region.contains(edit.range.lowerBound) && edit.range.lowerBound != region.upperBound {
            throw geometry.unsupported("a template item at line \(item.span.start.line) (edit outside the item)")
        }
        let comments = commentDeletions(in: region, scalars: geometry.scalarRanges(item)).filter { comment in
            !edits.contains { $0.range.overlaps(comment.range) || comment.range.contains($0.range.lowerBound) }
        }
        let shifted = (edits + comments).map {
            TextEdit(
                range: ($0.range.lowerBound - region.lowerBound)..<($0.range.upperBound - region.lowerBound),
                replacement: $0.replacement, depth: $0.depth)
        }
        return try TextEdit.apply(shifted, to: Array(text.bytes[region]), subject: subject)
    }

    /// Deletions that take out the comments in `region` (a trailing comment with the blanks before
    /// it, or a whole comment-only line) and the anchors (`&name`) outside scalars.
    func commentDeletions(in region: Range<Int>, scalars: [Range<Int>]) -> [TextEdit] {
        var edits: [TextEdit] = []
        let sortedScalars = scalars.sorted { $0.lowerBound < $1.lowerBound }
        var lineStart = region.lowerBound
        while lineStart < region.upperBound {
            let lineEnd = min(text.lineEnd(lineStart), region.upperBound)
            var contentEnd = lineEnd
            while contentEnd > lineStart,
                text.bytes[contentEnd - 1] == UInt8(ascii: "\n") || text.bytes[contentEnd - 1] == UInt8(ascii: "\r")
            {
                contentEnd -= 1
            }
            var index = lineStart
            scan: while index < contentEnd {
                if let scalar = sortedScalars.first(where: { $0.contains(index) }) {
                    index = scalar.upperBound
                    continue
                }
                if text.bytes[index] == UInt8(ascii: "#"),
                    index == lineStart || text.bytes[index - 1] == UInt8(ascii: " ")
                        || text.bytes[index - 1] == UInt8(ascii: "\t")
                {
                    var cut = index
                    while cut > lineStart,
                        text.bytes[cut - 1] == UInt8(ascii: " ") || text.bytes[cut - 1] == UInt8(ascii: "\t")
                    {
                        cut -= 1
                    }
                    edits.append(TextEdit(delete: cut == lineStart ? lineStart..<lineEnd : cut..<contentEnd))
                    break scan
                }
                // An anchor (`&ok`): a copy must not define it a second time (PyYAML refuses that).
                if text.bytes[index] == UInt8(ascii: "&"),
                    index == lineStart || Self.precedesNode(text.bytes[index - 1])
                {
                    var end = index + 1
                    while end < contentEnd, !Self.endsAnchor(text.bytes[end]) { end += 1 }
                    if end < contentEnd && text.bytes[end] == UInt8(ascii: " ") {
                        edits.append(TextEdit(delete: index..<(end + 1)))
                    } else if index > lineStart && text.bytes[index - 1] == UInt8(ascii: " ") {
                        edits.append(TextEdit(delete: (index - 1)..<end))
                    } else {
                        edits.append(TextEdit(delete: index..<end))
                    }
                    index = end
                    continue
                }
                index += 1
            }
            lineStart = lineEnd
        }
        return edits
    }

    /// Bytes after which a node (and so an anchor) can start.
    private static func precedesNode(_ byte: UInt8) -> Bool {
        [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(byte)
    }

    private static func endsAnchor(_ byte: UInt8) -> Bool {
        [
            UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ","),
            UInt8(ascii: "]"), UInt8(ascii: "}"),
        ].contains(byte)
    }

    /// Moves every line of `lines` right (or left, over spaces only) by `delta` columns.
    static func shift(_ lines: [UInt8], by delta: Int) -> [UInt8] {
        guard delta != 0 else { return lines }
        var out: [UInt8] = []
        var atLineStart = true
        var removable = 0
        for byte in lines {
            if atLineStart {
                atLineStart = false
                if delta > 0 {
                    if byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") {
                        out += Array(repeating: UInt8(ascii: " "), count: delta)
                    }
                } else {
                    removable = -delta
                }
            }
            if removable > 0 && byte == UInt8(ascii: " ") {
                removable -= 1
                continue
            }
            removable = 0
            out.append(byte)
            if byte == UInt8(ascii: "\n") { atLineStart = true }
        }
        return out
    }
}
