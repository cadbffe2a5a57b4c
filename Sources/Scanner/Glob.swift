/// A path pattern as `.gitignore` writes them: `*` and `?` stay inside one folder name, `**` spans
/// folders, `[abc]` is a class. A pattern without `/` matches the file name in any folder.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]
    private let matchesBaseName: Bool

    public init(_ pattern: String) {
        var text = pattern
        if text.hasPrefix("./") { text.removeFirst(2) }
        if text.hasPrefix("/") { text.removeFirst() }
        self.pattern = pattern
        bytes = Array(text.utf8)
        matchesBaseName = !text.contains("/")
    }

    public var description: String { pattern }

    public func matches(_ path: String) -> Bool {
        var subject = Array(path.utf8)
        if matchesBaseName, let slash = subject.lastIndex(of: UInt8(ascii: "/")) {
            subject = Array(subject[(slash + 1)...])
        }
        return Self.match(bytes[...], subject[...])
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var s = subject.startIndex
        while p < pattern.endIndex {
            let char = pattern[p]
            switch char {
            case UInt8(ascii: "*"):
                if p + 1 < pattern.endIndex && pattern[p + 1] == UInt8(ascii: "*") {
                    // `**/` matches zero or more folders; a trailing `**` matches everything.
                    var rest = p + 2
                    if rest < pattern.endIndex && pattern[rest] == UInt8(ascii: "/") { rest += 1 }
                    if rest == pattern.endIndex { return true }
                    var candidate = s
                    while true {
                        if match(pattern[rest...], subject[candidate...]) { return true }
                        guard let slash = subject[candidate...].firstIndex(of: UInt8(ascii: "/")) else { return false }
                        candidate = slash + 1
                    }
                }
                let rest = p + 1
                var candidate = s
                while true {
                    if match(pattern[rest...], subject[candidate...]) { return true }
                    guard candidate < subject.endIndex, subject[candidate] != UInt8(ascii: "/") else { return false }
                    candidate += 1
                }
            case UInt8(ascii: "?"):
                guard s < subject.endIndex, subject[s] != UInt8(ascii: "/") else { return false }
                p += 1
                s += 1
            case UInt8(ascii: "["):
                guard s < subject.endIndex, let (matched, next) = matchClass(pattern, from: p, char: subject[s]) else {
                    return false
                }
                guard matched else { return false }
                p = next
                s += 1
            default:
                guard s < subject.endIndex, subject[s] == char else { return false }
                p += 1
                s += 1
            }
        }
        return s == subject.endIndex
    }

    /// Matches `char` against the class starting at `start` (`[`); returns the result and the index after `]`.
    private static func matchClass(_ pattern: ArraySlice<UInt8>, from start: Int, char: UInt8) -> (Bool, Int)? {
        var index = start + 1
        var negate = false
        if index < pattern.endIndex && (pattern[index] == UInt8(ascii: "!") || pattern[index] == UInt8(ascii: "^")) {
            negate = true
            index += 1
        }
        var matched = false
        var first = true
        while index < pattern.endIndex && (pattern[index] != UInt8(ascii: "]") || first) {
            first = false
            let low = pattern[index]
            if index + 2 < pattern.endIndex && pattern[index + 1] == UInt8(ascii: "-")
                && pattern[index + 2] != UInt8(ascii: "]")
            {
                if char >= low && char <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if char == low { matched = true }
                index += 1
            }
        }
        guard index < pattern.endIndex else { return nil }
        return (matched != negate, index + 1)
    }
}
