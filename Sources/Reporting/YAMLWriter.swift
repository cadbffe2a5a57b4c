import Manifests

/// Writes `StructuredValue` as block-style YAML, quoting only where a plain scalar would be read
/// back as something else.
public enum YAMLWriter {
    public static func write(_ value: StructuredValue, sortKeys: Bool = true) -> String {
        var out = ""
        switch value {
        case .array, .object:
            writeBlock(value, indent: 0, sortKeys: sortKeys, into: &out)
        default:
            out += scalar(value) + "\n"
        }
        return out
    }

    private static func writeBlock(_ value: StructuredValue, indent: Int, sortKeys: Bool, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .array(let items):
            for item in items {
                out += pad + "-"
                switch item {
                case .array(let inner) where !inner.isEmpty:
                    out += "\n"
                    writeBlock(item, indent: indent + 1, sortKeys: sortKeys, into: &out)
                case .object(let members) where !members.isEmpty:
                    // First member on the dash line, the rest aligned under it.
                    var nested = ""
                    writeBlock(item, indent: indent + 1, sortKeys: sortKeys, into: &nested)
                    out += " " + nested.dropFirst(pad.count + 2)
                default:
                    out += " " + scalar(item) + "\n"
                }
            }
        case .object(let members):
            let ordered = sortKeys ? members.sorted { $0.0 < $1.0 } : members
            for (key, member) in ordered {
                out += pad + plainOrQuoted(key) + ":"
                switch member {
                case .array(let inner) where !inner.isEmpty:
                    out += "\n"
                    writeBlock(member, indent: indent + 1, sortKeys: sortKeys, into: &out)
                case .object(let inner) where !inner.isEmpty:
                    out += "\n"
                    writeBlock(member, indent: indent + 1, sortKeys: sortKeys, into: &out)
                default:
                    out += " " + scalar(member) + "\n"
                }
            }
        default:
            out += pad + scalar(value) + "\n"
        }
    }

    private static func scalar(_ value: StructuredValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): plainOrQuoted(text)
        case .array: "[]"
        case .object: "{}"
        }
    }

    /// Plain when it reads back as the same string, double-quoted (JSON escapes) otherwise.
    static func plainOrQuoted(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return "\"\"" }
        let indicators: Set<Unicode.Scalar> = [
            "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
        ]
        let needsQuotes =
            indicators.contains(first) || first == " " || last == " " || text.contains(": ") || text.contains(" #")
            || text.hasSuffix(":") || text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" }
            || ScalarResolver.resolvePlain(text) != .string(text) || Self.isYAML11Special(text)
        return needsQuotes ? JSONString.quoted(text) : text
    }

    /// Plain scalars that YAML 1.1 readers (PyYAML, go-yaml v2) take for something else than a
    /// string although YAML 1.2 does not: timestamps (`2026-11-21T12:37:28Z`) and yes/no/on/off.
    /// Quoted, as kubectl quotes `creationTimestamp`.
    static func isYAML11Special(_ text: String) -> Bool {
        let lower = text.lowercased()
        if ["y", "n", "yes", "no", "on", "off"].contains(lower) { return true }
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, bytes[4] == UInt8(ascii: "-") else { return false }
        return bytes[0..<4].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
