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
        var remote: OpaquePointer?
        try check(git_remote_create_anonymous(&remote, repository.pointer, url), "git_remote_create_anonymous")
        defer { git_remote_free(remote) }

        let context = FetchContext(credentials: credentials)
        if case .sshKey(_, _, _, _, let file) = credentials.method {
            context.knownHosts = try KnownHosts.load(file)
        }
        let payload = Unmanaged.passRetained(context)
        defer { payload.release() }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        options.callbacks.payload = payload.toOpaque()
        options.callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let payload, let out else { return GIT_EUSER.rawValue }
            let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
            return context.credential(out, usernameFromURL.map { String(cString: $0) }, allowed)
        }
        options.callbacks.certificate_check = { cert, valid, host, payload in
            guard let payload, let cert else { return GIT_PASSTHROUGH.rawValue }
            let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
            return context.checkCertificate(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        let refspec = "+refs/heads/\(branch):\(trackingReference)"
        let status = refspec.withCString { spec -> Int32 in
            var strings: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: spec)]
            return strings.withUnsafeMutableBufferPointer { buffer in
                var array = git_strarray(strings: buffer.baseAddress, count: 1)
                return git_remote_fetch(remote, &array, &options, "endpoint-drift serve: fetch")
            }
        }
        if status < 0 {
            if let problem = context.problem {
                throw GitError(
                    operation: "fetch", subject: displayURL, kind: .other(code: status),
                    message: credentials.redact(problem))
            }
            let error = Libgit2.error(status, "fetch", displayURL)
            throw GitError(
                operation: "fetch", subject: displayURL, kind: error.kind, message: credentials.redact(error.message))
        }
        do {
            return try repository.commit(trackingReference).id
        } catch {
            throw GitError(
                operation: "fetch", subject: displayURL, kind: .notFound,
                message: "the remote has no branch '\(branch)'")
        }
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

/// What the C callbacks of one fetch need; passed to them as the payload.
private final class FetchContext {
    let credentials: RemoteCredentials
    var knownHosts: KnownHosts?
    var attempts = 0
    /// Our own reason for failing, clearer than libgit2's "callback returned error".
    var problem: String?

    init(credentials: RemoteCredentials) { self.credentials = credentials }

    func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, _ usernameFromURL: String?,
        _ allowed: UInt32
    ) -> Int32 {
        attempts += 1
        // libgit2 asks again after a refusal; a second ask means the credentials were wrong.
        guard attempts == 1 else {
            problem = "authentication failed: the remote refused the credentials"
            return GIT_EAUTH.rawValue
        }
        switch credentials.method {
        case .none:
            problem = "authentication required: pass --git-token-file (HTTPS) or --git-ssh-key-file (SSH)"
            return GIT_EAUTH.rawValue
        case .token(let username, let token):
            guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
                problem = "the remote does not take a token (an SSH URL wants --git-ssh-key-file)"
                return GIT_EAUTH.rawValue
            }
            return git_credential_userpass_plaintext_new(out, usernameFromURL ?? username, token)
        case .sshKey(let username, let privateKey, let publicKey, let passphrase, _):
            guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
                problem = "the remote does not take an SSH key (an HTTPS URL wants --git-token-file)"
                return GIT_EAUTH.rawValue
            }
            return git_credential_ssh_key_new(
                out, usernameFromURL ?? username ?? "git", publicKey, privateKey, passphrase)
        }
    }

    func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
            // HTTPS: libgit2's own verification against the system's certificate authorities.
            return GIT_PASSTHROUGH.rawValue
        }
        guard let knownHosts else {
            problem = "SSH remotes need --git-known-hosts-file: the host key of \(host) cannot be checked"
            return GIT_ECERTIFICATE.rawValue
        }
        let hostKey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        guard hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey else {
            problem = "the SSH server's host key was not available to check"
            return GIT_ECERTIFICATE.rawValue
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostKey.hostkey_len))
        if knownHosts.trusts(host: host, key: key) { return 0 }
        problem =
            knownHosts.knows(host: host)
            ? "the host key of \(host) does not match the known_hosts file (changed key, or a man in the middle)"
            : "\(host) is not in the known_hosts file (add it: ssh-keyscan \(host) >> known_hosts)"
        return GIT_ECERTIFICATE.rawValue
    }
}
