/// A path pattern as `.gitignore` writes them: `*` and `?` stay inside one folder name, `**` spans
/// folders, `[abc]` is a class. A pattern without `/` matches the file name in any folder.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]
    private let matchesBaseName: Bool
    private let tokens: [Token]
    /// `*.yaml` and the like (a star, then plain bytes, no folder): the file name ends with these
    /// bytes. The default includes are all of this shape and every path of a scan is matched against
    /// them, so they are compared without building the automaton.
    private let nameSuffix: [UInt8]?

    public init(_ pattern: String) {
        var text = pattern
        if text.hasPrefix("./") { text.removeFirst(2) }
        if text.hasPrefix("/") { text.removeFirst() }
        self.pattern = pattern
        bytes = Array(text.utf8)
        matchesBaseName = !text.contains("/")
        tokens = Self.tokens(bytes)
        if matchesBaseName, tokens.first == .star, tokens.count > 1 {
            var suffix: [UInt8] = []
            for token in tokens.dropFirst() {
                guard case .byte(let byte) = token else { break }
                suffix.append(byte)
            }
            nameSuffix = suffix.count == tokens.count - 1 ? suffix : nil
        } else {
            nameSuffix = nil
        }
    }

    public var description: String { pattern }

    public func matches(_ path: String) -> Bool {
        // The suffix holds no `/`, so a path that ends with it has a file name that ends with it.
        if let nameSuffix {
            return path.utf8.count >= nameSuffix.count && path.utf8.suffix(nameSuffix.count).elementsEqual(nameSuffix)
        }
        var subject = Array(path.utf8)
        if matchesBaseName, let slash = subject.lastIndex(of: UInt8(ascii: "/")) {
            subject = Array(subject[(slash + 1)...])
        }
        return match(tokens, subject)
    }

    /// One step of a pattern.
    private enum Token: Sendable, Hashable {
        case byte(UInt8)
        /// `?`: one byte other than `/`.
        case one
        /// `[…]`: the bounds of the class in the pattern.
        case oneOf(start: Int)
        /// `*`: any run of bytes without `/`.
        case star
        /// `**/` (or `**` before more pattern): zero or more folders, i.e. nothing or anything ending in `/`.
        case folders
        /// A trailing `**`: everything that is left.
        case rest
        /// An unterminated `[`: nothing matches.
        case never
    }

    private static func tokens(_ pattern: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var p = 0
        while p < pattern.count {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                if p + 1 < pattern.count && pattern[p + 1] == UInt8(ascii: "*") {
                    var rest = p + 2
                    if rest < pattern.count && pattern[rest] == UInt8(ascii: "/") { rest += 1 }
                    tokens.append(rest == pattern.count ? .rest : .folders)
                    p = rest
                } else {
                    tokens.append(.star)
                    p += 1
                }
            case UInt8(ascii: "?"):
                tokens.append(.one)
                p += 1
            case UInt8(ascii: "["):
                guard let (_, next) = matchClass(pattern[...], from: p, char: 0) else {
                    tokens.append(.never)
                    return tokens
                }
                tokens.append(.oneOf(start: p))
                p = next
            case let byte:
                tokens.append(.byte(byte))
                p += 1
            }
        }
        return tokens
    }

    /// Simulates the pattern as an automaton over the subject's bytes: time proportional to pattern
    /// length × subject length, whatever the stars (a backtracking matcher is exponential in them,
    /// and a long file name hung the scan).
    private func match(_ tokens: [Token], _ subject: [UInt8]) -> Bool {
        let count = tokens.count
        // States 0...count: "the next token is i"; count + 1 + i: inside the `folders` token i.
        var current = [Bool](repeating: false, count: 2 * count + 2)
        var next = current
        func add(_ state: Int, to set: inout [Bool]) -> Bool {
            var index = state
            while index <= count {
                if set[index] { return false }
                set[index] = true
                switch index < count ? tokens[index] : nil {
                case .star?, .folders?: index += 1
                case .rest?: return true
                default: return false
                }
            }
            return false
        }
        if add(0, to: &current) { return true }
        for byte in subject {
            for index in next.indices { next[index] = false }
            var any = false
            for state in 0..<count where current[state] || current[count + 1 + state] {
                any = true
                let slash = byte == UInt8(ascii: "/")
                switch tokens[state] {
                case .byte(let expected):
                    if current[state] && byte == expected, add(state + 1, to: &next) { return true }
                case .one:
                    if current[state] && !slash, add(state + 1, to: &next) { return true }
                case .oneOf(let start):
                    if current[state], Self.matchClass(bytes[...], from: start, char: byte)?.0 == true,
                        add(state + 1, to: &next)
                    {
                        return true
                    }
                case .star:
                    if !slash, add(state, to: &next) { return true }
                case .folders:
                    next[count + 1 + state] = true
                    if slash, add(state + 1, to: &next) { return true }
                case .rest:
                    return true
                case .never:
                    break
                }
            }
            guard any else { return false }
            swap(&current, &next)
        }
        return current[count]
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
