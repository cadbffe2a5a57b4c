import Drift
import Manifests

/// Escaping for text that goes into GitHub-flavoured Markdown and its HTML.
enum MarkdownText {
    /// The mark before a run's or a cluster's outcome in a heading or table.
    static func icon(_ outcome: DriftSummary.Outcome) -> String {
        switch outcome {
        case .pass: "✅"
        case .fail: "❌"
        case .error: "💥"
        }
    }

    /// Plain text in a table cell or paragraph: no table breaks, no HTML, no emphasis or links.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "*", "_", "[", "]", "`", "#", "~": out += "\\\(character)"
            case "\n", "\r", "\r\n": out += " "
            default: out += SafeText.escape(String(character))
            }
        }
        return out
    }

    /// An inline code span; a backtick inside would end it, and `|` would still split a table cell.
    static func code(_ text: String) -> String {
        var inner = ""
        for character in text {
            switch character {
            case "`": inner += "'"
            case "|": inner += "\\|"
            case "\n", "\r", "\r\n": inner += " "
            default: inner += SafeText.escape(String(character))
            }
        }
        return "`\(inner)`"
    }
}
