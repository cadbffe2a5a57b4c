/// Levenshtein distance, for "did you mean" suggestions (a mistyped path, subcommand or flag).
public enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions between two strings,
    /// over Unicode scalars.
    public static func between(_ left: String, _ right: String) -> Int {
        let a = Array(left.unicodeScalars)
        let b = Array(right.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate closest to `text` when it is close enough to be a typo (at most 2 edits, and
    /// fewer than half the characters), else `nil`.
    public static func suggestion(for text: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (between(text, $0), $0) }.filter { $0.0 <= 2 && $0.0 * 2 < max(text.count, 2) }
        return scored.min { $0 < $1 }?.1
    }
}
