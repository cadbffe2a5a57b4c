/// A fix that could not be planned or applied: what was being done, to which file or object, and why.
public struct RemediationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `edit`, `locate object`, `render`, `verify`…
    public var operation: String
    /// A repository path, or an object (`Endpoints/ns/name`).
    public var subject: String
    public var message: String

    public init(operation: String, subject: String, message: String) {
        self.operation = operation
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(operation) \(subject): \(message)" }
}
