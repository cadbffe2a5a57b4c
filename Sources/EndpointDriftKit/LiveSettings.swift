import LiveState

/// Where and how to read the live state; what `ClusterOptions` (`--kubeconfig`, `--context`,
/// `--in-cluster`, `-n`, `-A`, `--chunk-size`, `--request-timeout`, `--live-file`, `--save-live`,
/// `--kube-api-content-type`)
/// parses into, for `live`, `check` and `fix` alike.
public struct LiveSettings: Sendable {
    public var connection: ConnectionRequest
    /// `-n` (repeatable).
    public var namespaces: [String]
    /// `-A`.
    public var allNamespaces: Bool
    public var chunkSize: Int
    /// Seconds; nil or 0: no limit.
    public var requestTimeout: Double?
    /// `--live-file FILE|-`: read a snapshot instead of the API server.
    public var liveFile: String?
    /// `--save-live FILE`: write what was read from the API server.
    public var saveLive: String?
    /// `--kube-api-content-type`: lists asked for in protobuf (true) or JSON.
    public var protobuf: Bool
    public var retry: RetryPolicy
    public var environment: ConnectionEnvironment
    /// Told after each list request, for the progress display (not for snapshot files).
    public var progress: (@Sendable (ListProgress) -> Void)?

    public init(
        connection: ConnectionRequest = ConnectionRequest(), namespaces: [String] = [], allNamespaces: Bool = false,
        chunkSize: Int = 500, requestTimeout: Double? = 60, liveFile: String? = nil, saveLive: String? = nil,
        protobuf: Bool = true, retry: RetryPolicy = .standard, environment: ConnectionEnvironment = .current
    ) {
        self.protobuf = protobuf
        self.connection = connection
        self.namespaces = namespaces
        self.allNamespaces = allNamespaces
        self.chunkSize = chunkSize
        self.requestTimeout = requestTimeout
        self.liveFile = liveFile
        self.saveLive = saveLive
        self.retry = retry
        self.environment = environment
    }

    /// The scope `-n`/`-A` ask for; nil when neither was given (the caller then uses the
    /// namespaces of the desired state, see `scope(desiredNamespaces:)`).
    public var explicitScope: NamespaceScope? {
        if allNamespaces { return .all }
        if !namespaces.isEmpty { return .only(Set(namespaces)) }
        return nil
    }

    /// `-n`/`-A` when given, else the namespaces the desired state uses.
    public func scope(desiredNamespaces: Set<String>) -> NamespaceScope {
        explicitScope ?? .only(desiredNamespaces)
    }

    /// A snapshot file source for `--live-file`, else an API server source with the connection
    /// resolved from the kubeconfig or the pod (errors name the kubeconfig file and field). API
    /// warnings and the insecure-TLS warning go to stderr.
    public func makeSource() throws(RunError) -> any LiveStateSource {
        if let liveFile { return SnapshotFileSource(path: liveFile) }
        let resolved: ClusterConnection
        do {
            resolved = try ConnectionResolver.resolve(connection, environment: environment)
        } catch {
            throw RunError(error)
        }
        var options = APIReadOptions(
            chunkSize: chunkSize, requestTimeout: requestTimeout,
            connectTimeout: min(30, requestTimeout ?? 30), retry: retry, savePath: saveLive,
            userAgent: "endpoint-drift/\(Version.current)", progress: progress)
        options.protobuf = protobuf
        return KubernetesAPISource(
            connection: resolved,
            options: options,
            environment: environment,
            diagnostics: { StandardStreams.writeError($0 + "\n") })
    }
}

extension LiveSettings {
    /// Reads the live state for a run that has the desired state in hand (`check`, `fix`): the
    /// scope is `-n`/`-A`, else the desired namespaces. Failures become `RunError`s (exit 2) that
    /// name the verb, the resource and the namespace.
    public func read(desiredNamespaces: Set<String>) async throws(RunError) -> LiveSnapshot {
        let source = try makeSource()
        do {
            return try await source.read(scope: scope(desiredNamespaces: desiredNamespaces))
        } catch {
            throw RunError(error)
        }
    }
}

extension RunError {
    /// A live-state failure, with the verb, resource and namespace it names.
    public init(_ error: LiveError) {
        var subject = error.resource
        if let namespace = error.namespace { subject += " in namespace \(namespace)" }
        self.init(operation: error.operation, subject: subject, message: error.message)
    }
}
