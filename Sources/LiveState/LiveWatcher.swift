import Foundation
import Manifests

/// The live state kept current: each resource (per namespace in scope, or cluster-wide) is listed,
/// then watched from the list's version with bookmarks. A 410 lists again; a cut stream or a
/// failed request watches again after a growing pause (`RetryClock`, so tests need not wait). Only
/// records are kept (`LiveCache`). `onChange` is told which Services each change touched.
public actor LiveWatcher {
    /// What the watcher has done so far, for metrics and readiness.
    public struct Counters: Sendable, Hashable {
        public var events = 0
        public var lists = 0
        public var relists = 0
        public var reconnects = 0
        /// Every scope has been listed once.
        public var synced = false

        public init() {}
    }

    public let source: KubernetesAPISource
    public let scope: NamespaceScope
    /// `timeoutSeconds` asked of each watch request (the server ends the stream then).
    public let watchTimeoutSeconds: Int
    private var cache = LiveCache()
    public private(set) var counters = Counters()
    private var listed: Set<LiveCache.Scope> = []
    /// The last failure of each scope, until it recovers.
    public private(set) var failures: [LiveCache.Scope: LiveError] = [:]

    /// Told when a scope's list or watch starts failing, when its error changes, and when it
    /// recovers: a line for the log, once per change rather than once per retry. `LiveError`
    /// descriptions name the resource, verb and status, never a credential.
    private let log: @Sendable (String) -> Void
    /// The error last told for each scope.
    private var told: [LiveCache.Scope: String] = [:]

    public init(
        source: KubernetesAPISource, scope: NamespaceScope, watchTimeoutSeconds: Int = 290,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.source = source
        self.scope = scope
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.log = log
    }

    /// Records `error` (nil: the scope works again) and tells the log when that changes anything.
    private func fail(_ scope: LiveCache.Scope, _ error: LiveError?) {
        failures[scope] = error
        if let error {
            // The description names the verb, resource and namespace already.
            let text = error.description
            guard told[scope] != text else { return }
            told[scope] = text
            log("error: \(text) (retrying with backoff)")
        } else if told.removeValue(forKey: scope) != nil {
            let resource = scope.resource.qualifiedName
            log("\(scope.namespace.map { "\(resource) in namespace \($0)" } ?? resource): reading again")
        }
    }

    /// The records held now.
    public var records: [ObjectRecord] { cache.snapshot }
    /// What the report should say about the reading (EndpointSlices not served).
    public private(set) var notes: [String] = []
    /// The kinds watched: all three, or two when the server has no `discovery.k8s.io/v1`.
    private var resources = APIResource.allCases

    /// Lists and watches every scope until the task is cancelled. Returns only on cancellation; a
    /// scope whose list or watch fails is retried with backoff, its last error in `failures`.
    public func run(onChange: @escaping @Sendable (Set<ServiceKey>) async -> Void) async {
        let session: APISession
        do {
            session = try source.makeSession()
        } catch {
            fail(LiveCache.Scope(.services), error)
            return
        }
        // As `check` does: without discovery.k8s.io/v1 (before 1.21) slices are not watched at all,
        // rather than listed and retried for ever. Asked until the server answers.
        var attempts = 0
        while true {
            do {
                if try await !session.servesEndpointSlices() {
                    resources.removeAll { $0 == .endpointSlices }
                    notes.append(
                        "discovery.k8s.io/v1 is not served by this API server: EndpointSlices are not watched, only Endpoints and Services"
                    )
                }
                fail(LiveCache.Scope(.endpointSlices), nil)
                break
            } catch {
                if Task.isCancelled { break }
                fail(LiveCache.Scope(.endpointSlices), error)
                attempts += 1
                counters.reconnects += 1
                do {
                    try await source.options.retryClock.sleep(min(30, 0.5 * pow(2, Double(min(attempts - 1, 6)))))
                } catch {
                    break
                }
            }
        }
        var scopes: [LiveCache.Scope] = []
        for resource in resources {
            switch scope {
            case .all: scopes.append(LiveCache.Scope(resource))
            case .only(let namespaces):
                scopes += namespaces.sorted().map { LiveCache.Scope(resource, namespace: $0) }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for scope in scopes {
                group.addTask { await self.follow(scope, session: session, onChange: onChange) }
            }
        }
        await session.shutdown()
    }

    /// List, then watch, for ever: one scope.
    private func follow(
        _ scope: LiveCache.Scope, session: APISession, onChange: @escaping @Sendable (Set<ServiceKey>) async -> Void
    ) async {
        var failuresInARow = 0
        var needsList = true
        while !Task.isCancelled {
            do throws(LiveError) {
                if needsList {
                    let result = try await session.list(
                        scope.resource, namespace: scope.namespace, keepDocuments: false)
                    let wasSynced = counters.synced
                    let touched = listed(scope, result)
                    fail(scope, nil)
                    needsList = false
                    // The list that completes the first sync is told even when it touched nothing (an
                    // empty kind listed last): the caller waits for it to compute its first report.
                    if !touched.isEmpty || (!wasSynced && counters.synced) { await onChange(touched) }
                }
                let version = cache.resourceVersions[scope] ?? ""
                let end = try await session.watch(scope, from: version, timeoutSeconds: watchTimeoutSeconds) {
                    [weak self] event in
                    guard let self else { return }
                    // The stream works again: the first event (or bookmark) says so, long before it ends.
                    await self.fail(scope, nil)
                    let touched = await self.apply(event, in: scope)
                    if !touched.isEmpty { await onChange(touched) }
                }
                fail(scope, nil)
                failuresInARow = 0
                if end == .expired {
                    needsList = true
                    counters.relists += 1
                }
            } catch {
                if Task.isCancelled { return }
                fail(scope, error)
                failuresInARow += 1
                counters.reconnects += 1
                // 0.5 s, 1 s, 2 s … at most 30 s between attempts.
                let pause = min(30, 0.5 * pow(2, Double(min(failuresInARow - 1, 6))))
                do {
                    try await source.options.retryClock.sleep(pause)
                } catch {
                    return
                }
            }
        }
    }

    private func listed(_ scope: LiveCache.Scope, _ result: APISession.ListResult) -> Set<ServiceKey> {
        counters.lists += 1
        let touched = cache.replace(
            scope, with: result.records, resourceVersion: result.resourceVersion ?? "")
        listed.insert(scope)
        let expected =
            resources.count
            * {
                if case .only(let namespaces) = self.scope { return namespaces.count }
                return 1
            }()
        if listed.count >= expected { counters.synced = true }
        return touched
    }

    private func apply(_ event: WatchEvent, in scope: LiveCache.Scope) -> Set<ServiceKey> {
        counters.events += 1
        return cache.apply(event, in: scope)
    }
}

extension KubernetesAPISource {
    /// A session of its own (a watcher keeps one for its lifetime).
    func makeSession() throws(LiveError) -> APISession {
        try APISession(connection: connection, options: options, credentials: credentials, diagnostics: diagnostics)
    }
}
