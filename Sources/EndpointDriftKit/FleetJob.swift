import Delivery
import Drift
import FileIO
import Foundation
import LiveState
import Manifests
import Reporting
import Scanner

/// `endpoint-drift check` as a scheduled job: one cluster or several from the cluster map, checked
/// concurrently (at most `parallel` at once), one combined report, and the run's metrics, its
/// Pushgateway push and its change notification.
///
/// A plain `check` (no `--all-clusters` or `--cluster`) is a fleet of one: its outputs are exactly
/// those of `CheckJob.run`, and a live state that cannot be read still ends it with exit 2.
public enum FleetJob {
    /// Which clusters to check.
    public enum Selection: Sendable, Hashable {
        /// No cluster map: the connection the command line gives, under this name.
        case single(name: String)
        /// `--all-clusters`.
        case all
        /// `--cluster NAME` (repeatable), in that order.
        case named([String])
    }

    public struct Configuration: Sendable {
        /// The check (repository, configuration, fail policy, outputs); its live source is ignored.
        public var check: CheckJob.Configuration
        /// The command line's connection, namespaces and read options.
        public var live: LiveSettings
        public var selection: Selection
        /// With one cluster named: the command line's `--context`, `--in-cluster` or `--live-file`
        /// replaces the map's connection for it.
        public var overrideConnection: Bool
        public var parallel: Int
        public var metricsFile: String?
        public var pushgateway: String?
        public var pushgatewayJob: String
        /// The whole URL is a credential (a Slack webhook's path).
        public var webhook: Secret?
        public var stateFile: String?
        public var repositoryURL: String?
        public var progress: Bool
        public var now: @Sendable () -> Date

        public init(
            check: CheckJob.Configuration, live: LiveSettings, selection: Selection, overrideConnection: Bool = false,
            parallel: Int = 4, metricsFile: String? = nil, pushgateway: String? = nil,
            pushgatewayJob: String = "endpoint-drift", webhook: Secret? = nil, stateFile: String? = nil,
            repositoryURL: String? = nil, progress: Bool = false, now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.check = check
            self.live = live
            self.selection = selection
            self.overrideConnection = overrideConnection
            self.parallel = parallel
            self.metricsFile = metricsFile
            self.pushgateway = pushgateway
            self.pushgatewayJob = pushgatewayJob
            self.webhook = webhook
            self.stateFile = stateFile
            self.repositoryURL = repositoryURL
            self.progress = progress
            self.now = now
        }

        var isSingle: Bool {
            if case .single = selection { return true }
            return false
        }
    }

    public static func run(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        try await SecretMask.run { () async throws(RunError) -> ExitStatus in try await runUnmasked(configuration) }
    }

    private static func runUnmasked(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        let formats = try CheckJob.formats(configuration.check.outputs)
        let environment = configuration.check.environment
        let pushgateway = try configuration.pushgateway.map { (text) throws(RunError) in
            var gateway = Pushgateway(
                base: try url(text, "--pushgateway"), job: configuration.pushgatewayJob,
                credentials: .from(environment: environment, prefix: "ENDPOINT_DRIFT_PUSHGATEWAY"))
            gateway.userAgent = "endpoint-drift/\(Version.current)"
            return gateway
        }
        let webhook = try configuration.webhook.map { (secret) throws(RunError) in
            try makeWebhook(secret, environment: environment)
        }
        // Read before checking: a broken state file should stop the run before it does anything.
        let remembered = try configuration.stateFile.map(StateFile.read)

        let started = configuration.now()
        let clock = ContinuousClock()
        let start = clock.now
        let targets = try targets(configuration)
        let display =
            configuration.progress
            ? ProgressDisplay(clusters: targets.map(\.name), terminal: StandardStreams.stderrIsTerminal) : nil

        var clusters: [ClusterReport]
        var singleFailure: RunError?
        if configuration.isSingle, let target = targets.first {
            let (cluster, failure) = await checkSingle(target, display: display)
            clusters = [cluster]
            singleFailure = failure
        } else {
            clusters = await check(targets, parallel: max(1, configuration.parallel), display: display)
        }
        display?.close()
        let fleet = FleetReport(
            startedAt: RFC3339.format(started), duration: (clock.now - start).seconds, clusters: clusters)
        let finished = configuration.now()

        // A plain check whose cluster could not be read writes no report (as before), but its
        // metrics still say so: that is what the alert on a failing CronJob looks at.
        var deliveryFailed = false
        if let file = configuration.metricsFile {
            deliveryFailed = !writeMetrics(fleet, to: file, at: finished) || deliveryFailed
        }
        if let pushgateway {
            deliveryFailed = !(await push(fleet, to: pushgateway, at: finished)) || deliveryFailed
        }
        if let singleFailure { throw singleFailure }

        try writeOutputs(fleet, formats: formats, configuration: configuration)
        if let remembered, let stateFile = configuration.stateFile {
            deliveryFailed =
                !(await notify(
                    fleet, remembered: remembered, webhook: webhook, stateFile: stateFile,
                    at: RFC3339.format(finished)))
                || deliveryFailed
        }

        var status = ExitStatus.ok
        for cluster in clusters {
            // --exit-zero forgives findings, not a cluster that could not be checked at all.
            let clusterStatus: ExitStatus =
                cluster.error != nil
                ? .couldNotCheck
                : ExitStatus.of(cluster.report?.summary.outcome ?? .error, exitZero: configuration.check.exitZero)
            status = max(status, clusterStatus)
        }
        Concurrently.release((fleet, clusters))
        return deliveryFailed ? .couldNotCheck : status
    }

