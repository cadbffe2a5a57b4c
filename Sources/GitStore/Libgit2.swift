import CLibgit2

/// Process-wide libgit2 set-up and the single place where return codes become errors.
enum Libgit2 {
    /// `git_libgit2_init` must run once before any other call; a global `let` gives us a thread-safe once.
    private static let initialized: Int32 = git_libgit2_init()

    static func ensureInitialized() {
        _ = initialized
    }

    /// Throws a `GitError` carrying libgit2's last error message when `status` is negative.
    @discardableResult
    static func check(_ status: Int32, _ operation: String, _ subject: String) throws(GitError) -> Int32 {
        guard status < 0 else { return status }
        throw error(status, operation, subject)
    }

    static func error(_ status: Int32, _ operation: String, _ subject: String) -> GitError {
        var message = "libgit2 error \(status)"
        if let last = git_error_last(), let text = last.pointee.message {
            message = String(cString: text)
        }
        return GitError(operation: operation, subject: subject, kind: GitError.Kind(status: status), message: message)
    }
}
