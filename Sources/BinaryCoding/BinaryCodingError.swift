/// Why a value could not be encoded or decoded: the operation, where in the value (a coding path
/// such as `records.3.object`), and what was wrong. A cache treats any of these as a miss.
public struct BinaryCodingError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var message: String

    public init(operation: String, path: String, message: String) {
        self.operation = operation
        self.path = path
        self.message = message
    }

    public var description: String { "\(operation)\(path.isEmpty ? "" : " at \(path)"): \(message)" }
}