    // MARK: Clusters

    private static func targets(_ configuration: Configuration) throws(RunError) -> [ClusterTarget] {
        if case .single(let name) = configuration.selection {
            return [ClusterTarget(name: name, base: configuration.check, live: configuration.live)]
        }
        let map = try clusterMap(configuration.check)
        guard !map.isEmpty else {
            let file = configuration.check.configFile ?? DriftConfiguration.fileName
            throw RunError(
                operation: "read cluster map", subject: file,
                message: "it has no clusters: list them under `clusters:` (see docs/fleet.md)")
        }
        var entries: [ClusterEntry]
        switch configuration.selection {
        case .single: entries = []
        case .all: entries = map
        case .named(let names):
            entries = []
            for name in names where !entries.contains(where: { $0.name == name }) {
                guard let entry = map.first(where: { $0.name == name }) else {
                    throw RunError(
                        operation: "select cluster", subject: name,
                        message: "not in the cluster map; known: \(map.map(\.name).joined(separator: ", "))")
                }
                entries.append(entry)
            }
        }
        return entries.map {
            ClusterTarget(
                entry: $0, base: configuration.check, live: configuration.live,
                overrideConnection: configuration.overrideConnection)
        }
    }

    /// The `clusters:` of `--config FILE`, else of `.endpoint-drift.yaml` at the checked commit.
    private static func clusterMap(_ check: CheckJob.Configuration) throws(RunError) -> [ClusterEntry] {
        let snapshot: RepositorySnapshot
        do {
            snapshot = try RepositorySnapshot(repositoryPath: check.repositoryPath, revision: check.revision)
        } catch {
            throw RunError(error)
        }
        return try CheckJob.loadConfiguration(check.configFile, snapshot: snapshot).clusters
    }

    /// The targets, at most `parallel` at once; results in the order of `targets`.
    private static func check(
        _ targets: [ClusterTarget], parallel: Int, display: ProgressDisplay?
    ) async -> [ClusterReport] {
        await withTaskGroup(of: (Int, ClusterReport).self, returning: [ClusterReport].self) { group in
            var results = [ClusterReport?](repeating: nil, count: targets.count)
            var next = 0
            func launch() {
                let index = next
                let target = targets[index]
                next += 1
                group.addTask { (index, await checkTolerant(target, display: display)) }
            }
            while next < min(parallel, targets.count) { launch() }
            while let (index, report) = await group.next() {
                results[index] = report
                if next < targets.count { launch() }
            }
            return results.enumerated().map { index, report in
                report ?? ClusterReport(name: targets[index].name, report: nil, error: "not checked")
            }
        }
    }

    /// One cluster of several: nothing that goes wrong with it stops the others.
    private static func checkTolerant(_ target: ClusterTarget, display: ProgressDisplay?) async -> ClusterReport {
        let clock = ContinuousClock()
        let start = clock.now
        display?.started(target.name)
        let cluster: ClusterReport
        do {
            var check = try target.resolvedCheck()
            check.liveSource = source(for: target, display: display)
            let (report, failure) = try await CheckJob.reportTolerant(check)
            cluster = ClusterReport(
                name: target.name, report: report, error: failure?.description, duration: (clock.now - start).seconds)
        } catch {
            cluster = ClusterReport(
                name: target.name, report: nil, error: error.description, duration: (clock.now - start).seconds)
        }
        display?.finished(target.name, cluster.outcome, seconds: cluster.duration)
        return cluster
    }

    /// A plain check: a failure is returned to be thrown once the metrics are written.
    private static func checkSingle(
        _ target: ClusterTarget, display: ProgressDisplay?
    ) async -> (ClusterReport, RunError?) {
        let clock = ContinuousClock()
        let start = clock.now
        display?.started(target.name)
        let result: Result<DriftReport, RunError>
        do {
            var check = try target.resolvedCheck()
            check.liveSource = try liveSettings(target, display: display).makeSource()
            result = .success(try await CheckJob.report(check))
        } catch {
            result = .failure(error)
        }
        let seconds = (clock.now - start).seconds
        switch result {
        case .success(let report):
            let cluster = ClusterReport(name: target.name, report: report, duration: seconds)
            display?.finished(target.name, cluster.outcome, seconds: seconds)
            return (cluster, nil)
        case .failure(let error):
            display?.finished(target.name, .error, seconds: seconds)
            return (ClusterReport(name: target.name, report: nil, error: error.description, duration: seconds), error)
        }
    }

