import Delivery
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
    public typealias TLSFiles = StatusServer.TLSFiles

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
        /// A remote branch to follow instead of `check.repositoryPath`'s `check.revision`.
        public var remote: Remote?
        /// Where log lines go (standard error; tests collect them). Lines carry no secret.
        public var log: @Sendable (String) -> Void
        /// HTTPS instead of HTTP.
        public var tls: TLSFiles?
        /// Every endpoint but /healthz wants `Authorization: Bearer <this>`.
        public var authToken: String?
        /// `--metrics-backend-labels`: also a series per backend, with its address.
        public var metricsBackendLabels = false
        /// `--webhook`: posted when the set of findings changes, as `check --webhook --state` posts.
        public var webhook: Secret?
        /// `--state`: the findings remembered across restarts. Without it the first report is the
        /// baseline (a restart does not post every finding again).
        public var stateFile: String?
        /// `--fix-branch`: when the set of findings changes (as the webhook), the `fix --to live` commit
        /// on top of the commit served is put on this branch (pushed, with --repo URL); a branch whose
        /// tip serve did not make is never moved.
        public var fixBranch: String?
        /// Where the webhook's credentials and the fix commit's `GIT_AUTHOR_*` / `GIT_COMMITTER_*` are read.
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(
            check: CheckJob.Configuration, live: LiveSettings, clusterName: String = "default",
            host: String = "0.0.0.0", port: Int = 9500, interval: Double = 60, remote: Remote? = nil,
            tls: TLSFiles? = nil, authToken: String? = nil, listening: (@Sendable (Int) -> Void)? = nil,
            log: @escaping @Sendable (String) -> Void = { StandardStreams.writeError("endpoint-drift: \($0)\n") }
        ) {
            self.check = check
            self.live = live
            self.clusterName = clusterName
            self.host = host
            self.port = port
            self.interval = interval
            self.remote = remote
            self.tls = tls
            self.authToken = authToken
            self.listening = listening
            self.log = log
        }
    }

    /// `serve --repo URL --branch B --data-dir D`: a bare clone in `D` fetched every `--interval`.
    public struct Remote: Sendable {
        public var url: String
        public var branch: String
        public var dataDirectory: String
        public var credentials: RemoteCredentials

        public init(url: String, branch: String, dataDirectory: String, credentials: RemoteCredentials = .none) {
            self.url = url
            self.branch = branch
            self.dataDirectory = dataDirectory
            self.credentials = credentials
        }

        var mirror: RemoteMirror {
            RemoteMirror(url: url, branch: branch, dataDirectory: dataDirectory, credentials: credentials)
        }
    }

    /// Serves until the task is cancelled (SIGTERM in the command).
    public static func run(_ configuration: Configuration) async throws(RunError) {
        try validateFixBranch(configuration)
        let state = ServeState(configuration: configuration)
        let webhook = try configuration.webhook.map { (secret) throws(RunError) in
            try FleetJob.makeWebhook(secret, environment: configuration.environment)
        }
        // Read before serving: a broken state file stops serve before it does anything.
        let remembered = try configuration.stateFile.map(StateFile.read)
        await state.notifications(webhook: webhook, remembered: remembered)
        try await state.loadDesired()
        if let remote = configuration.remote {
            configuration.log(
                "following \(remote.mirror.displayURL) branch \(remote.branch) in \(remote.dataDirectory)")
        }
        guard let api = try configuration.live.makeSource() as? KubernetesAPISource else {
            throw RunError(
                operation: "serve", subject: "--live-file",
                message: "serve watches the API server; a snapshot file does not change (use check --live-file)")
        }
        let scope = await state.scope
        let log = configuration.log
        let watcher = LiveWatcher(source: api, scope: scope, log: { log(SecretMask.apply($0)) })
        await state.attach(watcher)
        let server: StatusServer
        do {
            server = try await StatusServer.start(
                host: configuration.host, port: configuration.port, tls: configuration.tls
            ) { request in
                await state.answer(request)
            }
        } catch {
            throw RunError(
                operation: "listen", subject: "\(configuration.host):\(configuration.port)", message: "\(error)")
        }
        configuration.listening?(server.port)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run { touched in await state.recompute(touched: touched) } }
            group.addTask { await state.followRepository() }
            await group.waitForAll()
        }
        await server.stop()
    }

    /// `--fix-branch` must be a branch name, and not the branch serve reads: it would then push to
    /// what it follows (or, locally, move the branch checked out).
    static func validateFixBranch(_ configuration: Configuration) throws(RunError) {
        guard let name = configuration.fixBranch else { return }
        guard Repository.isValidBranchName(name) else {
            throw RunError(operation: "--fix-branch", subject: name, message: "not a valid branch name")
        }
        if let remote = configuration.remote {
            if name == remote.branch {
                throw RunError(
                    operation: "--fix-branch", subject: name,
                    message: "is the followed --branch; the fix goes on a branch of its own")
            }
            return
        }
        let revision = configuration.check.revision
        // --ref as a branch name or its full reference name; HEAD: the branch checked out.
        var read = revision.hasPrefix("refs/heads/") ? String(revision.dropFirst("refs/heads/".count)) : revision
        if revision == "HEAD", let repository = try? Repository.discover(from: configuration.check.repositoryPath),
            let current = repository.currentBranch()
        {
            read = current
        }
        if name == read {
            throw RunError(
                operation: "--fix-branch", subject: name,
                message: "is the branch serve reads (--ref \(revision)); the fix goes on a branch of its own")
        }
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
    /// The comparisons of the last report, for comparing again only the Services an event touched.
    private var reuse = DriftCheck.Reuse()
    /// Services touched since the last report; `nil`: everything must be compared (new commit, start).
    private var pending: Set<ServiceKey>? = nil
    /// The namespaces watched: `-n`/`-A`, else those git used when serve started.
    private(set) var scope: NamespaceScope = .all
    /// What the last report was computed from (`--fix-branch` makes its fix from the same; set
    /// with `report`, so the two always agree).
    private var basis: ServeFixBranch.Basis?
    /// Fetches, pushes and fix commits, one at a time, on threads of their own: libgit2 blocks its
    /// thread for a whole transfer, and two transfers must not write one clone at once.
    private let gitQueue = DispatchQueue(label: "endpoint-drift.serve.git")
    private let fixBranch: ServeFixBranch?

    init(configuration: ServeJob.Configuration) {
        self.configuration = configuration
        fixBranch = configuration.fixBranch.map {
            ServeFixBranch(
                name: $0, remote: configuration.remote, repositoryPath: configuration.check.repositoryPath,
                revision: configuration.check.revision, scanOptions: configuration.check.scanOptions,
                environment: configuration.environment, clusterName: configuration.clusterName)
        }
    }

    func attach(_ watcher: LiveWatcher) { self.watcher = watcher }

    /// Fetches the remote branch (when following one), then scans the revision if it moved. A failed
    /// fetch is counted and logged; serving goes on with the commit fetched before, if there is one.
    func loadDesired() async throws(RunError) {
        if let remote = configuration.remote {
            let mirror = remote.mirror
            let fetched = await onGitQueue { Result { () throws(GitError) in try mirror.fetch() } }
            if case .failure(let error) = fetched {
                gitErrors += 1
                configuration.log("error: git fetch failed (will retry in \(configuration.interval) s): \(error)")
                guard scan == nil, mirror.fetchedCommit() != nil else {
                    if scan == nil {
                        throw RunError(
                            operation: "serve", subject: mirror.displayURL,
                            message: "the first fetch failed and --data-dir holds no earlier one: \(error)")
                    }
                    return
                }
            }
            try scanRevision(repositoryPath: mirror.path, revision: mirror.trackingReference)
        } else {
            try scanRevision(repositoryPath: configuration.check.repositoryPath, revision: configuration.check.revision)
        }
    }

    /// Runs `work` on `gitQueue`, not on the concurrency pool the watches and the HTTP answers need.
    private func onGitQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            gitQueue.async { continuation.resume(returning: work()) }
        }
    }

    /// Scans `revision` when it names another commit than the one held; the first time also decides the scope.
    private func scanRevision(repositoryPath: String, revision: String) throws(RunError) {
        let check = configuration.check
        let snapshot: RepositorySnapshot
        do {
            snapshot = try RepositorySnapshot(repositoryPath: repositoryPath, revision: revision)
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
        reuse = DriftCheck.Reuse()
        pending = nil
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
                try await loadDesired()
            } catch {
                if configuration.remote == nil { gitErrors += 1 }
                configuration.log("error: \(configuration.remote?.credentials.redact("\(error)") ?? "\(error)")")
                continue
            }
            if commit != before { await recompute(touched: nil) }
            // A post that failed is tried again here too, not only at the next change.
            await notifyIfChanged()
        }
    }

    /// The report for the desired state and the live records held now, comparing again only the
    /// Services touched since the last one (`nil`: all of them).
    func recompute(touched: Set<ServiceKey>?) async {
        if let touched, pending != nil {
            pending?.formUnion(touched)
        } else {
            pending = nil
        }
        guard let scan, let watcher else { return }
        let records = await watcher.records
        let counters = await watcher.counters
        let notes = await watcher.notes
        guard counters.synced else { return }
        var namespaces: Set<String>?
        if case .only(let names) = scope { namespaces = names }
        let now = Date()
        let input = DriftCheck.Input(
            desired: CheckJob.desired(scan),
            live: DriftCheck.Observed(
                records: records, source: "watch", observedAt: RFC3339.format(now), namespaces: namespaces,
                notes: notes),
            configuration: driftConfiguration, strict: configuration.check.strict)
        // The first report compares everything; later ones only what changed since.
        let touched = report == nil ? nil : pending
        let computed = DriftCheck.run(input, reusing: &reuse, touched: touched)
        report = computed
        // Kept only for --fix-branch: the live records are otherwise not held beyond the report.
        if fixBranch != nil {
            basis = ServeFixBranch.Basis(scan: scan, records: records, report: computed, commit: commit)
        }
        pending = []
        lastSync = now
        // Not awaited here: a slow webhook must not hold up the watch that told this change.
        Task { await self.notifyIfChanged() }
    }

    /// How many Services the last report compared (the others were reused), for tests.
    var lastCompared: Int { reuse.compared }

    // MARK: Notifications

    private var webhook: Webhook?
    /// The findings last notified (or the baseline); `nil` before the first report without --state.
    private var remembered: RememberedRun?
    private var notifying = false
    private var notificationErrors = 0
    /// The findings the last fix was made (or tried) for: one try per set of findings.
    private var fixedFor: RememberedRun?
    private var fixCommits = 0
    private var fixErrors = 0

    func notifications(webhook: Webhook?, remembered: RememberedRun?) {
        self.webhook = webhook
        self.remembered = remembered
    }

    /// Posts the webhook when the set of findings changed since the last post (the change-only logic
    /// of `check --state`) and remembers them. One post at a time: changes made while one is in flight
    /// are looked at when it ends. A failed post is counted and logged, and tried again at the next
    /// change or --interval.
    func notifyIfChanged() async {
        guard webhook != nil || configuration.stateFile != nil || fixBranch != nil, !notifying else { return }
        notifying = true
        defer { notifying = false }
        while let report {
            let fleet = FleetReport(
                startedAt: RFC3339.format(lastSync ?? Date()), duration: 0,
                clusters: [ClusterReport(name: configuration.clusterName, report: report)])
            let now = RFC3339.format(Date())
            guard let remembered else {
                // Nothing known from before: this report is the baseline.
                let (changes, next) = FleetChanges.between(RememberedRun(), fleet)
                self.remembered = next
                writeState(next, changes: changes, notified: false, at: now)
                // The fix branch has no baseline: drift found at start is fixed (a fix commit already
                // on the branch for it is kept as it is).
                if !changes.isEmpty { await fix(for: next) }
                continue
            }
            let (changes, next) = FleetChanges.between(remembered, fleet)
            guard !changes.isEmpty else {
                // A new --state file is written at the first report even with nothing to tell.
                if let path = configuration.stateFile, !FileManager.default.fileExists(atPath: path) {
                    writeState(next, changes: changes, notified: false, at: now)
                }
                return
            }
            await fix(for: next)
            var notified = false
            if let webhook {
                do {
                    try await webhook.post(
                        SecretMask.apply(WebhookMessage(toolVersion: Version.current).body(changes, fleet: fleet)))
                    notified = true
                } catch {
                    notificationErrors += 1
                    configuration.log("error: \(SecretMask.apply("\(error)")) (tried again at the next change)")
                    return
                }
            }
            self.remembered = next
            writeState(next, changes: changes, notified: notified, at: now)
        }
    }

    /// Makes the fix commit of the report held (`basis`) on `--fix-branch`, unless one was made (or
    /// tried) for these findings already. A failure is counted and logged, and tried again at the
    /// next change.
    private func fix(for findings: RememberedRun) async {
        guard let fixBranch, let basis, fixedFor != findings else { return }
        fixedFor = findings
        let name = fixBranch.name
        guard findings.clusters.values.contains(where: { !$0.findings.isEmpty }) else {
            configuration.log("no drift left: --fix-branch \(name) is left as it is")
            return
        }
        let outcome = await onGitQueue { Result { () throws(RunError) in try fixBranch.make(basis) } }
        let parent = String(basis.commit.prefix(7))
        switch outcome {
        case .success(.committed(let id)):
            fixCommits += 1
            configuration.log("fix commit \(id.short) on \(name) (parent \(parent))")
        case .success(.unchanged(let id)):
            configuration.log("\(name) already holds this fix (\(id.short), parent \(parent))")
        case .success(.nothingToFix):
            configuration.log("the drift has nothing a fix commit can change; \(name) is left as it is")
        case .failure(let error):
            fixErrors += 1
            let text = configuration.remote?.credentials.redact("\(error)") ?? "\(error)"
            configuration.log("error: \(SecretMask.apply(text)) (tried again at the next change)")
        }
    }

    private func writeState(_ run: RememberedRun, changes: FleetChanges, notified: Bool, at time: String) {
        guard let path = configuration.stateFile else { return }
        do {
            try StateFile.write(run, changes: changes, notified: notified, at: time, to: path)
        } catch {
            configuration.log("error: \(error)")
        }
    }

    // MARK: HTTP

    func answer(_ request: StatusServer.Request) async -> StatusServer.Response {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .init(status: 405, body: "only GET\n")
        }
        // /healthz stays open for the kubelet; everything else may show the cluster's layout.
        if request.path != "/healthz", let token = configuration.authToken,
            !BearerToken.matches(request.header("authorization"), expected: token)
        {
            return .init(
                status: 401, body: "unauthorized: send Authorization: Bearer <token>\n",
                headers: [("WWW-Authenticate", "Bearer realm=\"endpoint-drift\"")])
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
                startedAt: RFC3339.format(lastSync ?? Date()), duration: 0,
                clusters: [ClusterReport(name: configuration.clusterName, report: report)])
            text = PrometheusMetrics(
                timestamp: (lastSync ?? Date()).timeIntervalSince1970,
                backendLabels: configuration.metricsBackendLabels
            ).exposition(fleet)
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
            # HELP endpoint_drift_watch_relists_total Lists made again after a watch expired (410 Gone).
            # TYPE endpoint_drift_watch_relists_total counter
            endpoint_drift_watch_relists_total{\(cluster)} \(counters.relists)
            # HELP endpoint_drift_watch_reconnects_total Watches started again after a cut stream or a failed request.
            # TYPE endpoint_drift_watch_reconnects_total counter
            endpoint_drift_watch_reconnects_total{\(cluster)} \(counters.reconnects)
            # HELP endpoint_drift_git_fetch_errors_total Failed fetches of the remote branch, or failed reads of the revision.
            # TYPE endpoint_drift_git_fetch_errors_total counter
            endpoint_drift_git_fetch_errors_total{\(cluster)} \(gitErrors)
            # HELP endpoint_drift_notification_errors_total Webhook posts that failed (tried again at the next change).
            # TYPE endpoint_drift_notification_errors_total counter
            endpoint_drift_notification_errors_total{\(cluster)} \(notificationErrors)
            # HELP endpoint_drift_fix_commits_total Fix commits made on --fix-branch.
            # TYPE endpoint_drift_fix_commits_total counter
            endpoint_drift_fix_commits_total{\(cluster)} \(fixCommits)
            # HELP endpoint_drift_fix_errors_total Fix commits that could not be made or pushed (tried again at the next change).
            # TYPE endpoint_drift_fix_errors_total counter
            endpoint_drift_fix_errors_total{\(cluster)} \(fixErrors)
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

/// The bearer token of serve's endpoints, compared in constant time: how long a wrong guess takes
/// must not tell how much of it was right.
enum BearerToken {
    static func matches(_ header: String?, expected: String) -> Bool {
        let presented = Array((header.flatMap(value) ?? "").utf8)
        let wanted = Array(expected.utf8)
        var difference = UInt8(presented.count == wanted.count ? 0 : 1)
        for index in wanted.indices {
            difference |= wanted[index] ^ (index < presented.count ? presented[index] : 0)
        }
        return difference == 0 && !wanted.isEmpty
    }

    /// The token of `Bearer <token>` (the scheme in any case, as RFC 6750 allows).
    private static func value(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
