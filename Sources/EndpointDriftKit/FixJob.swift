import DesiredState
import Drift
import FileIO
import Foundation
import GitStore
import LiveState
import Manifests
import Remediation
import Reporting
import Scanner

/// `endpoint-drift fix`: scan a commit, read the live state from any `LiveStateSource`, plan and make
/// the edits (or the objects to apply), verify them, and write the requested outputs all together or
/// not at all.
public enum FixJob {
    /// Everything a run needs; the command line builds it, tests set it directly.
    public struct Configuration: Sendable {
        public var repositoryPath = "."
        public var revision = "HEAD"
        public var scanOptions = ScanOptions()
        /// `--config FILE`; else `.endpoint-drift.yaml` at the scanned commit.
        public var configFile: String?
        /// Exit 2 on any file error, not only when nothing could be read.
        public var strict = false
        /// Where the cluster's state comes from (`SnapshotFileSource` for `--live-file`, or the API).
        public var liveSource: any LiveStateSource
        /// `--vars-from-cluster`: read the `substituteFrom` objects git lacks from the API server.
        public var variablesFromCluster = false
        /// `-n`/`-A`; nil reads the namespaces the desired state uses.
        public var scope: NamespaceScope?
        public var direction: FixDirection = .live
        public var prune = false
        /// `--prune-all`: prune even more than `PruneGuard.maximumShare` of the desired objects.
        public var pruneAll = false
        /// A repository folder for adopted objects (`--adopt DIR`).
        public var adoptDirectory: String?
        /// Edit the working tree (`--write`).
        public var write = false
        /// Overwrite working-tree files that differ from the scanned commit; move an existing branch.
        public var force = false
        /// Write corrected files (or, `--to git`, the manifests to apply) under this folder.
        public var outDirectory: String?
        /// A unified diff to this file, `-` for stdout.
        public var patchFile: String?
        /// Make a commit on `branch` (default `endpoint-drift/fix-<short sha>`).
        public var commit = false
        public var branch: String?
        /// `Name <email>` for author and committer.
        public var author: String?
        /// The commit as an mbox patch to this file, `-` for stdout.
        public var formatPatchFile: String?
        public var outputs: [OutputTarget] = [OutputTarget(format: "text")]
        public var color = false
        /// Where `GIT_AUTHOR_*` / `GIT_COMMITTER_*` are read from.
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        /// Tests only: fail the run at a chosen point.
        public var faultHook: FixFaultHook?

        public init(liveSource: any LiveStateSource) { self.liveSource = liveSource }

        /// Whether any output that changes or writes something was asked for.
        var writesSomething: Bool {
            write || outDirectory != nil || patchFile != nil || commit || formatPatchFile != nil
        }
    }

    public static let formats = ["text", "json"]

    /// Runs and prints; returns the exit status (0 fixed or nothing to fix, 1 drift remains).
    public static func run(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        try await SecretMask.run { () async throws(RunError) -> ExitStatus in try await runUnmasked(configuration) }
    }

    private static func runUnmasked(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        let (report, streams) = try await execute(configuration)
        if let patch = streams.patch { try StandardStreams.emit(patch) }
        if let mbox = streams.mbox { try StandardStreams.emit(mbox) }
        if let manifests = streams.manifests { try StandardStreams.emit(manifests) }
        let reportToStderr = streams.patch != nil || streams.mbox != nil || streams.manifests != nil
        for target in configuration.outputs where target.writesToStdout {
            let text = render(report, format: target.format, color: configuration.color)
            if reportToStderr { StandardStreams.writeError(text) } else { try StandardStreams.emit(text) }
        }
        return report.status
    }

    /// What goes to stdout besides the report.
    public struct Streams: Sendable {
        public var patch: String?
        public var mbox: String?
        public var manifests: String?
    }

    public static func render(_ report: FixReport, format: String, color: Bool) -> String {
        format == "json" ? JSONWriter.write(FixJSON.value(report)) : FixTextRenderer(color: color).render(report)
    }

