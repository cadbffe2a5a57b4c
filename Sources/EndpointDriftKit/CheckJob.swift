import Drift
import FileIO
import Foundation
import GitStore
import LiveState
import Manifests
import Reporting
import Scanner

/// `endpoint-drift check` (and `lint`, which is a check without the cluster): read the desired
/// state from git, the configuration from the same commit, the live state from any
/// `LiveStateSource`, run the pure `DriftCheck`, and write the outputs.
public enum CheckJob {
    public struct Configuration: Sendable {
        public var repositoryPath: String
        /// The head commit (`--ref`).
        public var revision: String
        /// Pull-request mode: the base commit (`--base`).
        public var baseRevision: String?
        public var scanOptions: ScanOptions
        /// Files that cannot be read make the run exit 2 instead of being `invalid-manifest` findings.
        public var strict: Bool
        /// `--config FILE` on disk; `nil` reads `.endpoint-drift.yaml` from the head commit.
        public var configFile: String?
        /// `--fail-on` values, unparsed; empty means "findings of severity error".
        public var failOn: [String]
        /// Pull-request mode: who applies the merge (`--applied-by`).
        public var appliedBy: AppliedBy
        public var exitZero: Bool
        public var outputs: [OutputTarget]
        /// Colour for text on stdout.
        public var color: Bool
        /// Where the cluster's state comes from; `nil` lints without it.
        public var liveSource: (any LiveStateSource)?
        /// The namespaces to read; `nil` reads those the desired state uses.
        public var liveScope: NamespaceScope?
        /// For `GITHUB_STEP_SUMMARY`.
        public var environment: [String: String]
        /// `--vars-from-cluster`: read the `substituteFrom` objects git lacks from the API server.
        public var variablesFromCluster = false

        public init(
            repositoryPath: String = ".", revision: String = "HEAD", baseRevision: String? = nil,
            scanOptions: ScanOptions = ScanOptions(), strict: Bool = false, configFile: String? = nil,
            failOn: [String] = [], appliedBy: AppliedBy = .controller, exitZero: Bool = false,
            outputs: [OutputTarget] = [OutputTarget(format: "text")],
            color: Bool = false, liveSource: (any LiveStateSource)? = nil, liveScope: NamespaceScope? = nil,
            environment: [String: String] = [:]
        ) {
            self.repositoryPath = repositoryPath
            self.revision = revision
            self.baseRevision = baseRevision
            self.scanOptions = scanOptions
            self.strict = strict
            self.configFile = configFile
            self.failOn = failOn
            self.appliedBy = appliedBy
            self.exitZero = exitZero
            self.outputs = outputs
            self.color = color
            self.liveSource = liveSource
            self.liveScope = liveScope
            self.environment = environment
        }
    }

    /// Runs the check, writes every output, and returns the exit status.
    public static func run(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        try await SecretMask.run { () async throws(RunError) -> ExitStatus in try await runUnmasked(configuration) }
    }

    private static func runUnmasked(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        let formats = try formats(configuration.outputs)
        let report = try await report(configuration)
        let options = ReportOptions(toolVersion: Version.current)
        var rendered: [(target: OutputTarget, text: String)] = []
        for (target, format) in zip(configuration.outputs, formats) {
            var targetOptions = options
            targetOptions.color = configuration.color && target.writesToStdout
            rendered.append((target, format.reporter(targetOptions).render(report)))
        }
        try OutputWriter.emit(rendered)
        if formats.contains(.github), let summaryFile = configuration.environment["GITHUB_STEP_SUMMARY"],
            !summaryFile.isEmpty
        {
            do {
                try OutputWriter.append(MarkdownReporter().render(report) + "\n", to: summaryFile)
            } catch {
                StandardStreams.writeError("endpoint-drift: warning: job summary not written: \(error)\n")
            }
        }
        return ExitStatus.of(report.summary.outcome, exitZero: configuration.exitZero)
    }

    /// Everything up to the report, without writing anything: what `fix` and multi-cluster runs reuse.
    public static func report(_ configuration: Configuration) async throws(RunError) -> DriftReport {
        try await report(configuration, tolerateLiveFailure: false).report
    }

    /// As `report(_:)`, but a live state that cannot be read does not end the check: the report
    /// still has the desired state, every Service in status `error`, and the failure is returned
    /// beside it. A multi-cluster run uses this so that one unreachable cluster is a section of
    /// the report, not the end of the run.
    public static func reportTolerant(
        _ configuration: Configuration
    ) async throws(RunError) -> (
        report: DriftReport, liveFailure: RunError?
    ) {
        try await report(configuration, tolerateLiveFailure: true)
    }