    private static func liveSettings(_ target: ClusterTarget, display: ProgressDisplay?) -> LiveSettings {
        var live = target.live
        if let display {
            let name = target.name
            live.progress = { display.progressed(name, $0) }
        }
        return live
    }

    private static func source(for target: ClusterTarget, display: ProgressDisplay?) -> any LiveStateSource {
        do {
            return try liveSettings(target, display: display).makeSource()
        } catch {
            return UnavailableSource(
                error: LiveError(
                    kind: .configuration, operation: error.operation, resource: error.subject, message: error.message))
        }
    }

    // MARK: Outputs

    private static func writeOutputs(
        _ fleet: FleetReport, formats: [OutputFormat], configuration: Configuration
    ) throws(RunError) {
        let check = configuration.check
        var options = ReportOptions(toolVersion: Version.current)
        options.repositoryLink = configuration.repositoryURL.flatMap(RepositoryLink.init(template:))
        let single = configuration.isSingle ? fleet.clusters.first?.report : nil
        var rendered: [(target: OutputTarget, text: String)] = []
        for (target, format) in zip(check.outputs, formats) {
            var targetOptions = options
            targetOptions.color = check.color && target.writesToStdout
            if let single {
                rendered.append((target, format.reporter(targetOptions).render(single)))
            } else {
                rendered.append((target, format.fleetReporter(targetOptions).render(fleet)))
            }
        }
        try OutputWriter.emit(rendered)
        if formats.contains(.github), let summaryFile = check.environment["GITHUB_STEP_SUMMARY"], !summaryFile.isEmpty {
            let markdown = single.map { MarkdownReporter().render($0) } ?? FleetMarkdownReporter().render(fleet)
            do {
                try OutputWriter.append(markdown + "\n", to: summaryFile)
            } catch {
                StandardStreams.writeError("endpoint-drift: warning: job summary not written: \(error)\n")
            }
        }
    }

    /// Writes the metrics file; false (with the reason on stderr) when it could not be written.
    private static func writeMetrics(_ fleet: FleetReport, to file: String, at time: Date) -> Bool {
        let previous = FileManager.default.contents(atPath: file).map {
            PrometheusMetrics.lastSuccess(in: String(decoding: $0, as: UTF8.self))
        }
        let metrics = PrometheusMetrics(timestamp: time.timeIntervalSince1970, previousSuccess: previous ?? [:])
        do {
            try AtomicFile.write(SecretMask.apply(metrics.exposition(fleet)), to: file)
            return true
        } catch {
            StandardStreams.writeError("endpoint-drift: error: write metrics file \(file): \(error.message)\n")
            return false
        }
    }

    /// Pushes each cluster to its group; false (reasons on stderr) when any push failed.
    private static func push(_ fleet: FleetReport, to gateway: Pushgateway, at time: Date) async -> Bool {
        let metrics = PrometheusMetrics(timestamp: time.timeIntervalSince1970)
        var succeeded = true
        for cluster in fleet.clusters {
            do {
                try await gateway.push(
                    SecretMask.apply(metrics.exposition(fleet, cluster: cluster.name)), cluster: cluster.name,
                    replace: cluster.completed)
            } catch {
                StandardStreams.writeError("endpoint-drift: error: \(error)\n")
                succeeded = false
            }
        }
        return succeeded
    }

    /// Compares with the remembered run, posts when something changed, remembers this run. The
    /// state is not updated when the post fails, so that the next run tries again.
    private static func notify(
        _ fleet: FleetReport, remembered: RememberedRun, webhook: Webhook?, stateFile: String, at time: String
    ) async -> Bool {
        let (changes, next) = FleetChanges.between(remembered, fleet)
        var notified = false
        if let webhook, !changes.isEmpty {
            do {
                try await webhook.post(
                    SecretMask.apply(WebhookMessage(toolVersion: Version.current).body(changes, fleet: fleet)))
                notified = true
            } catch {
                StandardStreams.writeError(
                    "endpoint-drift: error: \(error) (the state file is left as it was, so the next run tries again)\n")
                return false
            }
        }
        do {
            try StateFile.write(next, changes: changes, notified: notified, at: time, to: stateFile)
            return true
        } catch {
            StandardStreams.writeError("endpoint-drift: error: \(error)\n")
            return false
        }
    }

    /// A closure's `catch` loses the typed error, so the conversion lives in a function.
    static func makeWebhook(_ url: Secret, environment: [String: String]) throws(RunError) -> Webhook {
        do {
            var hook = try Webhook(
                url: url, credentials: .from(environment: environment, prefix: "ENDPOINT_DRIFT_WEBHOOK"))
            hook.userAgent = "endpoint-drift/\(Version.current)"
            return hook
        } catch {
            throw RunError(operation: error.operation, subject: error.target, message: error.message)
        }
    }

    private static func url(_ text: String, _ option: String) throws(RunError) -> URL {
        do {
            return try HTTPDelivery.parse(text, option: option)
        } catch {
            throw RunError(operation: error.operation, subject: error.target, message: error.message)
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
