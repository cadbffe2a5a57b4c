import Foundation
import Manifests

/// Reads Services, Endpoints and EndpointSlices from the API server: every namespace in one list
/// per resource (`-A`), or one list per resource and namespace.
public struct KubernetesAPISource: LiveStateSource {
    public let connection: ClusterConnection
    public let options: APIReadOptions
    private let environment: ConnectionEnvironment
    let diagnostics: @Sendable (String) -> Void
    let credentials: CredentialStore
    /// The session and discovery `startingEarly()` began, for the first read.
    private var early: EarlyStart?

    /// `diagnostics` receives lines for stderr: API `Warning` headers (once per text) and the
    /// insecure-TLS warning. They never go into the snapshot.
    public init(
        connection: ClusterConnection, options: APIReadOptions = APIReadOptions(),
        environment: ConnectionEnvironment = .current, diagnostics: @escaping @Sendable (String) -> Void
    ) {
        self.connection = connection
        self.options = options
        self.environment = environment
        self.diagnostics = diagnostics
        credentials = CredentialStore(
            source: connection.credentials, identity: connection.clientIdentity, environment: environment)
    }

    /// How many times an exec plugin ran so far (the answer is cached within a run).
    public var execPluginRuns: Int {
        get async { await credentials.execRunCount }
    }

    public func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot {
        try await read(scope: scope, filter: nil)
    }

    /// The same source, with its first read's connection and discovery begun now: while `check`
    /// scans git, the TLS handshake and the discovery request (`GET /apis/discovery.k8s.io/v1`,
    /// which every client may ask) are done, and the lists go out on a warm connection as soon as
    /// the scope is known. No list is asked for before git is read. Not with an exec credential
    /// plugin: it may be interactive (a browser login) or slow, and runs only for a run that gets
    /// as far as the lists.
    public func startingEarly() -> any LiveStateSource {
        if case .exec = connection.credentials { return self }
        var started = self
        started.early = EarlyStart(self)
        return started
    }

    public func abandonEarlyStart() {
        early?.abandon()
    }

    /// Leaves out, as the lists are read, the Services the controllers back and git does not define,
    /// and their Endpoints and EndpointSlices (see `LiveRecordFilter`, `ServiceDecision`). Not with
    /// `--save-live`, whose file holds everything.
    public func read(scope: NamespaceScope, keeping filter: LiveRecordFilter) async throws(LiveError) -> LiveSnapshot {
        try await read(scope: scope, filter: options.savePath == nil ? filter : nil)
    }

    private func read(scope: NamespaceScope, filter: LiveRecordFilter?) async throws(LiveError) -> LiveSnapshot {
        if connection.insecureSkipTLSVerify && connection.server.scheme == "https" {
            diagnostics(
                "Warning: insecure-skip-tls-verify is set: the API server's certificate is not verified, so anyone on the network path can read and answer these requests"
            )
        }
        let session: APISession
        var discovery: Task<Result<Bool, LiveError>, Never>?
        if let started = early?.take() {
            session = try await started.session.value.get()
            discovery = started.discovery
        } else {
            session = try makeSession()
        }
        let result: Result<LiveSnapshot, LiveError>
        do {
            result = .success(try await read(scope: scope, session: session, filter: filter, discovery: discovery))
        } catch {
            result = .failure(error)
        }
        await session.shutdown()
        return try result.get()
    }

    /// Discovery (are EndpointSlices served?) goes out beside the Services and Endpoints lists; only
    /// the slices list waits for its answer. A discovery that fails fails the read with its own
    /// error, as when it was asked first: a list that failed beside it is the same problem, told
    /// less well.
    /// `discovery`: one asked for already (`startingEarly()`).
    private func read(
        scope: NamespaceScope, session: APISession, filter: LiveRecordFilter?,
        discovery: Task<Result<Bool, LiveError>, Never>?
    ) async throws(LiveError) -> LiveSnapshot {
        let discovery = discovery ?? Task { await EarlyStart.servesSlices(session) }
        do {
            var snapshot = try await read(scope: scope, session: session, filter: filter) {
                () async throws(LiveError) -> Bool in try await discovery.value.get()
            }
            if try await !discovery.value.get() {
                snapshot.notes.insert(
                    "discovery.k8s.io/v1 is not served by this API server: EndpointSlices were not read, only Endpoints and Services",
                    at: 0)
            }
            return snapshot
        } catch {
            // A read cancelled from outside ends discovery too; otherwise its answer (it has one soon,
            // or times out) decides which error is told.
            if Task.isCancelled { discovery.cancel() }
            if case .failure(let failure) = await discovery.value { throw failure }
            throw error
        }
    }

