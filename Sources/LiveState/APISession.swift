import Foundation
import Manifests
import NIOCore

/// One run against the API server: owns the HTTP client (shut down at the end), sends requests
/// with credentials and retries, pages through lists, and turns answers into `LiveError`s that
/// name the verb, the resource and the namespace.
final class APISession: Sendable {
    /// Whether a resource's lists are read at all (false: read as empty, e.g. EndpointSlices on a
    /// server that does not serve them); it may wait for discovery, or fail with its error.
    typealias Gate = @Sendable (APIResource) async throws(LiveError) -> Bool

    /// What one list gave: records only. Each page is reduced to records as it is decoded and its
    /// answer (bytes and, without `--save-live`, any tree) is dropped before the next page is
    /// decoded, so a list holds no whole answer and no object outside its record.
    struct ListResult: Sendable {
        var records: [ObjectRecord] = []
        /// The items as read, only for `--save-live` (the snapshot file is written from them).
        var documents: [Node] = []
        var problems: [String] = []
        /// The list's version: a watch from it sees every change after the list.
        var resourceVersion: String?
    }

    let connection: ClusterConnection
    let options: APIReadOptions
    let transport: HTTPTransport
    let credentials: CredentialStore
    let warnings: WarningLog

    init(
        connection: ClusterConnection, options: APIReadOptions, credentials: CredentialStore,
        diagnostics: @escaping @Sendable (String) -> Void
    ) throws(LiveError) {
        self.connection = connection
        self.options = options
        self.credentials = credentials
        warnings = WarningLog(sink: diagnostics)
        transport = try HTTPTransport(
            connection: connection, connectTimeout: Self.timeAmount(options.connectTimeout),
            readTimeout: Self.timeAmount(options.idleReadTimeout), userAgent: options.userAgent)
    }

    func shutdown() async { await transport.shutdown() }

    private var requestTimeout: TimeAmount? {
        guard let seconds = options.requestTimeout, seconds > 0 else { return nil }
        return Self.timeAmount(seconds)
    }

    private static func timeAmount(_ seconds: Double) -> TimeAmount {
        // NaN and negatives (never parsed, but never a trap either) are no time at all.
        guard seconds > 0 else { return .nanoseconds(0) }
        return .nanoseconds(Int64(min(seconds, 86_400 * 365) * 1e9))
    }

    // MARK: Jobs

    /// What `run` gives back: the lists in the order of the jobs, and the jobs that were forbidden in
    /// one namespace (their result is empty).
    struct JobResults {
        var lists: [ListResult]
        var forbidden: [(index: Int, error: LiveError)]
        /// With a filter (`LiveRecordFilter`): the Services the lists leave out.
        var serviceDigest: ServiceDigest?
        /// With a filter: the inventory of the records the lists kept, less the Services of
        /// `serviceDigest.backed` (`LiveSnapshot.liveInventory`); nil when it could not be built
        /// as they were read.
        var liveInventory: ServiceInventory?
    }

