import Manifests

/// Writes `StructuredValue` as JSON: sorted keys and two-space indentation, so that output is
/// byte-for-byte stable between runs and diffs well.
public enum JSONWriter {
    public static func write(_ value: StructuredValue, pretty: Bool = true, sortKeys: Bool = true) -> String {
        var out = ""
        write(value, indent: 0, pretty: pretty, sortKeys: sortKeys, into: &out)
        if pretty { out += "\n" }
        return out
    }

    private static func write(
        _ value: StructuredValue, indent: Int, pretty: Bool, sortKeys: Bool, into out: inout String
    ) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): out += number.isFinite ? String(number) : "null"
        case .string(let text): quote(text, into: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                newline(indent + 1, pretty, &out)
                write(item, indent: indent + 1, pretty: pretty, sortKeys: sortKeys, into: &out)
            }
            newline(indent, pretty, &out)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            let ordered = sortKeys ? members.sorted { $0.0 < $1.0 } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += "," }
                newline(indent + 1, pretty, &out)
                quote(member.0, into: &out)
                out += pretty ? ": " : ":"
                write(member.1, indent: indent + 1, pretty: pretty, sortKeys: sortKeys, into: &out)
            }
            newline(indent, pretty, &out)
            out += "}"
        }
    }

    private static func newline(_ indent: Int, _ pretty: Bool, _ out: inout String) {
        guard pretty else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    public static func quote(_ text: String, into out: inout String) { JSONString.append(text, to: &out) }

    public static func quoted(_ text: String) -> String {
        var out = ""
        quote(text, into: &out)
        return out
    }
}