    /// Does the work and writes every file output; returns the report and what is left for stdout.
    public static func execute(_ configuration: Configuration) async throws(RunError) -> (FixReport, Streams) {
        try validate(configuration)
        let snapshot: RepositorySnapshot
        do {
            snapshot = try RepositorySnapshot(
                repositoryPath: configuration.repositoryPath, revision: configuration.revision)
        } catch {
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        }
        // A snapshot file is read on another core while git is scanned.
        let early = EarlyLiveRead(configuration.liveSource)
        var scan: ScanResult
        do {
            scan = try snapshot.scan(configuration.scanOptions)
            SecretMask.register(scan.secretValues)
            try snapshot.requireSelection(scan, configuration.scanOptions.filter)
        } catch {
            early.cancel()
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        }
        if configuration.variablesFromCluster {
            let answers: [ClusterVariableSource]?
            do {
                answers = try await ClusterVariableRead.read(for: [scan], source: configuration.liveSource)
            } catch {
                early.cancel()
                throw error
            }
            if let answers {
                var options = configuration.scanOptions
                options.clusterVariables = answers
                do {
                    scan = try snapshot.scan(options)
                    SecretMask.register(scan.secretValues)
                } catch {
                    early.cancel()
                    throw RunError(operation: error.operation, subject: error.subject, message: error.message)
                }
            }
        }
        // An unreadable blob (a partial clone) hides objects: planning without them would add or
        // prune the wrong things, so it stops the run as it does for `check`.
        let stopping = scan.errors.first { $0.kind == .unreadable }
        if let first = stopping ?? (configuration.strict || scan.records.isEmpty ? scan.errors.first : nil) {
            early.cancel()
            throw RunError(operation: "read manifests", subject: first.path, message: first.description)
        }
        // The same configuration as `check`: excluded namespaces and services are not touched, and
        // ignored findings are left as they are.
        let driftConfiguration: DriftConfiguration
        do {
            driftConfiguration = try CheckJob.loadConfiguration(configuration.configFile, snapshot: snapshot)
        } catch {
            early.cancel()
            throw error
        }
        let scope =
            configuration.scope ?? .only(DriftCheck.namespacesToRead(scan.records, configuration: driftConfiguration))
        let live: LiveSnapshot
        do {
            live = try await early.read(scope: scope)
        } catch {
            throw RunError(operation: error.operation, subject: error.resource, message: error.message)
        }
        var readNamespaces: Set<String>?
        if case .only(let names) = scope { readNamespaces = names }
        let check = DriftCheck.run(
            DriftCheck.Input(
                desired: CheckJob.desired(scan),
                live: DriftCheck.Observed(
                    records: live.records, source: live.source, observedAt: live.observedAt,
                    namespaces: readNamespaces, failedNamespaces: live.failedNamespaces, notes: live.notes),
                configuration: driftConfiguration))
        let planned = FixEdits.plan(
            scan: scan, liveRecords: live.records, check: check,
            options: FixPlanner.Options(
                direction: configuration.direction, prune: configuration.prune,
                adoptDirectory: configuration.adoptDirectory),
            filter: configuration.scanOptions.filter)
        let plan = planned.plan
        if configuration.prune {
            try PruneGuard.check(
                plan, desiredCount: scan.records.count, live: live, pruneAll: configuration.pruneAll)
        }
        CheckJob.reportFailedNamespaces(live.failedNamespaces)
        var report = FixReport(
            direction: configuration.direction, repositoryPath: scan.repositoryPath, revision: scan.revision,
            commitID: scan.commitID, liveSource: live.source, observedAt: live.observedAt)
        report.scanErrors = scan.errors
        report.unreadNamespaces = live.failedNamespaces.keys.sorted()
        report.dryRun = !configuration.writesSomething && configuration.direction == .live
        switch configuration.direction {
        case .live:
            return try await toLive(
                configuration, snapshot: snapshot, scan: scan, live: live, planned: planned, report: report)
        case .git:
            return try toGit(configuration, plan: plan, report: report)
        }
    }

    // MARK: Validation

