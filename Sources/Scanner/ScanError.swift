import GitStore

/// Why a repository could not be scanned at all (per-file problems are `ManifestError`s instead).
public struct ScanError: Error, Sendable, CustomStringConvertible {
    /// What the scanner was doing: "open repository", "resolve revision", "read file".
    public let operation: String
    /// The path or revision it was about.
    public let subject: String
    public let message: String
    /// The libgit2 error underneath, when there is one.
    public let gitError: GitError?

    public init(operation: String, subject: String, message: String, gitError: GitError? = nil) {
        self.operation = operation
        self.subject = subject
        self.message = message
        self.gitError = gitError
    }

    init(_ error: GitError) {
        self.init(operation: error.operation, subject: error.subject, message: error.message, gitError: error)
    }

    public var description: String { "\(operation) '\(subject)': \(message)" }
}