    /// Runs the lists, at most `concurrency` at once; results in the order of `jobs`. A 403 on one
    /// namespace's list is kept and the others go on (the rest can still be checked); any other
    /// failure cancels the rest.
    /// `only`: keep only the objects of these namespaces (for lists over all namespaces); `keep`:
    /// the decision whose `leavesOut` items are dropped as they are read, while the Services that
    /// decide it are still being read: each page waits until its items can be decided. `feeds`: the
    /// decision the Services of these lists are given to, page by page. `tally`: the progress of the
    /// whole read, when several runs make it up.
    /// `desired`: the Services git defines, for a check's Services lists: the others are read thin
    /// when the check will drop them (`ProtobufObjectReader.readsThin`). `inventory`: given each
    /// page's kept records as the page is taken.
    func run(
        _ jobs: [(resource: APIResource, namespace: String?)], concurrency: Int, only: Set<String>? = nil,
        keep: ServiceDecision? = nil, feeds: ServiceDecision? = nil, desired: Set<ServiceKey>? = nil,
        inventory: LiveInventoryBuilder? = nil, tally: ProgressTally? = nil, gate: Gate? = nil
    ) async throws(LiveError) -> JobResults {
        let keepDocuments = options.savePath != nil
        let tally = tally ?? ProgressTally(total: jobs.count)
        let work: @Sendable (Int) async -> (Int, Result<ListResult, LiveError>) = { index in
            let job = jobs[index]
            do throws(LiveError) {
                if let gate, try await !gate(job.resource) { return (index, .success(ListResult())) }
                return (
                    index,
                    .success(
                        try await self.list(
                            job.resource, namespace: job.namespace, keepDocuments: keepDocuments, only: only,
                            keep: keep, feeds: feeds, desired: desired, inventory: inventory))
                )
            } catch {
                return (index, .failure(error))
            }
        }
        let outcome = await withTaskGroup(
            of: (Int, Result<ListResult, LiveError>).self, returning: Result<JobResults, LiveError>.self
        ) { group in
            var results = JobResults(lists: [ListResult](repeating: ListResult(), count: jobs.count), forbidden: [])
            var failure: LiveError?
            var next = 0
            func startNext() {
                guard failure == nil && next < jobs.count else { return }
                let index = next
                group.addTask { await work(index) }
                next += 1
            }
            while next < min(concurrency, jobs.count) { startNext() }
            while let (index, result) = await group.next() {
                switch result {
                case .success(let value):
                    let objects = value.records.count
                    results.lists[index] = value
                    options.progress?(tally.listDone(objects: objects))
                    startNext()
                case .failure(let error) where error.kind == .forbidden && jobs[index].namespace != nil:
                    results.forbidden.append((index, error))
                    options.progress?(tally.listDone(objects: 0))
                    startNext()
                case .failure(let error):
                    if failure == nil {
                        failure = error
                        group.cancelAll()
                    }
                }
            }
            if let failure { return .failure(failure) }
            return .success(results)
        }
        return try outcome.get()
    }

    // MARK: Discovery

    /// Whether `discovery.k8s.io/v1` is served (Kubernetes 1.21+). Only a 404 for the group while
    /// the core group `/api/v1` is served (or a group without the resource) says no; a 404 for both
    /// means the URL is not an API server's (a wrong proxy path), which is an error, not "no slices".
    /// Anything else unclear assumes yes and lets the list tell.
    func servesEndpointSlices() async throws(LiveError) -> Bool {
        let path = "/apis/discovery.k8s.io/v1"
        let response = try await fetch(path, query: [], verb: "get", resource: "discovery.k8s.io/v1", namespace: nil)
        switch response.status {
        case 200:
            let root: Node? = response.body.withUnsafeReadableBytes { bytes in try? JSONReader.parse(bytes) }
            guard let resources = root?.mapping?["resources"]?.sequence else { return true }
            return resources.items.contains { $0.mapping?["name"]?.scalar?.value == "endpointslices" }
        case 404:
            let core = try await fetch("/api/v1", query: [], verb: "get", resource: "v1", namespace: nil)
            switch core.status {
            case 200: return false
            case 404: throw notAnAPIServer(core, path: "/api/v1", verb: "get", resource: "v1")
            default: return true
            }
        case 401:
            throw unauthorized(response, verb: "get", resource: "discovery.k8s.io/v1", namespace: nil)
        default:
            return true
        }
    }

    // MARK: Lists

    /// Lists done and objects kept so far across the runs of one read, for the progress display.
    final class ProgressTally: @unchecked Sendable {
        private let lock = NSLock()
        private let total: Int
        private var done = 0
        private var objects = 0

        init(total: Int) { self.total = total }

        func listDone(objects count: Int) -> ListProgress {
            lock.withLock {
                done += 1
                objects += count
                return ListProgress(listsDone: done, listsTotal: total, objects: objects)
            }
        }
    }

