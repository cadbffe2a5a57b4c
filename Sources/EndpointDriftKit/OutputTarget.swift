/// One `-o FORMAT[=FILE]` request: a format name and where to write it (`nil` or `-`: stdout).
public struct OutputTarget: Sendable, Hashable {
    public var format: String
    public var file: String?

    public init(format: String, file: String? = nil) {
        self.format = format
        self.file = file
    }

    /// Parses `json`, `json=report.json`, `json=-`.
    public init(parsing text: String) {
        if let equals = text.firstIndex(of: "=") {
            format = String(text[..<equals])
            let path = String(text[text.index(after: equals)...])
            file = path.isEmpty || path == "-" ? nil : path
        } else {
            format = text
            file = nil
        }
    }

    public var writesToStdout: Bool { file == nil }
}