    private static func report(
        _ configuration: Configuration, tolerateLiveFailure: Bool
    ) async throws(RunError) -> (report: DriftReport, liveFailure: RunError?) {
        let failPolicy = try failPolicy(configuration.failOn)
        // A snapshot file is read on another core while git is scanned; the API server's connection
        // and discovery are made meanwhile.
        let live = configuration.liveSource.map { EarlyLiveRead($0, filtered: true) }
        let head: RepositorySnapshot
        var headScan: ScanResult
        let driftConfiguration: DriftConfiguration
        var baseScan: ScanResult?
        do {
            head = try open(configuration.repositoryPath, configuration.revision)
            headScan = try scan(head, configuration.scanOptions)
            // Only the head: a pull request may add the folder the base does not have yet.
            try requireSelection(head, headScan, configuration.scanOptions.filter)
            if let note = head.uncommittedChangesNote(configuration.scanOptions.filter) {
                StandardStreams.writeError("endpoint-drift: note: \(note)\n")
            }
            driftConfiguration = try loadConfiguration(configuration.configFile, snapshot: head)
            var base: RepositorySnapshot?
            if let revision = configuration.baseRevision {
                let opened = try open(head.repository, revision)
                base = opened
                baseScan = try scan(opened, configuration.scanOptions)
            }
            if configuration.variablesFromCluster,
                let answers = try await ClusterVariableRead.read(
                    for: [headScan] + (baseScan.map { [$0] } ?? []), source: configuration.liveSource)
            {
                var options = configuration.scanOptions
                options.clusterVariables = answers
                headScan = try scan(head, options)
                if let base { baseScan = try scan(base, options) }
            }
        } catch {
            live?.cancel()
            throw error
        }

        var observed: DriftCheck.Observed?
        var liveFailure: RunError?
        let headDesired = desired(headScan)
        // Git's own findings do not wait for the cluster: linted while it is read, and again after
        // only if a live Service's cluster IP is one of git's addresses (`DriftCheck.prepare`). On
        // one core, in the time the read leaves idle.
        let prepared = live.map { _ in
            Task { [driftConfiguration, strict = configuration.strict] in
                await BackgroundWork.run {
                    DriftCheck.prepare(headDesired, configuration: driftConfiguration, strict: strict, cores: 1)
                }
            }
        }
        if let live {
            let desiredNamespaces = DriftCheck.namespacesToRead(
                headScan.records + (baseScan?.records ?? []), configuration: driftConfiguration)
            let scope = configuration.liveScope ?? .only(desiredNamespaces)
            var namespaces: Set<String>?
            if case .only(let names) = scope { namespaces = names }
            do {
                // Only the records a comparison can use (the report is the same): check never
                // writes or prints the live state itself.
                let desired = Set(headScan.records.compactMap(\.serviceKey))
                    .union(baseScan?.records.compactMap(\.serviceKey) ?? [])
                let snapshot = try await live.read(scope: scope, keeping: LiveRecordFilter(desired: desired))
                observed = DriftCheck.Observed(
                    records: snapshot.records, source: snapshot.source, observedAt: snapshot.observedAt,
                    namespaces: namespaces, failedNamespaces: snapshot.failedNamespaces, notes: snapshot.notes,
                    serviceDigest: snapshot.serviceDigest, liveInventory: snapshot.liveInventory)
                reportFailedNamespaces(snapshot.failedNamespaces)
            } catch {
                let failure = RunError(
                    operation: error.operation, subject: error.resource,
                    message: error.namespace.map { "in namespace \($0): \(error.message)" } ?? error.message)
                guard tolerateLiveFailure else { throw failure }
                liveFailure = failure
                // Every namespace git uses in the scope failed: its Services get status `error`.
                let failed = (namespaces ?? desiredNamespaces).sorted()
                observed = DriftCheck.Observed(
                    records: [], source: "no live state (\(failure.operation) failed)", observedAt: "",
                    namespaces: namespaces,
                    failedNamespaces: Dictionary(
                        uniqueKeysWithValues: failed.map { ($0, "not compared: the live state could not be read") }))
            }
        }

        var reuse = await prepared?.value ?? DriftCheck.Reuse()
        let report = DriftCheck.run(
            DriftCheck.Input(
                desired: headDesired, base: baseScan.map(desired), live: observed,
                configuration: driftConfiguration, failPolicy: failPolicy, strict: configuration.strict,
                appliedBy: configuration.appliedBy),
            reusing: &reuse, touched: nil)
        Concurrently.release((headScan, baseScan, observed, reuse))
        return (report, liveFailure)
    }