    /// `only`: the namespaces whose objects are kept, the others dropped page by page (a list over
    /// all namespaces for a scope of many).
    func list(
        _ resource: APIResource, namespace: String?, keepDocuments: Bool, only: Set<String>? = nil,
        keep: ServiceDecision? = nil, feeds: ServiceDecision? = nil, desired: Set<ServiceKey>? = nil,
        inventory: LiveInventoryBuilder? = nil
    ) async throws(LiveError) -> ListResult {
        let path = resource.listPath(namespace: namespace)
        let readsThin = resource == .services ? desired.map(Self.readsThin(unless:)) : nil
        let thinsOnBytes =
            resource == .services && feeds?.takesDigestOnly == true
            ? desired.map { Self.thinsOnBytes(only: only, unless: $0) } : nil
        var result = ListResult()
        var continueToken: String?
        var restarted = false
        // A server (or proxy) that repeats a token, or never stops giving one, would page for ever.
        var seenTokens: Set<String> = []
        var pages = 0
        // `--save-live` keeps the items as JSON trees: those lists are read as JSON.
        let accept = options.protobuf && !keepDocuments ? ProtobufListPage.accept : "application/json"
        let readsHeads = accept == ProtobufListPage.accept
        let fetchPage: PageRequest.Fetch = { [self] token, head in
            do throws(LiveError) {
                return .success(
                    try await fetch(
                        path, query: query(continue: token), verb: "list", resource: resource.qualifiedName,
                        namespace: namespace, accept: accept, early: head))
            } catch {
                return .failure(error)
            }
        }
        // The page read now, and the next one, asked for as soon as its token is known (from this
        // page's first bytes, or once this page is in).
        var current: PageRequest?
        var prefetched: PageRequest?
        defer {
            current?.cancel()
            prefetched?.cancel()
        }
        while true {
            try checkCancellation(resource, namespace: namespace)
            let request: PageRequest
            if let early = prefetched, early.token == continueToken {
                request = early
            } else {
                prefetched?.cancel()
                request = PageRequest(
                    token: continueToken, readsHeads: readsHeads, fetch: fetchPage)
            }
            prefetched = nil
            current = request
            let response = try await request.response().get()
            prefetched = request.takeNext()
            current = nil
            switch response.status {
            case 200:
                // A protobuf answer is opened (envelope and list metadata) before its items are
                // decoded; a JSON one is read once, below.
                let protobuf = try openProtobuf(response, resource: resource, namespace: namespace)
                // The API server writes the list's metadata, continue token included, before the
                // items: the next request can go out before this page is decoded.
                let early = protobuf.map { $0.continueToken } ?? ListPage.continueTokenBeforeItems(response.body)
                if let next = early, prefetched?.token != next {
                    prefetched?.cancel()
                    prefetched = PageRequest(
                        token: next, readsHeads: readsHeads, fetch: fetchPage)
                }
                // The page is here (and the next asked for) before the decision is waited for: until
                // the Services list has passed the last Service this page names (a JSON page is not
                // read before it is decoded: it waits for all the Services).
                if let keep {
                    if let protobuf {
                        let last = response.body.withUnsafeReadableBytes { protobuf.lastServiceKey(in: $0) }
                        if let last { await keep.wait(through: last) }
                    } else {
                        await keep.wait(through: nil)
                    }
                }
                let leavesOut = Self.leavesOut(only: only, keep: keep)
                let page: ListPage
                if let protobuf {
                    let decides = keep.map { Self.decides(only: only, keep: $0) }
                    page = response.body.withUnsafeReadableBytes {
                        protobuf.page(
                            in: $0, leavesOut: leavesOut, readsThin: readsThin,
                            digestsThin: feeds?.takesDigestOnly ?? false, thinsOnBytes: thinsOnBytes, decides: decides)
                    }
                } else {
                    page = try parse(
                        response, resource: resource, namespace: namespace, keepDocuments: keepDocuments,
                        leavesOut: leavesOut)
                }
                if pages == 0 { feeds?.expect(page.itemCount + (page.remainingItemCount ?? 0)) }
                let next = Self.take(page, into: &result, only: only, keep: keep, feeds: feeds, inventory: inventory)
                guard let next else {
                    inventory?.listed(resource.kind)
                    return result
                }
                pages += 1
                guard seenTokens.insert(next).inserted else {
                    throw LiveError(
                        kind: .invalidResponse, operation: "list", resource: resource.qualifiedName,
                        namespace: namespace,
                        message:
                            "the API server gave the same continue token again after \(pages) pages; paging would never end"
                    )
                }
                guard pages < options.maximumPages else {
                    throw LiveError(
                        kind: .invalidResponse, operation: "list", resource: resource.qualifiedName,
                        namespace: namespace,
                        message:
                            "the list did not end after \(pages) pages; stopped (raise --chunk-size if the cluster really has that many objects)"
                    )
                }
                continueToken = next
            case 410 where continueToken != nil:
                // The continue token outlived etcd's compaction. Starting over once gives a consistent
                // list; a second expiry means the list is too slow for this server's compaction interval.
                guard !restarted else {
                    throw LiveError(
                        kind: .server, operation: "list", resource: resource.qualifiedName, namespace: namespace,
                        message:
                            "the list expired twice while paging (410 Expired: the server compacted its history before the next page was asked for); retry, or pass a larger --chunk-size so that fewer pages are needed"
                    )
                }
                restarted = true
                feeds?.restarted()
                inventory?.invalidate()
                continueToken = nil
                seenTokens = []
                pages = 0
                result = ListResult()
            case 401:
                throw unauthorized(response, verb: "list", resource: resource.qualifiedName, namespace: namespace)
            case 403:
                throw forbidden(response, verb: "list", resource: resource, namespace: namespace)
            case 404:
                // An API server lists a namespace that does not exist as empty (200): a 404 for a list it
                // must serve means the URL does not lead to an API server.
                throw notAnAPIServer(
                    response, path: path, verb: "list", resource: resource.qualifiedName, namespace: namespace)
            default:
                throw LiveError(
                    kind: .server, operation: "list", resource: resource.qualifiedName, namespace: namespace,
                    message: "the API server answered \(Self.statusLine(response))")
            }
        }
    }

