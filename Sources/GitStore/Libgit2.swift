import CLibgit2
import Foundation

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

/// libgit2's process-wide set-up, for the command line.
public enum GitLibrary {
    private static let background = BackgroundStart()

    /// Runs libgit2's one-time set-up on a thread of its own now. It takes a few milliseconds (it
    /// loads the system's CA certificates for libgit2's own TLS, which reading a local repository
    /// never uses): begun at start-up, it runs beside argument parsing, and the first repository
    /// opened finds it done or waits for the rest only.
    public static func initializeInBackground() {
        Thread.detachNewThread {
            guard background.begin() else { return }
            Libgit2.ensureInitialized()
        }
    }

    /// To call before `exit`. `exit` runs the C libraries' exit handlers (OpenSSL's clean-up among
    /// them, which libgit2's set-up starts through libssh2) while other threads go on: a set-up
    /// still running on the background thread could use what they free, and a run that had written
    /// all its output died by SIGSEGV (seen once in CI: `endpoint-drift deploy`, which exits within
    /// milliseconds, on a loaded machine). A set-up begun is waited for; one not begun never starts.
    public static func settleBeforeExit() {
        if background.close() { Libgit2.ensureInitialized() }
    }
}

/// Whether the background set-up began, and whether the process is past the point where it may.
final class BackgroundStart: @unchecked Sendable {
    private let lock = NSLock()
    private var begun = false
    private var closed = false

    /// True when the set-up may run now (the process is not exiting); it is then begun.
    func begin() -> Bool {
        lock.withLock {
            guard !closed else { return false }
            begun = true
            return true
        }
    }

    /// No set-up begins after this; says whether one had begun (and may still be running).
    func close() -> Bool {
        lock.withLock {
            closed = true
            return begun
        }
    }
}
