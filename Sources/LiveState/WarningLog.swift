import Foundation
import Manifests
import NIOHTTP1

/// Shows each distinct `Warning` response header text once (Kubernetes 1.33+ sends one with every
/// Endpoints request). Warnings go to the diagnostics sink (stderr), never to machine output.
actor WarningLog {
    private var seen: Set<String> = []
    private let sink: @Sendable (String) -> Void

    init(sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    func record(_ headers: HTTPHeaders) {
        // Not `headers[canonicalForm:]`: that splits at every comma, and warning texts have commas.
        for value in headers["Warning"] {
            for text in Self.texts(of: value) where seen.insert(text).inserted {
                sink("Warning: \(SafeText.escape(text))")
            }
        }
    }

    /// The texts of a `Warning` header value: `299 - "text"`, several of them comma-separated, each
    /// maybe followed by a quoted date (RFC 7234: warn-code warn-agent "warn-text" ["warn-date"]).
    static func texts(of value: String) -> [String] {
        var texts: [String] = []
        var rest = Substring(value)
        while true {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard !rest.isEmpty else { break }
            // warn-code and warn-agent, up to the quoted text.
            guard let open = rest.firstIndex(of: "\"") else {
                let bare = rest.trimmingCharacters(in: .whitespaces)
                if !bare.isEmpty && texts.isEmpty { texts.append(bare) }
                break
            }
            rest = rest[rest.index(after: open)...]
            let (text, after) = quoted(rest)
            if !text.isEmpty { texts.append(text) }
            rest = after.drop { $0 == " " }
            // An optional quoted warn-date belongs to this warning.
            if rest.first == "\"" { rest = quoted(rest.dropFirst()).rest }
        }
        return texts
    }

    /// A quoted string's content (escapes resolved) and what follows its closing quote.
    private static func quoted(_ text: Substring) -> (text: String, rest: Substring) {
        var result = ""
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return (result, text[index...])
            } else {
                result.append(character)
            }
        }
        return (result, text[text.endIndex...])
    }
}