    /// Moves a page's records (and, for `--save-live`, its trees) into `result`, keeping only the
    /// namespaces in `only`; gives the page's continue token. The page is consumed: nothing of it
    /// stays alive beside the result. A page of Services `feeds` the decision, which keeps of it only
    /// the Services its digest does not stand for. The records kept go to `inventory` too.
    static func take(
        _ page: consuming ListPage, into result: inout ListResult, only: Set<String>?,
        keep: ServiceDecision? = nil, feeds: ServiceDecision? = nil, inventory: LiveInventoryBuilder? = nil
    ) -> String? {
        var page = page
        // Never with `--save-live` (the file holds every object): only the records are filtered.
        if keep != nil || only != nil {
            let kept = page.records.map { record in
                !(keep?.leavesOut(record.object) ?? false)
                    && only?.contains(record.object.metadata.namespace ?? "") ?? true
            }
            if !page.digestOnly.isEmpty {
                // The Services read for the digest only stay at their places among the records kept.
                var keptBefore = [0]
                keptBefore.reserveCapacity(kept.count + 1)
                for isKept in kept { keptBefore.append(keptBefore[keptBefore.count - 1] + (isKept ? 1 : 0)) }
                page.digestOnly = page.digestOnly.compactMap { before, service in
                    only?.contains(service.key.namespace) ?? true ? (keptBefore[before], service) : nil
                }
            }
            page.records = zip(page.records, kept).compactMap { record, isKept in isKept ? record : nil }
        }
        if let only {
            page.documents.removeAll {
                !only.contains($0.mapping?["metadata"]?.mapping?["namespace"]?.stringValue ?? "")
            }
        }
        feeds?.absorb(&page.records, digestOnly: page.digestOnly)
        inventory?.add(page.records)
        if result.records.isEmpty {
            swap(&result.records, &page.records)
        } else {
            result.records.append(contentsOf: page.records)
        }
        result.documents.append(contentsOf: page.documents)
        result.problems += page.problems
        result.resourceVersion = page.resourceVersion ?? result.resourceVersion
        return page.continueToken
    }