    /// `servesSlices`: discovery's answer, awaited by the slices lists only (an unserved resource
    /// is read as empty).
    private func read(
        scope: NamespaceScope, session: APISession, filter: LiveRecordFilter?,
        servesSlices: @escaping @Sendable () async throws(LiveError) -> Bool
    ) async throws(LiveError) -> LiveSnapshot {
        var notes: [String] = []
        let resources = APIResource.allCases
        let gate: APISession.Gate = { resource async throws(LiveError) -> Bool in
            resource != .endpointSlices ? true : try await servesSlices()
        }
        if case .only(let namespaces) = scope, options.clusterWideFrom > 0, namespaces.count >= options.clusterWideFrom
        {
            do {
                let results = try await run(
                    resources.map { ($0, nil) }, session, only: namespaces, filter: filter, gate: gate)
                return try snapshot(
                    resources.map { ($0, nil) }, results, scope: scope, notes: notes, failed: [:])
            } catch  where error.kind == .forbidden {
                // A namespaced Role is the usual reason: the lists per namespace may well be allowed.
                notes.append(
                    "listing \(error.resource) in all namespaces is forbidden (403): read namespace by namespace instead (\(namespaces.count) namespaces)"
                )
            }
        }
        var jobs: [(resource: APIResource, namespace: String?)] = []
        for resource in resources {
            switch scope {
            case .all: jobs.append((resource, nil))
            case .only(let namespaces): jobs += namespaces.sorted().map { (resource, $0) }
            }
        }
        let results = try await run(jobs, session, only: nil, filter: filter, gate: gate)
        var failed: [String: String] = [:]
        for (index, error) in results.forbidden {
            guard let namespace = jobs[index].namespace, failed[namespace] == nil else { continue }
            failed[namespace] = error.description
        }
        // Nothing could be read: that is a failure of the whole read, not of some namespaces.
        if !results.forbidden.isEmpty && failed.count == Set(jobs.compactMap(\.namespace)).count,
            let first = results.forbidden.min(by: { $0.index < $1.index })
        {
            throw first.error
        }
        return try snapshot(jobs, results, scope: scope, notes: notes, failed: failed)
    }

    /// The lists of `jobs`, results in their order. With a filter, the Endpoints and slices leave out
    /// what the Services say a check never compares: all the lists start at once, and each page of
    /// the others waits until the Services list has passed the Services it names
    /// (`ServiceDecision`). `streams: false` decides nothing before the Services are read.
    private func run(
        _ jobs: [(resource: APIResource, namespace: String?)], _ session: APISession, only: Set<String>?,
        filter: LiveRecordFilter?, gate: @escaping APISession.Gate, streams: Bool = true
    ) async throws(LiveError) -> APISession.JobResults {
        let concurrency = max(1, options.concurrency)
        guard let filter else {
            return try await session.run(jobs, concurrency: concurrency, only: only, gate: gate)
        }
        let first = jobs.indices.filter { jobs[$0].resource == .services }
        let rest = jobs.indices.filter { jobs[$0].resource != .services }
        let tally = APISession.ProgressTally(total: jobs.count)
        let serviceJobs = first.map { jobs[$0] }
        let otherJobs = rest.map { jobs[$0] }
        // One list over the cluster (or a namespace) is in storage order; several are not, taken together.
        let decision = ServiceDecision(desired: filter.desired, streams: streams && serviceJobs.count == 1)
        // The check's live inventory, built as the pages come (a read that fails stops it).
        let inventory = LiveInventoryBuilder(endpointsLists: jobs.count { $0.resource == .endpoints })
        defer { inventory.close() }
        let servicesRead = Task { () -> Result<APISession.JobResults, LiveError> in
            do throws(LiveError) {
                let services = try await session.run(
                    serviceJobs, concurrency: concurrency, only: only, feeds: decision, desired: filter.desired,
                    inventory: inventory, tally: tally, gate: gate)
                decision.finish(services.lists.lazy.flatMap(\.records))
                return .success(services)
            } catch {
                // Without the Services nothing is left out (the read fails with their error anyway).
                decision.fail()
                return .failure(error)
            }
        }
        var others: APISession.JobResults
        do {
            others = try await session.run(
                otherJobs, concurrency: concurrency, only: only, keep: decision, inventory: inventory, tally: tally,
                gate: gate)
            var services = try await servicesRead.value.get()
            if decision.mayHaveErred {
                // The Services list was out of order after items (Services too) had been left out on it:
                // read it all again, deciding nothing before the Services are read.
                return try await run(jobs, session, only: only, filter: filter, gate: gate, streams: false)
            }
            var results = APISession.JobResults(
                lists: [APISession.ListResult](repeating: APISession.ListResult(), count: jobs.count),
                forbidden: services.forbidden.map { (first[$0.index], $0.error) }
                    + others.forbidden.map { (rest[$0.index], $0.error) })
            results.serviceDigest = decision.whole
            if let digest = results.serviceDigest, var built = inventory.finish() {
                // What was kept before its Service was read, decided now (as the records are below).
                built.removeEntries { digest.backed.contains($0) }
                results.liveInventory = built
            }
            for (position, index) in first.enumerated() {
                // A new array of the few kept (the task still holds the whole one: removing in place would
                // copy it all first).
                if let digest = results.serviceDigest {
                    services.lists[position].records = services.lists[position].records.filter { !digest.leavesOut($0) }
                }
                swap(&results.lists[index], &services.lists[position])
            }
            for (position, index) in rest.enumerated() {
                // What was kept before its Service was read, decided now.
                if let digest = results.serviceDigest {
                    others.lists[position].records.removeAll { digest.leavesOut($0) }
                }
                swap(&results.lists[index], &others.lists[position])
            }
            return results
        } catch {
            servicesRead.cancel()
            throw error
        }
    }

