import CLibgit2

/// An error from libgit2 or from this wrapper, naming the operation and the object it was about.
///
/// The message is libgit2's own text where it gave one; `kind` lets callers react (for example to
/// "not found") without matching on text.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, coarsely; new cases may be added.
    public enum Kind: Sendable, Equatable {
        case notFound
        case ambiguous
        case invalidSpec
        case exists
        case notOwned
        case notARepository
        case other(code: Int32)
    }

    /// The libgit2 function or wrapper step that failed, e.g. `git_revparse_single`.
    public let operation: String
    /// The object the operation was about: a revision, a path, an object id.
    public let subject: String
    public let kind: Kind
    /// libgit2's message, or ours where libgit2 gave none.
    public let message: String

    public init(operation: String, subject: String, kind: Kind, message: String) {
        self.operation = operation
        self.subject = subject
        self.kind = kind
        self.message = message
    }

    public var description: String {
        "\(operation) '\(subject)': \(message)"
    }
}

extension GitError.Kind {
    init(status: Int32) {
        switch status {
        case GIT_ENOTFOUND.rawValue: self = .notFound
        case GIT_EAMBIGUOUS.rawValue: self = .ambiguous
        case GIT_EINVALIDSPEC.rawValue: self = .invalidSpec
        case GIT_EEXISTS.rawValue: self = .exists
        case GIT_EOWNER.rawValue: self = .notOwned
        default: self = .other(code: status)
        }
    }
}
