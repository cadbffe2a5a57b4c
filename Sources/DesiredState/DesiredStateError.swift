/// A problem building the desired state: the operation, the object it was about, and what to do.
public struct DesiredStateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var subject: String
    public var message: String

    public init(operation: String, subject: String, message: String) {
        self.operation = operation
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(operation) \(subject): \(message)" }
}