    static func validate(_ configuration: Configuration) throws(RunError) {
        for target in configuration.outputs where !formats.contains(target.format) {
            throw RunError(
                operation: "output", subject: target.format,
                message: "unknown format; use one of \(formats.joined(separator: ", "))")
        }
        let stdoutStreams = [configuration.patchFile, configuration.formatPatchFile].filter { $0 == "-" }.count
        guard stdoutStreams <= 1 else {
            throw RunError(
                operation: "--patch/--format-patch", subject: "-", message: "only one of them can go to stdout")
        }
        if configuration.direction == .git {
            let invalid = [
                (configuration.write, "--write"), (configuration.commit, "--commit"),
                (configuration.patchFile != nil, "--patch"), (configuration.formatPatchFile != nil, "--format-patch"),
                (configuration.prune, "--prune"), (configuration.adoptDirectory != nil, "--adopt"),
            ].filter(\.0).map(\.1)
            if let first = invalid.first {
                throw RunError(
                    operation: first, subject: "--to git",
                    message:
                        "\(first) edits git, but --to git leaves git as it is and writes the objects to apply (to --out DIR, or stdout)"
                )
            }
        }
        if configuration.branch != nil && !configuration.commit {
            throw RunError(operation: "--branch", subject: configuration.branch ?? "", message: "needs --commit")
        }
        if let branch = configuration.branch, !Repository.isValidBranchName(branch) {
            throw RunError(operation: "--branch", subject: branch, message: "not a valid branch name")
        }
        if let adopt = configuration.adoptDirectory {
            let parts = adopt.split(separator: "/")
            if adopt.hasPrefix("/") || parts.contains("..") {
                throw RunError(
                    operation: "--adopt", subject: adopt,
                    message: "must be a folder inside the repository, relative to its root")
            }
        }
    }

    // MARK: --to live

    private static func toLive(
        _ configuration: Configuration, snapshot: RepositorySnapshot, scan: ScanResult, live: LiveSnapshot,
        planned: FixEdits.Planned, report original: FixReport
    ) async throws(RunError) -> (FixReport, Streams) {
        var report = original
        let plan = planned.plan
        let output = try FixEdits.correctedFiles(
            planned, snapshot: snapshot, scan: scan, defaultNamespace: configuration.scanOptions.defaultNamespace,
            utf8Only: configuration.writesSomething)
        report.services = output.services
        report.files = output.files
        var streams = Streams()
        guard configuration.writesSomething, !output.files.isEmpty else {
            try writeReportFiles(report, configuration)
            return (report, streams)
        }

        let repository = snapshot.repository
        let branch = configuration.branch ?? "endpoint-drift/fix-\(snapshot.commit.id.short)"
        if configuration.commit {
            do {
                if let existing = try repository.branchTarget(branch), !configuration.force {
                    throw RunError(
                        operation: "create branch", subject: branch,
                        message:
                            "the branch already exists (at \(existing.short)); pass --branch with another name, or --force to move it"
                    )
                }
            } catch let error as RunError {
                throw error
            } catch {
                throw RunError(operation: "create branch", subject: branch, message: "\(error)")
            }
        }
        if configuration.write { try checkWorkingTree(output.files, snapshot: snapshot, force: configuration.force) }

        // Git objects, diff and mbox, all in memory until published.
        var committer: FixCommitter?
        var diff: String?
        var mbox: String?
        do {
            if configuration.patchFile != nil || configuration.commit || configuration.formatPatchFile != nil {
                let git = try FixCommitter(
                    gitDirectory: repository.gitDirectory, baseCommit: snapshot.commit.id,
                    baseTree: snapshot.commit.treeID)
                try git.buildTree(output.files)
                if configuration.patchFile != nil { diff = try git.diff() }
                if configuration.commit || configuration.formatPatchFile != nil {
                    let identity = try CommitIdentity.resolve(
                        author: configuration.author, environment: configuration.environment, repository: repository)
                    let message = CommitMessage.make(
                        services: output.services,
                        context: CommitMessage.Context(
                            liveSource: live.source, observedAt: live.observedAt, scannedCommit: scan.commitID,
                            revision: scan.revision, version: Version.current))
                    let id = try git.makeCommit(
                        message: message, author: identity.author, committer: identity.committer)
                    report.commit = FixReport.CommitInfo(
                        id: id.hex, parent: snapshot.commit.id.hex, branch: configuration.commit ? branch : nil,
                        message: message)
                    if configuration.formatPatchFile != nil { mbox = try git.emailPatch() }
                }
                committer = git
            }
        } catch let error as RunError {
            throw error
        } catch let error as RemediationError {
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        } catch {
            throw RunError(operation: "build commit", subject: repository.displayPath, message: "\(error)")
        }

        // Every file output in one transaction.
        let hook = configuration.faultHook
        var fileHook: FileTransaction.FaultHook?
        if let hook {
            fileHook = { @Sendable (point: FileTransaction.FaultPoint) throws -> Void in
                if case .beforeCommitting(let index, let path) = point {
                    try hook(.beforeCommittingFile(index: index, path: path))
                }
            }
        }
        let transaction = FileTransaction(faultHook: fileHook)
        try checkNewFileNames(plan)
        if let out = configuration.outDirectory {
            report.outDirectory = out
            for file in output.files {
                guard let bytes = file.edited else { continue }
                transaction.write(Data(bytes), to: try contained(file.path, under: out, flag: "--out", plan: plan))
            }
        }
        if configuration.write, let workingDirectory = repository.workingDirectory {
            for file in output.files {
                let path = try contained(file.path, under: workingDirectory, flag: "--write", plan: plan)
                if let bytes = file.edited {
                    transaction.write(Data(bytes), to: path)
                } else {
                    transaction.delete(path)
                }
                report.written.append(file.path)
            }
        }
        if let patch = configuration.patchFile {
            report.patchFile = patch
            if patch == "-" { streams.patch = diff } else { transaction.write(Data((diff ?? "").utf8), to: patch) }
        }
        if let file = configuration.formatPatchFile {
            report.formatPatchFile = file
            if file == "-" { streams.mbox = mbox } else { transaction.write(Data((mbox ?? "").utf8), to: file) }
        }
        for target in configuration.outputs {
            guard let file = target.file else { continue }
            transaction.write(Data(render(report, format: target.format, color: false).utf8), to: file)
        }

        var pack: PublishedPack?
        var branchCreated: String?
        var previousTarget: ObjectID?
        do {
            try transaction.stage()
            if configuration.commit, let committer {
                try hook?(.beforePublishingObjects)
                pack = try committer.publish()
            }
            try transaction.commit()
            if configuration.commit, let committer {
                try hook?(.beforeCreatingBranch)
                previousTarget = try committer.createBranch(branch, force: configuration.force)
                branchCreated = branch
            }
        } catch {
            transaction.rollback()
            committer?.undo(pack: pack, branch: branchCreated, previousTarget: previousTarget)
            throw runError(error, subject: repository.displayPath)
        }
        transaction.finish()
        return (report, streams)
    }