    private func query(continue token: String?) -> [(String, String)] {
        var query: [(String, String)] = []
        if options.chunkSize > 0 { query.append(("limit", String(options.chunkSize))) }
        if let token { query.append(("continue", token)) }
        return query
    }

    /// What `take` would drop, decided as soon as an item's metadata is read, so that the rest of
    /// it is skipped instead of decoded (`take` still filters: the decision needs the metadata first,
    /// which an API server writes first but a snapshot need not).
    static func leavesOut(
        only: Set<String>?, keep: ServiceDecision?
    ) -> (@Sendable (KubeObject) -> Bool)? {
        guard only != nil || keep != nil else { return nil }
        return { object in
            if let only, !only.contains(object.metadata.namespace ?? "") { return true }
            if let keep, keep.leavesOut(object) { return true }
            return false
        }
    }

    /// `leavesOut(only:keep:)` on an item's identity as bytes (`ProtobufObjectReader.decides`).
    static func decides(
        only: Set<String>?, keep: ServiceDecision
    ) -> @Sendable ([ProtobufObjectReader.ItemIdentity]) -> [Bool] {
        let only = only.map(NamespaceBytes.init)
        return { items in
            guard let only else { return keep.leavesOut(items) }
            var answers = [Bool](repeating: true, count: items.count)
            let inScope = items.indices.filter { only.contains(items[$0].namespace) }
            for (index, answer) in zip(inScope, keep.leavesOut(inScope.map { items[$0] })) { answers[index] = answer }
            return answers
        }
    }

    /// Namespaces looked up by bytes of an answer, without making a string of each item's.
    struct NamespaceBytes: Sendable {
        private var byHash: [UInt64: [[UInt8]]] = [:]

        init(_ namespaces: Set<String>) {
            for namespace in namespaces {
                let bytes = Array(namespace.utf8)
                byHash[BackedIndex.hash(bytes, [], mask: .max), default: []].append(bytes)
            }
        }

        func contains(_ namespace: UnsafeRawBufferPointer) -> Bool {
            guard let candidates = byHash[BackedIndex.hash(namespace, [], mask: .max)] else { return false }
            return candidates.contains { $0.elementsEqual(namespace) }
        }
    }

    /// Which Services a check drops if they are backed, decided on their identity (see
    /// `ProtobufObjectReader.readsThin`): those git does not define, without the ignore annotation.
    static func readsThin(unless desired: Set<ServiceKey>) -> @Sendable (ObjectMeta) -> Bool {
        { meta in
            meta.annotations[WellKnown.ignoreAnnotation] == nil
                && !desired.contains(ServiceKey(namespace: meta.namespace ?? "default", name: meta.name))
        }
    }

    /// `leavesOut(only:keep:)` and `readsThin(unless:)` of a Services list, on a Service's identity
    /// as bytes (`ProtobufObjectReader.thinsOnBytes`): git's Services are looked up by their bytes.
    static func thinsOnBytes(
        only: Set<String>?, unless desired: Set<ServiceKey>
    ) -> @Sendable (ProtobufObjectReader.ItemIdentity) -> ProtobufObjectReader.ThinDecision {
        let only = only.map(NamespaceBytes.init)
        var index = BackedIndex()
        index.update(desired.map { ($0, true) })
        let defaultNamespace = Array("default".utf8)
        return { [index] item in
            // As `leavesOut`, the namespace as written (none is not `default` there).
            if let only, !only.contains(item.namespace) { return .leftOut }
            guard !item.ignored, let name = item.service else { return .whole }
            let isDesired = defaultNamespace.withUnsafeBytes { defaultBytes in
                let namespace = item.namespace.isEmpty ? defaultBytes : item.namespace
                return index.contains(
                    namespace: namespace, name: name, hash: BackedIndex.hash(namespace, name, mask: .max))
            }
            return isDesired ? .whole : .thin
        }
    }

