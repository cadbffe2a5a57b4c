/// A file or document that was passed over on purpose. Notes are not errors: nothing was wrong with
/// reading it, it just holds nothing this tool can check.
public struct ScanNote: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case submodule
        case symlink
        case lfsPointer = "lfs-pointer"
        case binary
        case notUTF8 = "not-utf8"
        case tooLarge = "too-large"
        case template
        case unsupportedAPIVersion = "unsupported-api-version"
        /// In a kustomization's folder tree, but no kustomization includes it: not deployed.
        case notIncluded = "not-included"
        /// A kustomize, Flux or Argo CD feature decides this object and is not reproduced.
        case notReproduced = "not-reproduced"
        /// How the repository is deployed (a GitOps controller's setting worth knowing).
        case gitOps = "gitops"
    }

    public var path: String
    /// 1-based; `nil` for notes about a whole file.
    public var line: Int?
    public var reason: Reason
    public var message: String

    public init(path: String, line: Int? = nil, reason: Reason, message: String) {
        self.path = path
        self.line = line
        self.reason = reason
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        return "\(location): \(message)"
    }
}
