import CLibgit2

/// An open git repository. Owns the `git_repository` handle and frees it when released.
///
/// Not `Sendable`: libgit2 handles must not be used from two threads at once. Open one
/// `Repository` per thread instead (opening is cheap).
public final class Repository {
    let pointer: OpaquePointer
    private var odbHandle: OpaquePointer?

    /// The `.git` folder (or the bare repository folder), with a trailing slash as libgit2 reports it.
    public let gitDirectory: String
    /// The working tree folder, or `nil` for a bare repository.
    public let workingDirectory: String?

    public var isBare: Bool { workingDirectory == nil }

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
        gitDirectory = String(cString: git_repository_path(pointer))
        workingDirectory = git_repository_workdir(pointer).map { String(cString: $0) }
    }

    deinit {
        if let odbHandle { git_odb_free(odbHandle) }
        git_repository_free(pointer)
    }

    /// Opens the repository at `path` or in one of its parent folders, as `git` does; bare repositories too.
    public static func discover(from path: String) throws(GitError) -> Repository {
        Libgit2.ensureInitialized()
        var raw: OpaquePointer?
        let status = git_repository_open_ext(&raw, path, 0, nil)
        if status == GIT_EOWNER.rawValue {
            throw notOwnedError(path: FileOwner.repositoryFolder(above: path) ?? path)
        }
        if status == GIT_ENOTFOUND.rawValue {
            // libgit2 1.5 reports a repository it refuses for its owner as "not found", with a message
            // about a missing `safe.directory` setting; find the repository ourselves to say what is wrong.
            if let folder = FileOwner.repositoryFolder(above: path), !FileOwner.isOwnedByCurrentUser(folder) {
                throw notOwnedError(path: folder)
            }
            throw GitError(
                operation: "open repository", subject: path, kind: .notARepository,
                message: "not a git repository (nor any of its parent folders); pass --repo with the repository's path")
        }
        try Libgit2.check(status, "git_repository_open_ext", path)
        guard let raw else {
            throw GitError(operation: "git_repository_open_ext", subject: path, kind: .notFound, message: "no handle")
        }
        return Repository(pointer: raw)
    }

    /// libgit2's own text for this case talks about `safe.directory` without saying why; say who owns what.
    private static func notOwnedError(path: String) -> GitError {
        let owner = FileOwner.describe(path: path)
        return GitError(
            operation: "open repository", subject: path, kind: .notOwned,
            message: "the repository is owned by \(owner.owner), but this process runs as \(owner.current); "
                + "git and libgit2 refuse such repositories. If you trust it, run "
                + "`git config --global --add safe.directory \(path)` (in CI containers: run as the owner, "
                + "or add that line to the job)")
    }

    /// Resolves any revision `git rev-parse` understands (branch, remote-tracking branch, tag, SHA, `HEAD~2`)
    /// to the commit it names; annotated tags are peeled.
    public func commit(_ revision: String) throws(GitError) -> Commit {
        var object: OpaquePointer?
        let status = git_revparse_single(&object, pointer, revision)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EINVALIDSPEC.rawValue {
            // CI checkouts are shallow by default: the base of a pull request is then simply not there.
            let shallow =
                git_repository_is_shallow(pointer) == 1
                ? "; this is a shallow clone, which has only the latest commits: fetch the history with "
                    + "`git fetch --unshallow` (GitHub: `fetch-depth: 0` on actions/checkout; GitLab: `GIT_DEPTH: 0`)"
                : ""
            throw GitError(
                operation: "resolve revision", subject: revision, kind: .notFound,
                message:
                    "unknown revision: no branch, tag or commit is called '\(revision)' in \(displayPath)\(shallow)")
        }
        if status == GIT_EAMBIGUOUS.rawValue {
            throw GitError(
                operation: "resolve revision", subject: revision, kind: .ambiguous,
                message: "ambiguous revision '\(revision)': give more digits of the commit id")
        }
        try Libgit2.check(status, "git_revparse_single", revision)
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peelStatus = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        guard peelStatus == 0, let peeled else {
            throw GitError(
                operation: "resolve revision", subject: revision, kind: .invalidSpec,
                message: "'\(revision)' does not name a commit")
        }
        defer { git_object_free(peeled) }
        return Commit(commitPointer: peeled)
    }

    /// The commit with this id.
    public func commit(id: ObjectID) throws(GitError) -> Commit {
        var oid = id.oid
        var raw: OpaquePointer?
        try Libgit2.check(git_commit_lookup(&raw, pointer, &oid), "git_commit_lookup", id.hex)
        defer { git_commit_free(raw) }
        guard let raw else {
            throw GitError(operation: "git_commit_lookup", subject: id.hex, kind: .notFound, message: "no commit")
        }
        return Commit(commitPointer: raw)
    }

    /// A folder to show in messages: the working tree, or the git folder of a bare repository.
    public var displayPath: String {
        let path = workingDirectory ?? gitDirectory
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    func objectDatabase() throws(GitError) -> OpaquePointer {
        if let odbHandle { return odbHandle }
        var raw: OpaquePointer?
        try Libgit2.check(git_repository_odb(&raw, pointer), "git_repository_odb", displayPath)
        guard let raw else {
            throw GitError(
                operation: "git_repository_odb", subject: displayPath, kind: .notFound, message: "no object database")
        }
        odbHandle = raw
        return raw
    }
}
