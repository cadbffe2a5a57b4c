/// A push or a notification did not arrive: what was sent where, and why. The target is only the
/// scheme, host and port: webhook URLs carry their secret in the path, and are never printed.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    /// `push metrics to`, `post notification to`…
    public let operation: String
    /// `https://hooks.example.com` — never the path or the query.
    public let target: String
    public let message: String

    public init(operation: String, target: String, message: String) {
        self.operation = operation
        self.target = target
        self.message = message
    }

    public var description: String { "\(operation) \(target): \(message)" }
}
