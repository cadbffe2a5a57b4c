import Drift
import Foundation
import GitStore
import LiveState
import Manifests
import Reporting
import Scanner
import StatusServer

/// `endpoint-drift serve`: the check kept current. The live state is listed once and then watched
/// (`LiveWatcher`); the repository is read again when its revision moves to another commit; the
/// report is recomputed after each change with the same `DriftCheck` as `check`; `/metrics`,
/// `/healthz`, `/readyz` and `/report` answer from the latest report.
public enum ServeJob {
    public struct Configuration: Sendable {
        /// The repository, revision, scan options and configuration file, as `check` takes them.
        public var check: CheckJob.Configuration
        public var live: LiveSettings
        /// The `cluster` label of the metrics.
        public var clusterName: String
        public var host: String
        /// 0: any free port.
        public var port: Int
        /// How often the repository's revision is looked at, in seconds.
        public var interval: Double
        /// Told the port once listening (tests, and the log line).
        public var listening: (@Sendable (Int) -> Void)?

        public init(
            check: CheckJob.Configuration, live: LiveSettings, clusterName: String = "default",
            host: String = "0.0.0.0", port: Int = 9500, interval: Double = 60,
            listening: (@Sendable (Int) -> Void)? = nil
        ) {
            self.check = check
            self.live = live
            self.clusterName = clusterName
            self.host = host
            self.port = port
            self.interval = interval
            self.listening = listening
        }
    }

    /// Serves until the task is cancelled (SIGTERM in the command).
    public static func run(_ configuration: Configuration) async throws(RunError) {
        let state = ServeState(configuration: configuration)
        try await state.loadDesired()
        guard let api = try configuration.live.makeSource() as? KubernetesAPISource else {
            throw RunError(
                operation: "serve", subject: "--live-file",
                message: "serve watches the API server; a snapshot file does not change (use check --live-file)")
        }
        let scope = await state.scope
        let watcher = LiveWatcher(source: api, scope: scope)
        await state.attach(watcher)
        let server: StatusServer
        do {
            server = try await StatusServer.start(host: configuration.host, port: configuration.port) { request in
                await state.answer(request)
            }
        } catch {
            throw RunError(
                operation: "listen", subject: "\(configuration.host):\(configuration.port)", message: "\(error)")
        }
        configuration.listening?(server.port)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run { _ in await state.recompute() } }
            group.addTask { await state.followRepository() }
            await group.waitForAll()
        }
        await server.stop()
    }
}

