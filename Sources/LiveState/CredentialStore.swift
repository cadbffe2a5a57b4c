import Foundation

/// Hands out the credentials for each request, for a whole run: exec plugin answers are cached
/// until their `expirationTimestamp`, token files are re-read when they change, and after a 401 a
/// refreshable credential is fetched anew once.
actor CredentialStore {
    private let source: CredentialSource
    private let staticIdentity: ClientIdentity?
    private let environment: ConnectionEnvironment
    /// Renew exec credentials this long before they expire, so that a request does not race the expiry.
    private let expiryMargin: TimeInterval = 10

    /// The plugin's last answer, and which run gave it.
    private var cachedExec: (credential: ExecCredential, run: Int)?
    private var pendingExec: (task: Task<Result<ExecCredential, LiveError>, Never>, run: Int)?
    private var execRuns = 0
    private var tokenFileCache: (stamp: FileStamp?, token: Secret)?

    init(source: CredentialSource, identity: ClientIdentity?, environment: ConnectionEnvironment) {
        self.source = source
        staticIdentity = identity
        self.environment = environment
    }

    /// How many times the exec plugin ran (for tests of the cache).
    var execRunCount: Int { execRuns }

    func current() async throws(LiveError) -> RequestCredentials {
        switch source {
        case .none:
            return RequestCredentials(identity: staticIdentity)
        case .token(let token):
            return RequestCredentials(authorization: bearer(token), identity: staticIdentity)
        case .basic(let username, let password):
            let pair = Array(username.utf8) + [UInt8(ascii: ":")] + password.reveal()
            return RequestCredentials(
                authorization: Secret("Basic " + Data(pair).base64EncodedString()), identity: staticIdentity)
        case .tokenFile(let path, let field):
            return RequestCredentials(
                authorization: bearer(try tokenFromFile(path, field: field)), identity: staticIdentity)
        case .exec(let config, let cluster):
            let (credential, run) = try await execCredential(config, cluster: cluster)
            var identity = staticIdentity
            if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
                identity = ClientIdentity(
                    certificatePEM: certificate, keyPEM: key, origin: "exec plugin \(config.command)")
            }
            return RequestCredentials(
                authorization: credential.token.map(bearer), identity: identity, generation: run)
        }
    }

    /// Called after a 401 for `credentials`: forgets what can be fetched again. True when a retry
    /// may succeed. Requests that went out side by side with one answer of the exec plugin and all
    /// got a 401 make it run once more: only the answer they were sent with is forgotten.
    func invalidate(after credentials: RequestCredentials) -> Bool {
        switch source {
        case .exec:
            if cachedExec?.run == credentials.generation { cachedExec = nil }
            return true
        case .tokenFile:
            // A pipe was read once; reading it again would wait for a writer that never comes.
            if tokenFileCache?.stamp?.regular == false { return false }
            let changed = tokenFileCache.map { FileStamp(path: pathOfTokenFile) != $0.stamp } ?? true
            tokenFileCache = nil
            return changed
        case .none, .token, .basic:
            return false
        }
    }

    private var pathOfTokenFile: String {
        if case .tokenFile(let path, _) = source { return path }
        return ""
    }

    private func bearer(_ token: Secret) -> Secret {
        Secret(bytes: Array("Bearer ".utf8) + token.reveal())
    }

    private func tokenFromFile(_ path: String, field: String) throws(LiveError) -> Secret {
        let stamp = FileStamp(path: path)
        if let cached = tokenFileCache, stamp != nil, cached.stamp == stamp || cached.stamp?.regular == false {
            return cached.token
        }
        let bytes: [UInt8]
        do {
            bytes = try FileErrors.read(path)
        } catch {
            throw LiveError(kind: .configuration, operation: "read token", resource: field, message: error.message)
        }
        let trimmed = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw LiveError(kind: .configuration, operation: "read token", resource: field, message: "\(path) is empty")
        }
        let token = Secret(trimmed)
        tokenFileCache = (stamp, token)
        return token
    }

    /// The plugin's answer and the number of the run that gave it.
    private func execCredential(
        _ config: ExecConfig, cluster: ExecClusterInfo
    ) async throws(LiveError) -> (ExecCredential, run: Int) {
        if let cached = cachedExec, !isExpired(cached.credential) { return cached }
        if let pendingExec { return (try await pendingExec.task.value.get(), pendingExec.run) }
        execRuns += 1
        let run = execRuns
        let environment = environment
        let task = Task { () -> Result<ExecCredential, LiveError> in
            do throws(LiveError) {
                return .success(try await ExecPlugin.run(config, cluster: cluster, environment: environment))
            } catch {
                return .failure(error)
            }
        }
        pendingExec = (task, run)
        let result = await task.value
        pendingExec = nil
        if case .success(let credential) = result { cachedExec = (credential, run) }
        return (try result.get(), run)
    }

    private func isExpired(_ credential: ExecCredential) -> Bool {
        guard let expiration = credential.expiration else { return false }
        return expiration.timeIntervalSinceNow <= expiryMargin
    }
}
