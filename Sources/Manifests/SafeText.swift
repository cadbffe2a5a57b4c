/// Text from outside (file names, manifest values, live object names, server messages, plugin
/// stderr) made safe to print: control characters are escaped (`\x1b`, `\n`) so that they can
/// neither drive the terminal (colours, titles, hyperlinks, cursor moves) nor forge whole lines of
/// a log, an annotation or a report.
public enum SafeText {
    /// Every C0 and C1 control character, DEL, and the Unicode line and paragraph separators escaped.
    public static func escape(_ text: String) -> String {
        escape(text, keepingNewlines: false)
    }

    /// As `escape`, but line feeds (and tabs) stay: for multi-line text such as a plugin's stderr.
    public static func escapeKeepingLines(_ text: String) -> String {
        escape(text, keepingNewlines: true)
    }

    /// Lines for a terminal report, joined with line feeds: each line escaped as by `escape` (a line
    /// feed inside a value cannot start a forged line), except the colour sequences `TextStyle`
    /// writes (bold, dim, red, green, yellow, cyan, reset), which stay.
    public static func terminalLines(_ lines: [String]) -> String {
        lines.map(escapeKeepingStyles).joined(separator: "\n")
    }

    static let styles: [[UInt8]] = ["0", "1", "2", "31", "32", "33", "36"].map { Array("\u{1B}[\($0)m".utf8) }

    static func escapeKeepingStyles(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines: false) }) else { return line }
        var result = ""
        var rest = Substring(line)
        while let mark = rest.firstIndex(of: "\u{1B}") {
            result += escape(String(rest[..<mark]), keepingNewlines: false)
            let tail = rest[mark...]
            if let style = styles.first(where: { tail.utf8.starts(with: $0) }) {
                result += String(decoding: style, as: UTF8.self)
                rest = tail.dropFirst(style.count)
            } else {
                result += "\\x1b"
                rest = tail.dropFirst()
            }
        }
        return result + escape(String(rest), keepingNewlines: false)
    }

    private static func escape(_ text: String, keepingNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines: keepingNewlines) }) else {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepingNewlines: keepingNewlines) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                result +=
                    scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        let value = scalar.value
        if keepingNewlines && (value == 0x0A || value == 0x09) { return false }
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }
}
