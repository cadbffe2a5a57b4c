/// A problem with one manifest: where it is and what is wrong. The scanner reports these and goes on
/// with the next document.
public struct ManifestError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Coarse cause, for tests and for choosing a hint; new cases may be added.
    public enum Kind: String, Sendable, Hashable, Codable {
        case syntax
        case duplicateKey
        case wrongType
        case missingField
        case invalidValue
        case aliasLimit
        case depthLimit
        case encoding
        case unreadable
    }

    public var kind: Kind
    /// The repository path of the file; empty while the reader does not know it yet.
    public var path: String
    /// 1-based; 0 when unknown.
    public var line: Int
    /// 1-based; 0 when unknown.
    public var column: Int
    public var message: String

    public init(kind: Kind, path: String = "", line: Int, column: Int, message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    init(kind: Kind, at mark: Mark, _ message: String) {
        self.init(kind: kind, line: mark.line, column: mark.column, message: message)
    }

    /// `path:line:column: message`, as compilers print it, so editors and CI annotate the line.
    public var description: String {
        var location = path
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return location.isEmpty ? message : "\(location): \(message)"
    }

    /// The same error placed in a file.
    public func inFile(_ path: String) -> ManifestError {
        var copy = self
        copy.path = path
        return copy
    }
}