    /// The answer opened as a protobuf list when its `Content-Type` says it is one; nil for JSON.
    private func openProtobuf(
        _ response: APIResponse, resource: APIResource, namespace: String?
    ) throws(LiveError) -> ProtobufListPage? {
        let type = response.headers.first(name: "Content-Type")
        guard ProtobufListPage.isProtobuf(contentType: type) else { return nil }
        let opened: Result<ProtobufListPage, ProtobufListPage.Failure> = response.body.withUnsafeReadableBytes {
            bytes in Result { () throws(ProtobufListPage.Failure) in try ProtobufListPage(bytes, resource: resource) }
        }
        switch opened {
        case .success(let list): return list
        case .failure(let error):
            throw LiveError(
                kind: .invalidResponse, operation: "list", resource: resource.qualifiedName, namespace: namespace,
                message:
                    "the answer is not a valid \(resource.listKind) (\(response.body.readableBytes) bytes, Content-Type \(type ?? "")): \(error.message); --kube-api-content-type application/json asks for JSON instead"
            )
        }
    }

    private func parse(
        _ response: APIResponse, resource: APIResource, namespace: String?, keepDocuments: Bool,
        leavesOut: ((KubeObject) -> Bool)? = nil
    ) throws(LiveError) -> ListPage {
        let parsed: Result<ListPage, ManifestError> = response.body.withUnsafeReadableBytes { bytes in
            Result { () throws(ManifestError) in
                try ListPage.parse(bytes, resource: resource, keepDocuments: keepDocuments, leavesOut: leavesOut)
            }
        }
        switch parsed {
        case .success(let page): return page
        case .failure(let error):
            let type = response.headers.first(name: "Content-Type").map { ", Content-Type \($0)" } ?? ""
            throw LiveError(
                kind: .invalidResponse, operation: "list", resource: resource.qualifiedName, namespace: namespace,
                message:
                    "the answer is not a valid \(resource.listKind) (\(response.body.readableBytes) bytes\(type)): line \(error.line), column \(error.column): \(error.message)"
            )
        }
    }

    // MARK: Requests

