import CLibgit2
import Foundation

/// A bare clone of one branch of a remote, kept in a folder of its own (`serve --data-dir`) and
/// brought up to date with libgit2's fetch. Nothing else is written: no working tree, no remote
/// in the clone's configuration (the URL is given on each fetch), so no credential is stored.
///
/// Each `fetch` opens the clone for itself (libgit2 handles stay on the calling thread); do not run
/// two fetches of one mirror at once.
public struct RemoteMirror: Sendable {
    public let url: String
    public let branch: String
    /// The bare repository's folder.
    public let path: String
    public let credentials: RemoteCredentials

    public init(url: String, branch: String, dataDirectory: String, credentials: RemoteCredentials = .none) {
        self.url = url
        self.branch = branch
        path = (dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory) + "/mirror.git"
        self.credentials = credentials
    }

    /// The reference the fetched branch is kept in, for `Repository.commit(_:)`.
    public var trackingReference: String { "refs/remotes/origin/\(branch)" }

    /// `url` as it may be shown.
    public var displayURL: String { credentials.redact(url) }

    /// Fetches the branch (creating the bare clone the first time) and returns the commit it is at.
    /// Errors carry no secret: libgit2's text passes through `RemoteCredentials.redact`.
    @discardableResult
    public func fetch() throws(GitError) -> ObjectID {
        guard Repository.isValidBranchName(branch) else {
            throw GitError(operation: "fetch", subject: branch, kind: .invalidSpec, message: "not a valid branch name")
        }
        let repository = try openOrCreate()
        try transfer(fetching: "+refs/heads/\(branch):\(trackingReference)", in: repository)
        do {
            return try repository.commit(trackingReference).id
        } catch {
            throw GitError(
                operation: "fetch", subject: displayURL, kind: .notFound,
                message: "the remote has no branch '\(branch)'")
        }
    }

    /// Where branch `name` is on the remote now (`nil`: the remote has no such branch), with that
    /// commit fetched into the clone (kept in `refs/remotes/origin/<name>`) so that it can be read.
    public func remoteBranchTip(_ name: String) throws(GitError) -> ObjectID? {
        guard Repository.isValidBranchName(name) else {
            throw GitError(operation: "fetch", subject: name, kind: .invalidSpec, message: "not a valid branch name")
        }
        let repository = try openOrCreate()
        let advertised = try transfer(fetching: "+refs/heads/\(name):refs/remotes/origin/\(name)", in: repository)
        return advertised["refs/heads/\(name)"]
    }

    /// Makes the remote's branch `name` point at `commit` (a commit in the clone), replacing what is
    /// there only when it is still `expected` (`nil`: the branch must not exist): a force push of
    /// that one reference, refused when someone moved it since it was looked at. No other reference
    /// of the remote is sent; `branch`, the followed one, is never pushed to.
    public func push(_ commit: ObjectID, toBranch name: String, replacing expected: ObjectID?) throws(GitError) {
        guard Repository.isValidBranchName(name), name != branch else {
            throw GitError(
                operation: "push", subject: name, kind: .invalidSpec,
                message: name == branch ? "the followed branch is never pushed to" : "not a valid branch name")
        }
        let repository = try openOrCreate()
        // libgit2 pushes references, not commits: a reference of the clone's own, outside refs/heads.
        let local = "refs/endpoint-drift/push/\(name)"
        try repository.setReference(local, to: commit)
        let remote = try anonymousRemote(repository)
        defer { git_remote_free(remote) }
        let session = try makeSession()
        session.lease = ("refs/heads/\(name)", expected)
        let payload = Unmanaged.passRetained(session)
        defer { payload.release() }
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
        options.callbacks = RemoteSession.callbacks(payload: payload.toOpaque())
        let status = withRefspecs(["+\(local):refs/heads/\(name)"]) { git_remote_push(remote, $0, &options) }
        try fail(status, "push", session)
        if let rejection = session.rejection {
            throw GitError(
                operation: "push", subject: displayURL, kind: .other(code: -1),
                message: credentials.redact("the remote refused refs/heads/\(name): \(rejection)"))
        }
    }

    /// Fetches `refspec` and returns the references the remote advertised, by name.
    @discardableResult
    private func transfer(fetching refspec: String, in repository: Repository) throws(GitError) -> [String: ObjectID] {
        let remote = try anonymousRemote(repository)
        defer { git_remote_free(remote) }
        let session = try makeSession()
        let payload = Unmanaged.passRetained(session)
        defer { payload.release() }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        options.callbacks = RemoteSession.callbacks(payload: payload.toOpaque())
        let status = withRefspecs([refspec]) { git_remote_fetch(remote, $0, &options, "endpoint-drift serve: fetch") }
        try fail(status, "fetch", session)
        // The list the remote sent stays readable after the fetch disconnected.
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, remote), "git_remote_ls")
        var advertised: [String: ObjectID] = [:]
        for index in 0..<count {
            guard let head = heads?[index]?.pointee, let name = head.name else { continue }
            advertised[String(cString: name)] = ObjectID(head.oid)
        }
        return advertised
    }

    private func anonymousRemote(_ repository: Repository) throws(GitError) -> OpaquePointer? {
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, repository.pointer, url), "git_remote_create_anonymous")
        return remote
    }

    private func makeSession() throws(GitError) -> RemoteSession {
        let session = RemoteSession(credentials: credentials)
        if case .sshKey(_, _, _, _, let file) = credentials.method {
            session.knownHosts = try KnownHosts.load(file)
        }
        return session
    }

    private func withRefspecs(_ refspecs: [String], _ body: (UnsafeMutablePointer<git_strarray>) -> Int32) -> Int32 {
        var copies = refspecs.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return copies.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return body(&array)
        }
    }

    /// A failed fetch or push as an error without secrets, with our own reason when a callback gave one.
    private func fail(_ status: Int32, _ operation: String, _ session: RemoteSession) throws(GitError) {
        guard status < 0 else { return }
        if let problem = session.problem {
            throw GitError(
                operation: operation, subject: displayURL, kind: .other(code: status),
                message: credentials.redact(problem))
        }
        let error = Libgit2.error(status, operation, displayURL)
        throw GitError(
            operation: operation, subject: displayURL, kind: error.kind, message: credentials.redact(error.message))
    }

    /// The commit the last successful fetch left, or `nil` before the first one.
    public func fetchedCommit() -> ObjectID? {
        guard FileManager.default.fileExists(atPath: path + "/HEAD"),
            let repository = try? Repository.discover(from: path)
        else { return nil }
        return try? repository.commit(trackingReference).id
    }

    private func openOrCreate() throws(GitError) -> Repository {
        if FileManager.default.fileExists(atPath: path + "/HEAD") { return try Repository.discover(from: path) }
        Libgit2.ensureInitialized()
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GitError(
                operation: "create mirror", subject: path, kind: .other(code: -1),
                message: "cannot create the folder: \(error.localizedDescription)")
        }
        var raw: OpaquePointer?
        try check(git_repository_init(&raw, path, 1), "git_repository_init")
        git_repository_free(raw)
        return try Repository.discover(from: path)
    }

    private func check(_ status: Int32, _ operation: String) throws(GitError) {
        guard status < 0 else { return }
        let error = Libgit2.error(status, operation, displayURL)
        throw GitError(
            operation: operation, subject: displayURL, kind: error.kind, message: credentials.redact(error.message))
    }
}
