import NIOHTTP1

/// Shows each distinct `Warning` response header text once (Kubernetes 1.33+ sends one with every
/// Endpoints request). Warnings go to the diagnostics sink (stderr), never to machine output.
actor WarningLog {
    private var seen: Set<String> = []
    private let sink: @Sendable (String) -> Void

    init(sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    func record(_ headers: HTTPHeaders) {
        for value in headers[canonicalForm: "Warning"] {
            guard let text = Self.text(of: String(value)), seen.insert(text).inserted else { continue }
            sink("Warning: \(text)")
        }
    }

    /// The text of `299 - "text"` (RFC 7234 warn-code warn-agent "warn-text"), unescaped.
    static func text(of value: String) -> String? {
        guard let open = value.firstIndex(of: "\"") else {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        var result = ""
        var escaped = false
        for character in value[value.index(after: open)...] {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                result.append(character)
            }
        }
        return result.isEmpty ? nil : result
    }
}