    /// Refuses (naming the files) when the working tree differs from the scanned commit in a file
    /// the fix writes, unless `force`.
    private static func checkWorkingTree(
        _ files: [ManifestEditor.FileResult], snapshot: RepositorySnapshot, force: Bool
    ) throws(RunError) {
        let repository = snapshot.repository
        guard repository.workingDirectory != nil else {
            throw RunError(
                operation: "--write", subject: repository.displayPath,
                message: "a bare repository has no working tree; use --commit, --patch or --out")
        }
        var differing: [String] = []
        do {
            for file in files {
                let committed = try repository.entry(at: file.path, inTree: snapshot.commit.treeID)?.id
                let current = try repository.workingTreeBlobID(file.path)
                if committed != current { differing.append(file.path) }
            }
        } catch {
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        }
        guard !differing.isEmpty, !force else { return }
        throw RunError(
            operation: "--write", subject: differing.joined(separator: ", "),
            message:
                "the working tree differs from \(snapshot.revision) (\(snapshot.commit.id.short)) in \(differing.count == 1 ? "this file" : "these files"); commit or stash the changes, or pass --force to overwrite them"
        )
    }

    // MARK: --to git

    private static func toGit(
        _ configuration: Configuration, plan: FixPlan, report original: FixReport
    ) throws(RunError)
        -> (FixReport, Streams)
    {
        var report = original
        report.services = plan.services.map { service in
            let status: FixApplier.Status =
                service.unresolved.isEmpty ? .fixed : service.apply.isEmpty ? .unfixed : .partial
            return FixApplier.ServiceOutcome(plan: service, status: status, reasons: service.unresolved)
        }
        report.apply = plan.services.flatMap(\.apply)
        var streams = Streams()
        guard !report.apply.isEmpty, let out = configuration.outDirectory else {
            if !report.apply.isEmpty {
                streams.manifests = String(decoding: ApplyManifests.stream(report.apply), as: UTF8.self)
            }
            try writeReportFiles(report, configuration)
            return (report, streams)
        }
        report.outDirectory = out
        let transaction = FileTransaction()
        for object in report.apply {
            try checkName(object.ref)
            let name = ApplyManifests.fileName(for: object)
            let path: String
            do {
                path = try ContainedPath.resolve(name, under: out)
            } catch {
                throw RunError(operation: "--out", subject: object.ref.description, message: error.description)
            }
            transaction.write(Data(ApplyManifests.stream([object])), to: path)
            report.applyFiles.append(name)
        }
        for target in configuration.outputs {
            guard let file = target.file else { continue }
            transaction.write(Data(render(report, format: target.format, color: false).utf8), to: file)
        }
        do {
            try transaction.stage()
            try transaction.commit()
        } catch {
            throw runError(error, subject: out)
        }
        transaction.finish()
        return (report, streams)
    }

