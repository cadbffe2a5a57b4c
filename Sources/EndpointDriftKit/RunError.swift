import Scanner

/// A run that could not be carried out (exit 2): what was being done, on what, and what to do.
public struct RunError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let subject: String
    public let message: String

    public init(operation: String, subject: String, message: String) {
        self.operation = operation
        self.subject = subject
        self.message = message
    }

    public var description: String {
        subject.isEmpty ? "\(operation): \(message)" : "\(operation) \(subject): \(message)"
    }
}

extension RunError {
    /// The repository could not be opened, resolved or read.
    init(_ error: ScanError) {
        self.init(operation: error.operation, subject: error.subject, message: error.message)
    }
}
