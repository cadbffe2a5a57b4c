/// Replace the bytes in `range` with `replacement`. Everything the editor does is a list of these on
/// the original bytes, so whatever no edit covers stays byte for byte.
struct TextEdit: Sendable, Hashable {
    var range: Range<Int>
    var replacement: [UInt8]
    /// Orders insertions at the same offset: deeper (inner) content goes first.
    var depth: Int

    init(range: Range<Int>, replacement: [UInt8], depth: Int = 0) {
        self.range = range
        self.replacement = replacement
        self.depth = depth
    }

    init(insert text: [UInt8], at offset: Int, depth: Int = 0) {
        self.init(range: offset..<offset, replacement: text, depth: depth)
    }

    init(delete range: Range<Int>, depth: Int = 0) {
        self.init(range: range, replacement: [], depth: depth)
    }

    /// The same edit without the bytes it leaves unchanged at either end, so that listings and
    /// diffs show only what really changes.
    func minimized(in bytes: [UInt8]) -> TextEdit {
        let old = bytes[range]
        var prefix = 0
        let limit = min(old.count, replacement.count)
        while prefix < limit && old[old.startIndex + prefix] == replacement[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < limit - prefix
            && old[old.endIndex - 1 - suffix] == replacement[replacement.count - 1 - suffix]
        {
            suffix += 1
        }
        return TextEdit(
            range: (range.lowerBound + prefix)..<(range.upperBound - suffix),
            replacement: Array(replacement[prefix..<(replacement.count - suffix)]), depth: depth)
    }

    /// Applies non-overlapping edits to `bytes`. Insertions at one offset go in order of depth, deepest
    /// first, then in the order given.
    static func apply(_ edits: [TextEdit], to bytes: [UInt8], subject: String) throws(RemediationError) -> [UInt8] {
        let sorted = sort(edits)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.count })
        var position = 0
        for edit in sorted {
            guard edit.range.lowerBound >= position, edit.range.upperBound <= bytes.count else {
                throw RemediationError(
                    operation: "edit", subject: subject,
                    message: "two edits overlap at byte \(edit.range.lowerBound); the file is left as it was")
            }
            output.append(contentsOf: bytes[position..<edit.range.lowerBound])
            output.append(contentsOf: edit.replacement)
            position = edit.range.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return output
    }

    static func sort(_ edits: [TextEdit]) -> [TextEdit] {
        edits.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            if a.range.lowerBound != b.range.lowerBound { return a.range.lowerBound < b.range.lowerBound }
            // An insertion comes before a replacement that starts at the same place.
            if a.range.isEmpty != b.range.isEmpty { return a.range.isEmpty }
            if a.depth != b.depth { return a.depth > b.depth }
            return left.offset < right.offset
        }.map(\.element)
    }
}
