/// JSON string syntax for everything this tool writes: reports, snapshots, exec plugin input, and
/// double-quoted scalars in edited manifests (a JSON string is also a valid YAML double-quoted scalar).
public enum JSONString {
    /// Appends `"text"` with the escapes RFC 8259 requires. U+2028 and U+2029 are escaped too, so the
    /// output is also safe inside JavaScript (the HTML report embeds JSON).
    public static func append(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case "\u{08}": output.append("\\b")
            case "\u{0C}": output.append("\\f")
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }

    /// `"text"`, escaped.
    public static func quoted(_ text: String) -> String {
        var output = ""
        append(text, to: &output)
        return output
    }
}
