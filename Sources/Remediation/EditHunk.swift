/// One changed region of a file, in whole lines: what the lines were and what they become. This is
/// what `-o json` lists and what a reviewer reads.
public struct EditHunk: Sendable, Hashable {
    /// First line of the original that changes (1-based). For a pure insertion, the line the new
    /// lines go before.
    public var startLine: Int
    /// Last original line that changes; `startLine - 1` when lines are only inserted.
    public var endLine: Int
    public var before: String
    public var after: String

    public init(startLine: Int, endLine: Int, before: String, after: String) {
        self.startLine = startLine
        self.endLine = endLine
        self.before = before
        self.after = after
    }

    /// Groups minimized byte edits into whole-line hunks of the original text.
    static func hunks(for edits: [TextEdit], in text: SourceText) -> [EditHunk] {
        var regions: [(range: Range<Int>, edits: [TextEdit])] = []
        for edit in TextEdit.sort(edits) {
            let start = text.lineStart(edit.range.lowerBound)
            let end: Int
            if edit.range.isEmpty {
                let wholeLines = edit.range.lowerBound == start && edit.replacement.last == UInt8(ascii: "\n")
                end = wholeLines ? start : text.lineEnd(edit.range.lowerBound)
            } else {
                end = text.lineEndAfterContent(edit.range.upperBound)
            }
            if let last = regions.last,
                start < last.range.upperBound
                    || (start == last.range.upperBound && (last.range.isEmpty || start == end))
            {
                regions[regions.count - 1] = (
                    last.range.lowerBound..<max(end, last.range.upperBound), last.edits + [edit]
                )
            } else {
                regions.append((start..<end, [edit]))
            }
        }
        return regions.map { region in
            let shifted = region.edits.map {
                TextEdit(
                    range: ($0.range.lowerBound - region.range.lowerBound)..<($0.range.upperBound
                        - region.range.lowerBound),
                    replacement: $0.replacement, depth: $0.depth)
            }
            let before = text.slice(region.range)
            let after = (try? TextEdit.apply(shifted, to: before, subject: "")) ?? before
            let startLine =
                text.line(region.range.lowerBound)
                + (region.range.lowerBound >= text.count && text.count > 0
                    && text.bytes[text.count - 1] == UInt8(ascii: "\n") ? 1 : 0)
            let endLine = region.range.isEmpty ? startLine - 1 : text.line(region.range.upperBound - 1)
            return EditHunk(
                startLine: startLine, endLine: endLine, before: String(decoding: before, as: UTF8.self),
                after: String(decoding: after, as: UTF8.self))
        }
    }
}