    private func snapshot(
        _ jobs: [(resource: APIResource, namespace: String?)], _ results: consuming APISession.JobResults,
        scope: NamespaceScope, notes: [String], failed: [String: String]
    ) throws(LiveError) -> LiveSnapshot {
        var notes = notes
        var records: [ObjectRecord] = []
        var items: [SnapshotWriter.Item] = []
        for index in results.lists.indices where failed[jobs[index].namespace ?? ""] == nil {
            let job = jobs[index]
            // Moved out, not copied: each list's records are released as they join the snapshot's.
            var result = APISession.ListResult()
            swap(&result, &results.lists[index])
            if records.isEmpty { swap(&records, &result.records) } else { records += result.records }
            items += result.documents.map { SnapshotWriter.Item(kind: job.resource.kind, node: $0) }
            notes += result.problems.map { "not read: \($0)" }
        }
        if let savePath = options.savePath { try SnapshotWriter.write(items, to: savePath) }
        var inventory = results.liveInventory
        if !failed.isEmpty { inventory?.removeEntries { failed[$0.namespace] != nil } }
        // In the order of the records (the builder took them in as the lists came).
        inventory?.unlinked = records.filter { $0.serviceKey == nil }
        return LiveSnapshot(
            records: records, observedAt: RFC3339.format(Date()), source: connection.description, scope: scope,
            notes: notes, failedNamespaces: failed,
            // A namespace that failed is not in the records: nor are its Services in the digest.
            serviceDigest: failed.isEmpty
                ? results.serviceDigest : results.serviceDigest?.keeping { failed[$0] == nil },
            liveInventory: inventory)
    }
}

/// A read's session and discovery, begun before the read's scope is known
/// (`KubernetesAPISource.startingEarly()`); the first read takes them, or `abandon()` ends them.
private final class EarlyStart: @unchecked Sendable {
    let session: Task<Result<APISession, LiveError>, Never>
    let discovery: Task<Result<Bool, LiveError>, Never>
    private let lock = NSLock()
    private var taken = false

    init(_ source: KubernetesAPISource) {
        let session = Task { () -> Result<APISession, LiveError> in
            do throws(LiveError) {
                return .success(try source.makeSession())
            } catch {
                return .failure(error)
            }
        }
        self.session = session
        discovery = Task { () -> Result<Bool, LiveError> in
            switch await session.value {
            case .success(let session): return await Self.servesSlices(session)
            case .failure(let error): return .failure(error)
            }
        }
    }

    /// Discovery's answer (are EndpointSlices served?), as a result for a task to hold.
    static func servesSlices(_ session: APISession) async -> Result<Bool, LiveError> {
        do throws(LiveError) {
            return .success(try await session.servesEndpointSlices())
        } catch {
            return .failure(error)
        }
    }

    /// Self for the first caller, nil after.
    func take() -> EarlyStart? {
        lock.withLock {
            defer { taken = true }
            return taken ? nil : self
        }
    }

    /// For a run that will not read: discovery is cancelled and the session shut down.
    func abandon() {
        guard take() != nil else { return }
        discovery.cancel()
        let session = session
        Task {
            if case .success(let session) = await session.value { await session.shutdown() }
        }
    }

    deinit {
        // Never taken (a run that stopped without saying so): the session is still shut down, as
        // the HTTP client requires.
        abandon()
    }
}