    /// Namespaces the API server would not list: their services are `error` in the report and the run
    /// exits 2; stderr says which permission is missing, whatever the output format.
    static func reportFailedNamespaces(_ failed: [String: String]) {
        for (namespace, message) in failed.sorted(by: { $0.key < $1.key }) {
            StandardStreams.writeError("endpoint-drift: error: namespace \(namespace) not checked: \(message)\n")
        }
    }

    /// The formats of `-o` values, or a run error naming the unknown one.
    public static func formats(_ outputs: [OutputTarget]) throws(RunError) -> [OutputFormat] {
        var formats: [OutputFormat] = []
        for target in outputs {
            guard let format = OutputFormat(rawValue: target.format) else {
                throw RunError(
                    operation: "output", subject: target.format,
                    message:
                        "unknown format; use one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            formats.append(format)
        }
        return formats
    }

    static func failPolicy(_ values: [String]) throws(RunError) -> FailPolicy {
        guard !values.isEmpty else { return .bySeverity }
        do {
            return try FailPolicy(parsing: values)
        } catch {
            throw RunError(operation: "read", subject: "--fail-on", message: error.message)
        }
    }

    /// `--config FILE` from disk, else `.endpoint-drift.yaml` at the root of the checked commit
    /// (never the working tree: the configuration is reviewed with the manifests it applies to).
    static func loadConfiguration(_ file: String?, snapshot: RepositorySnapshot) throws(RunError) -> DriftConfiguration
    {
        let text: String
        let name: String
        if let file {
            // A pipe or `<(…)` too; refused only for a real reason, which the message gives.
            let bytes: [UInt8]
            do {
                bytes = try InputFile.read(file)
            } catch {
                throw RunError(
                    operation: "read", subject: file, message: "cannot read the configuration file: \(error)")
            }
            text = String(decoding: bytes, as: UTF8.self)
            name = file
        } else {
            let bytes: [UInt8]?
            do {
                bytes = try snapshot.readFile(DriftConfiguration.fileName)
            } catch {
                throw RunError(error)
            }
            guard let bytes else { return DriftConfiguration() }
            text = String(decoding: bytes, as: UTF8.self)
            name = DriftConfiguration.fileName
        }
        do {
            return try DriftConfiguration.parse(text, path: name)
        } catch {
            let at = file == nil ? " (at \(snapshot.revision))" : ""
            throw RunError(operation: "read configuration\(at)", subject: "", message: error.description)
        }
    }

    private static func open(_ path: String, _ revision: String) throws(RunError) -> RepositorySnapshot {
        do {
            return try RepositorySnapshot(repositoryPath: path, revision: revision)
        } catch {
            throw RunError(error)
        }
    }

    private static func open(
        _ repository: Repository, _ revision: String
    ) throws(RunError)
        -> RepositorySnapshot
    {
        do {
            return try RepositorySnapshot(repository: repository, revision: revision)
        } catch {
            throw RunError(error)
        }
    }

    private static func scan(_ snapshot: RepositorySnapshot, _ options: ScanOptions) throws(RunError) -> ScanResult {
        do {
            let result = try snapshot.scan(options)
            SecretMask.register(result.secretValues)
            return result
        } catch {
            throw RunError(error)
        }
    }

    private static func requireSelection(
        _ snapshot: RepositorySnapshot, _ scan: ScanResult, _ filter: PathFilter
    ) throws(RunError) {
        do {
            try snapshot.requireSelection(scan, filter)
        } catch {
            throw RunError(error)
        }
    }

    static func desired(_ scan: ScanResult) -> DriftCheck.Desired {
        DriftCheck.Desired(
            revision: DriftReport.Revision(
                repository: scan.repositoryPath, revision: scan.revision, commit: scan.commitID),
            records: scan.records, errors: scan.errors, notes: scan.notes, uncomparable: scan.uncomparable)
    }
}

/// `endpoint-drift lint`: the check without the cluster (every lint rule, no drift).
public enum LintJob {
    public static func run(_ configuration: CheckJob.Configuration) async throws(RunError) -> ExitStatus {
        var lint = configuration
        lint.liveSource = nil
        return try await CheckJob.run(lint)
    }
}
