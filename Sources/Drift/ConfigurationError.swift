/// `.endpoint-drift.yaml` (or a flag) says something that cannot be used: where, and what.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, or the flag.
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return "\(location): \(message)"
    }
}
