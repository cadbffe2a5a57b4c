/// A small value tree for text the editor writes from scratch (a new subset, a new slice, a
/// `conditions` entry). Keys keep their order.
indirect enum Fragment: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case map([Entry])
    case seq([Fragment])

    struct Entry: Sendable, Hashable {
        var key: String
        var value: Fragment

        init(_ key: String, _ value: Fragment) {
            self.key = key
            self.value = value
        }
    }

    /// The map's entries in the order `keys` gives (keys it does not name keep their place after those).
    func ordered(like keys: [String]) -> Fragment {
        guard case .map(let entries) = self else { return self }
        let rank = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let sorted = entries.enumerated().sorted { left, right in
            let a = rank[left.element.key] ?? keys.count + left.offset
            let b = rank[right.element.key] ?? keys.count + right.offset
            return a < b
        }
        return .map(sorted.map(\.element))
    }

    var isEmptyCollection: Bool {
        switch self {
        case .map(let entries): entries.isEmpty
        case .seq(let items): items.isEmpty
        default: false
        }
    }
}

/// Writes fragments in a file's style: block YAML at a given indentation, flow YAML, or JSON.
struct FragmentRenderer: Sendable {
    let style: FileStyle

    // MARK: YAML block

    /// `key: value` lines at column `indent` (no line endings).
    func blockEntry(_ key: String, _ value: Fragment, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let keyText = ScalarFormatter.string(key, style: .plain, flow: false)
        switch value {
        case .map(let entries) where !entries.isEmpty:
            return ["\(pad)\(keyText):"]
                + entries.flatMap { blockEntry($0.key, $0.value, indent: indent + style.indentStep) }
        case .seq(let items) where !items.isEmpty:
            return ["\(pad)\(keyText):"] + items.flatMap { blockItem($0, dashIndent: indent + style.sequenceIndent) }
        default:
            return ["\(pad)\(keyText): \(blockScalar(value))"]
        }
    }

    /// `- item` lines with the dash at column `dashIndent`; a map's first entry shares the dash line.
    func blockItem(_ value: Fragment, dashIndent: Int) -> [String] {
        let pad = String(repeating: " ", count: dashIndent)
        switch value {
        case .map(let entries) where !entries.isEmpty:
            var lines = blockMapping(entries, indent: dashIndent + 2)
            lines[0] = pad + "- " + lines[0].dropFirst(dashIndent + 2)
            return lines
        case .seq(let items) where !items.isEmpty:
            return ["\(pad)-"] + items.flatMap { blockItem($0, dashIndent: dashIndent + 2) }
        default:
            return ["\(pad)- \(blockScalar(value))"]
        }
    }

    /// A scalar (or an empty collection) in block context, where fewer characters need quotes.
    private func blockScalar(_ value: Fragment) -> String {
        if case .string(let text) = value { return ScalarFormatter.string(text, style: style.stringStyle, flow: false) }
        return flow(value)
    }

    func blockMapping(_ entries: [Fragment.Entry], indent: Int) -> [String] {
        entries.flatMap { blockEntry($0.key, $0.value, indent: indent) }
    }

    // MARK: YAML flow and JSON

    /// One line: `{ip: 10.0.0.1}` in YAML, `{"ip": "10.0.0.1"}` in JSON.
    func flow(_ value: Fragment) -> String {
        switch value {
        case .string(let text):
            return style.json
                ? ScalarFormatter.doubleQuoted(text)
                : ScalarFormatter.string(text, style: style.stringStyle, flow: true)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .map(let entries):
            let inner = entries.map { key($0.key) + ": " + flow($0.value) }.joined(separator: ", ")
            return "{" + inner + "}"
        case .seq(let items):
            return "[" + items.map(flow).joined(separator: ", ") + "]"
        }
    }

    /// JSON over several lines, as `kubectl -o json` writes it; the first line carries no indentation
    /// (the caller places it), nested lines are indented from `indent`.
    func jsonMultiline(_ value: Fragment, indent: Int) -> String {
        let eol = String(decoding: style.eol, as: UTF8.self)
        let inner = String(repeating: " ", count: indent + style.indentStep)
        let closing = String(repeating: " ", count: indent)
        switch value {
        case .map(let entries) where !entries.isEmpty:
            let lines = entries.map {
                inner + ScalarFormatter.doubleQuoted($0.key) + ": "
                    + jsonMultiline($0.value, indent: indent + style.indentStep)
            }
            return "{" + eol + lines.joined(separator: "," + eol) + eol + closing + "}"
        case .seq(let items) where !items.isEmpty:
            let lines = items.map { inner + jsonMultiline($0, indent: indent + style.indentStep) }
            return "[" + eol + lines.joined(separator: "," + eol) + eol + closing + "]"
        default:
            return flow(value)
        }
    }

    /// JSON in the file's layout: over several lines when the file is, else on one.
    func json(_ value: Fragment, indent: Int) -> String {
        style.jsonMultiline ? jsonMultiline(value, indent: indent) : flow(value)
    }

    private func key(_ text: String) -> String {
        style.json ? ScalarFormatter.doubleQuoted(text) : ScalarFormatter.string(text, style: .plain, flow: true)
    }

    /// Joins rendered lines with the file's line ending, with one at the end.
    func joinLines(_ lines: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            out.append(contentsOf: Array(line.utf8))
            out.append(contentsOf: style.eol)
        }
        return out
    }
}
