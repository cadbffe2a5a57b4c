/// How the API server is read: page size, timeouts, retries, and where to save what was read.
public struct APIReadOptions: Sendable {
    /// `limit` per list request (`--chunk-size`); 0 reads each list in one answer.
    public var chunkSize: Int
    /// Per request, in seconds (`--request-timeout`); nil: no limit.
    public var requestTimeout: Double?
    /// To open a connection (TCP, proxy and TLS handshakes), in seconds.
    public var connectTimeout: Double
    /// The longest silence of the server within one answer, body included, in seconds: even without
    /// `--request-timeout`, a stalled answer fails instead of hanging.
    public var idleReadTimeout: Double = 120
    public var retry: RetryPolicy
    /// The clock retries are timed and waited with (a virtual one in tests).
    public var retryClock: RetryClock = .system
    /// `--save-live`: write what was read here, as `kubectl get … -o json` would.
    public var savePath: String?
    /// Sent as `User-Agent`.
    public var userAgent: String
    /// List requests in flight at once.
    public var concurrency: Int
    /// A scope of at least this many namespaces is read with one list per resource over all
    /// namespaces, the other namespaces' objects dropped as each page is decoded: three requests
    /// instead of three per namespace. Where RBAC forbids listing all namespaces, the namespaces are
    /// listed one by one (with a note). 0: always one list per namespace.
    public var clusterWideFrom = 8
    /// Pages one list may take before it is taken for a server that never stops paging: 20 million
    /// objects at the default chunk size.
    public var maximumPages = 40_000
    /// Lists are asked for in Kubernetes' protobuf encoding, JSON accepted too (a server or proxy
    /// without protobuf answers JSON); `--kube-api-content-type application/json` asks for JSON.
    /// On by default: its answers are 38% smaller and, read by hand (`ProtobufObjectReader`), a
    /// check reads them faster than JSON (docs/performance.md). Watches and `--save-live` lists are
    /// always JSON.
    public var protobuf = true
    /// Told after each list completes, for a progress display; never sees object contents.
    public var progress: (@Sendable (ListProgress) -> Void)?

    public init(
        chunkSize: Int = 500, requestTimeout: Double? = 60, connectTimeout: Double = 30,
        retry: RetryPolicy = .standard, savePath: String? = nil, userAgent: String = "endpoint-drift",
        concurrency: Int = 4, progress: (@Sendable (ListProgress) -> Void)? = nil
    ) {
        self.chunkSize = chunkSize
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.savePath = savePath
        self.userAgent = userAgent
        self.concurrency = concurrency
        self.progress = progress
    }
}

/// How far a live read is: lists done of all lists, and objects read so far.
public struct ListProgress: Sendable, Hashable {
    public var listsDone: Int
    public var listsTotal: Int
    public var objects: Int

    public init(listsDone: Int, listsTotal: Int, objects: Int) {
        self.listsDone = listsDone
        self.listsTotal = listsTotal
        self.objects = objects
    }
}