/// What `serve` holds between changes: the desired state of the current commit, the latest report.
actor ServeState {
    let configuration: ServeJob.Configuration
    private var scan: ScanResult?
    private var driftConfiguration = DriftConfiguration()
    private var commit = ""
    private var report: DriftReport?
    private var watcher: LiveWatcher?
    private var lastSync: Date?
    private var gitErrors = 0
    /// The namespaces watched: `-n`/`-A`, else those git used when serve started.
    private(set) var scope: NamespaceScope = .all

    init(configuration: ServeJob.Configuration) {
        self.configuration = configuration
    }

    func attach(_ watcher: LiveWatcher) { self.watcher = watcher }

    /// Scans the revision (again, when it moved); the first time also decides the scope.
    func loadDesired() throws(RunError) {
        let check = configuration.check
        let snapshot: RepositorySnapshot
        do {
            snapshot = try RepositorySnapshot(repositoryPath: check.repositoryPath, revision: check.revision)
        } catch {
            throw RunError(error)
        }
        guard snapshot.commit.id.hex != commit else { return }
        let result: ScanResult
        do {
            result = try snapshot.scan(check.scanOptions)
        } catch {
            throw RunError(error)
        }
        SecretMask.register(result.secretValues)
        let loaded = try CheckJob.loadConfiguration(check.configFile, snapshot: snapshot)
        let first = scan == nil
        scan = result
        driftConfiguration = loaded
        commit = snapshot.commit.id.hex
        if first {
            scope =
                configuration.live.explicitScope
                ?? .only(DriftCheck.namespacesToRead(result.records, configuration: loaded))
        }
    }

    /// Looks at the revision every `interval` seconds; a new commit is scanned and compared.
    func followRepository() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(nanoseconds: UInt64(max(0.05, configuration.interval) * 1e9))
            } catch {
                return
            }
            let before = commit
            do {
                try loadDesired()
            } catch {
                gitErrors += 1
                StandardStreams.writeError("endpoint-drift: error: \(error)\n")
                continue
            }
            if commit != before { await recompute() }
        }
    }

    /// The report for the desired state and the live records held now.
    func recompute() async {
        guard let scan, let watcher else { return }
        let records = await watcher.records
        let counters = await watcher.counters
        guard counters.synced else { return }
        var namespaces: Set<String>?
        if case .only(let names) = scope { namespaces = names }
        let now = Date()
        report = DriftCheck.run(
            DriftCheck.Input(
                desired: CheckJob.desired(scan),
                live: DriftCheck.Observed(
                    records: records, source: "watch", observedAt: RFC3339Time.format(now), namespaces: namespaces),
                configuration: driftConfiguration, strict: configuration.check.strict))
        lastSync = now
    }

    // MARK: HTTP

    func answer(_ request: StatusServer.Request) async -> StatusServer.Response {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .init(status: 405, body: "only GET\n")
        }
        switch request.path {
        case "/healthz":
            return .init(status: 200, body: "ok\n")
        case "/readyz":
            guard report != nil else { return .init(status: 503, body: "not ready: the first sync is not done\n") }
            return .init(status: 200, body: "ready\n")
        case "/metrics":
            return .init(
                status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                body: SecretMask.apply(await metrics()))
        case "/report":
            guard let report else { return .init(status: 503, body: "not ready: the first sync is not done\n") }
            let wantsJSON = request.header("accept")?.contains("application/json") == true
            let format: OutputFormat = wantsJSON ? .json : .html
            let rendered = format.reporter(ReportOptions(toolVersion: Version.current)).render(report)
            return .init(
                status: 200, contentType: wantsJSON ? "application/json" : "text/html; charset=utf-8",
                body: SecretMask.apply(rendered))
        default:
            return .init(status: 404, body: "not found; try /metrics, /healthz, /readyz, /report\n")
        }
    }

    /// The metrics of `check --metrics-file` for this cluster, and serve's own.
    func metrics() async -> String {
        var text = ""
        if let report {
            let fleet = FleetReport(
                startedAt: RFC3339Time.format(lastSync ?? Date()), duration: 0,
                clusters: [ClusterReport(name: configuration.clusterName, report: report)])
            text = PrometheusMetrics(timestamp: (lastSync ?? Date()).timeIntervalSince1970).exposition(fleet)
        }
        let counters = await watcher?.counters ?? LiveWatcher.Counters()
        let cluster = "cluster=\"\(PrometheusText.escape(configuration.clusterName))\""
        text += """
            # HELP endpoint_drift_last_sync_timestamp_seconds When the report was last recomputed.
            # TYPE endpoint_drift_last_sync_timestamp_seconds gauge
            endpoint_drift_last_sync_timestamp_seconds{\(cluster)} \(lastSync.map { String(Int($0.timeIntervalSince1970)) } ?? "0")
            # HELP endpoint_drift_watch_events_total Watch events received.
            # TYPE endpoint_drift_watch_events_total counter
            endpoint_drift_watch_events_total{\(cluster)} \(counters.events)
            # HELP endpoint_drift_git_fetch_errors_total Failed reads of the repository's revision.
            # TYPE endpoint_drift_git_fetch_errors_total counter
            endpoint_drift_git_fetch_errors_total{\(cluster)} \(gitErrors)
            # HELP endpoint_drift_build_info The version of endpoint-drift serving these metrics.
            # TYPE endpoint_drift_build_info gauge
            endpoint_drift_build_info{version="\(Version.current)"} 1

            """
        return text
    }
}

/// Label values in the Prometheus text format.
enum PrometheusText {
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