    /// One GET, retried while the failure may pass: 429 and 5xx answers (after `Retry-After` when
    /// given), connections reset or closed mid-answer. A 401 fetches refreshable credentials (exec
    /// plugin, token file) again once.
    func fetch(
        _ path: String, query: [(String, String)], verb: String, resource: String, namespace: String?,
        accept: String = "application/json", early: HTTPTransport.EarlyBytes? = nil
    ) async throws(LiveError) -> APIResponse {
        let clock = options.retryClock
        let started = clock.now()
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            let credentials = try await self.credentials.current()
            let elapsed = clock.now() - started
            let response: APIResponse
            do {
                response = try await transport.get(
                    path, query: query, credentials: credentials, timeout: requestTimeout, accept: accept,
                    early: early)
            } catch {
                try checkCancellation(resource: resource, verb: verb, namespace: namespace)
                let elapsed = clock.now() - started
                if error.kind == .transient,
                    let delay = options.retry.delay(afterAttempt: attempt, elapsed: elapsed, retryAfter: nil)
                {
                    try await sleep(delay, verb: verb, resource: resource, namespace: namespace)
                    continue
                }
                var message = "\(transport.url(path, query: query)): \(error.message)"
                if attempt > 1 { message += " (after \(attempt) attempts in \(Self.format(elapsed)))" }
                throw LiveError(
                    kind: .network, operation: verb, resource: resource, namespace: namespace, message: message)
            }
            await warnings.record(response.headers)
            if response.status == 401, !refreshedCredentials, await self.credentials.invalidate(after: credentials) {
                refreshedCredentials = true
                attempt -= 1
                continue
            }
            if response.status == 429 || (500...599).contains(response.status) {
                let delay = options.retry.delay(
                    afterAttempt: attempt, elapsed: clock.now() - started,
                    retryAfter: response.retryAfter)
                if let delay {
                    try await sleep(delay, verb: verb, resource: resource, namespace: namespace)
                    continue
                }
                var message =
                    "the API server answered \(Self.statusLine(response)); gave up after \(attempt) attempt\(attempt == 1 ? "" : "s") in \(Self.format(elapsed))"
                if let retryAfter = response.retryAfter, attempt < options.retry.maximumAttempts {
                    message += " (it asked to wait \(Self.format(retryAfter)) more, past the retry budget)"
                }
                throw LiveError(
                    kind: .server, operation: verb, resource: resource, namespace: namespace, message: message)
            }
            return response
        }
    }

    private func sleep(_ seconds: Double, verb: String, resource: String, namespace: String?) async throws(LiveError) {
        do {
            try await options.retryClock.sleep(seconds)
        } catch {
            throw LiveError(
                kind: .network, operation: verb, resource: resource, namespace: namespace, message: "cancelled")
        }
    }

    private func checkCancellation(_ resource: APIResource, namespace: String?) throws(LiveError) {
        try checkCancellation(resource: resource.qualifiedName, verb: "list", namespace: namespace)
    }

    private func checkCancellation(resource: String, verb: String, namespace: String?) throws(LiveError) {
        if Task.isCancelled {
            throw LiveError(
                kind: .network, operation: verb, resource: resource, namespace: namespace, message: "cancelled")
        }
    }

    // MARK: Messages

    func unauthorized(
        _ response: APIResponse, verb: String, resource: String, namespace: String?
    ) -> LiveError {
        LiveError(
            kind: .unauthorized, operation: verb, resource: resource, namespace: namespace,
            message:
                "the API server did not accept the credentials of \(connection.identityDescription) (\(Self.statusLine(response))). The token may have expired or been revoked, or the client certificate is not signed by a CA the server trusts; check with `kubectl auth whoami`."
        )
    }

    func forbidden(
        _ response: APIResponse, verb: String, resource: APIResource, namespace: String?
    ) -> LiveError {
        let scope = namespace.map { "in namespace \($0)" } ?? "at the cluster scope (-A)"
        let binding =
            namespace.map {
                "a Role in namespace \($0) (or a ClusterRole) with a RoleBinding in namespace \($0)"
            } ?? "a ClusterRole with a ClusterRoleBinding"
        return LiveError(
            kind: .forbidden, operation: verb, resource: resource.qualifiedName, namespace: namespace,
            message: """
                \(connection.identityDescription) may not \(verb) \(resource.qualifiedName) \(scope) (\(Self.statusLine(response))).
                Grant it with this rule in \(binding):
                \(resource.rule(verb: verb))
                endpoint-drift needs get and list on services, endpoints and endpointslices.discovery.k8s.io (see `endpoint-drift live --help`).
                """)
    }

    /// A 404 for a path every API server serves: the URL, and what it usually is.
    private func notAnAPIServer(
        _ response: APIResponse, path: String, verb: String, resource: String, namespace: String? = nil
    ) -> LiveError {
        let base = connection.server.description
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
        return LiveError(
            kind: .server, operation: verb, resource: resource, namespace: namespace,
            message:
                "the API server answered \(Self.statusLine(response)) for \(url), which every Kubernetes API server "
                + "serves; is \(base) the API server's URL? A proxy path, or a Rancher or Teleport URL without the "
                + "cluster part, answers 404 (compare with `kubectl config view --minify` and `kubectl get --raw /api/v1`)"
        )
    }

    static func statusLine(_ response: APIResponse) -> String {
        var text = "\(response.status)"
        if let reason = HTTPReason.phrase(response.status) { text += " \(reason)" }
        if let message = response.statusMessage, !message.isEmpty { text += ": \(message.prefix(500))" }
        return text
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e9 else { return "a very long time" }
        return seconds < 10 ? String(format: "%.1fs", seconds) : "\(Int(seconds.rounded()))s"
    }
}