    // MARK: Helpers

    /// `-o FORMAT=FILE` reports of a run that writes nothing else.
    private static func writeReportFiles(_ report: FixReport, _ configuration: Configuration) throws(RunError) {
        var files: [(target: OutputTarget, text: String)] = []
        for target in configuration.outputs where target.file != nil {
            files.append((target, render(report, format: target.format, color: false)))
        }
        try OutputWriter.emit(files)
    }

    /// `path` under `folder`, refused (naming the services that write it) when it would leave it.
    private static func contained(
        _ path: String, under folder: String, flag: String, plan: FixPlan
    ) throws(RunError) -> String {
        do {
            return try ContainedPath.resolve(path, under: folder)
        } catch {
            let services = plan.services.filter { $0.paths.contains(path) }.map(\.service.description)
            let subject = services.isEmpty ? path : "\(path) (for \(services.joined(separator: ", ")))"
            throw RunError(operation: flag, subject: subject, message: error.message + "; nothing was written")
        }
    }

    /// Objects that go into new files must have names that are names, not paths: a snapshot may say
    /// anything, and the API server would never have accepted `a/b` or `..`.
    private static func checkNewFileNames(_ plan: FixPlan) throws(RunError) {
        for service in plan.services {
            for object in service.newObjects {
                guard case .newFile = object.placement else { continue }
                try checkName(
                    ObjectRef(kind: object.object.kind, namespace: object.namespace, name: object.object.metadata.name))
            }
        }
    }

    private static func checkName(_ ref: ObjectRef) throws(RunError) {
        for part in [ref.namespace, ref.name]
        where part.isEmpty || part == "." || part == ".." || part.contains("/") || part.utf8.contains(0) {
            throw RunError(
                operation: "fix", subject: ref.description,
                message:
                    "the name \"\(part)\" cannot be a file name (a Kubernetes name never contains `/` or is `.` or `..`); nothing was written"
            )
        }
    }

    private static func runError(_ error: any Error, subject: String) -> RunError {
        switch error {
        case let error as RunError: return error
        case let error as AtomicFile.WriteError:
            return RunError(
                operation: error.operation, subject: error.path, message: error.message + "; nothing was written")
        case let error as RemediationError:
            return RunError(
                operation: error.operation, subject: error.subject, message: error.message + "; nothing was written")
        default:
            return RunError(operation: "fix", subject: subject, message: "\(error); nothing was written")
        }
    }
}

/// The namespace an object without `metadata.namespace` gets in a given file: what the scan resolved
/// for the other objects of that file (or folder), else the default.
struct ImplicitNamespaces: Sendable {
    private var byPath: [String: String] = [:]
    private var byFolder: [String: String] = [:]
    let defaultNamespace: String

    init(records: [ObjectRecord], defaultNamespace: String) {
        self.defaultNamespace = defaultNamespace
        for record in records {
            guard let path = record.source?.path, let rule = record.namespaceRule, rule != .metadata else { continue }
            if byPath[path] == nil { byPath[path] = record.ref.namespace }
            let folder = Self.folder(path)
            if byFolder[folder] == nil { byFolder[folder] = record.ref.namespace }
        }
    }

    func namespace(for path: String) -> String {
        byPath[path] ?? byFolder[Self.folder(path)] ?? defaultNamespace
    }

    static func folder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
