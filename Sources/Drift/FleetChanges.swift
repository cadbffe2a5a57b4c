import Manifests

/// What a run remembers for the next one (`--state FILE`): per cluster, the findings that were
/// not ignored, keyed by their line-independent fingerprint, and whether the cluster could be
/// checked. Findings are kept with a line of text so that a resolved finding can still be told.
public struct RememberedRun: Sendable, Hashable {
    public struct Cluster: Sendable, Hashable {
        /// Why the last run could not check the cluster; `nil` when it could.
        public var error: String?
        public var findings: [String: FleetChanges.Item]

        public init(error: String? = nil, findings: [String: FleetChanges.Item] = [:]) {
            self.error = error
            self.findings = findings
        }
    }

    public var clusters: [String: Cluster]

    public init(clusters: [String: Cluster] = [:]) { self.clusters = clusters }
}

/// The difference between the remembered run and this one: new and resolved findings, clusters
/// that stopped or started being checkable. A notification goes out only when it is not empty.
public struct FleetChanges: Sendable, Hashable {
    /// A finding as a notification tells it.
    public struct Item: Sendable, Hashable {
        public var cluster: String
        /// `Finding.fingerprint`.
        public var id: String
        public var type: String
        /// `namespace/name`, when the finding is about a Service.
        public var service: String?
        /// "missing-backend: 10.0.0.2:5432/TCP is in git but not served by the cluster".
        public var text: String
        /// `path:line` in git.
        public var location: String?
        /// The one backend a backend finding is about, and its message: what a notification needs
        /// to group findings on one address as the reports do. `nil` for other findings (and for
        /// items remembered by a version that did not keep them).
        public var backend: BackendKey?
        public var message: String?

        public init(
            cluster: String, id: String, type: String, service: String?, text: String, location: String?,
            backend: BackendKey? = nil, message: String? = nil
        ) {
            self.cluster = cluster
            self.id = id
            self.type = type
            self.service = service
            self.text = text
            self.location = location
            self.backend = backend
            self.message = message
        }

        public init(cluster: String, finding: Finding) {
            var location: String?
            if let source = finding.source {
                location = source.line > 0 ? "\(source.path):\(source.line)" : source.path
            }
            self.init(
                cluster: cluster, id: finding.fingerprint, type: finding.type.rawValue,
                service: finding.service?.description, text: "\(finding.type.rawValue): \(finding.message)",
                location: location, backend: finding.backendKey, message: finding.message)
        }
    }

    /// A cluster that could be checked last time and cannot now.
    public struct Failure: Sendable, Hashable {
        public var cluster: String
        public var error: String

        public init(cluster: String, error: String) {
            self.cluster = cluster
            self.error = error
        }
    }

    public var new: [Item]
    public var resolved: [Item]
    public var failing: [Failure]
    /// Clusters that could not be checked last time and could now.
    public var recovered: [String]

    public init(new: [Item] = [], resolved: [Item] = [], failing: [Failure] = [], recovered: [String] = []) {
        self.new = new
        self.resolved = resolved
        self.failing = failing
        self.recovered = recovered
    }

    public var isEmpty: Bool { new.isEmpty && resolved.isEmpty && failing.isEmpty && recovered.isEmpty }

    /// Compares this run with the remembered one and returns what changed and what to remember
    /// next. A cluster that could not be read keeps its remembered findings (they are unknown,
    /// not resolved); clusters this run did not check are left as they were.
    public static func between(
        _ previous: RememberedRun, _ fleet: FleetReport
    ) -> (changes: FleetChanges, remember: RememberedRun) {
        var changes = FleetChanges()
        var next = previous
        for cluster in fleet.clusters {
            let before = previous.clusters[cluster.name]
            let failure = cluster.error ?? (cluster.report == nil ? "could not check" : nil)
            if let failure {
                if before?.error == nil { changes.failing.append(Failure(cluster: cluster.name, error: failure)) }
                next.clusters[cluster.name] = RememberedRun.Cluster(error: failure, findings: before?.findings ?? [:])
                continue
            }
            if before?.error != nil { changes.recovered.append(cluster.name) }
            var now: [String: Item] = [:]
            for finding in cluster.report?.findings ?? [] where !finding.isIgnored {
                let item = Item(cluster: cluster.name, finding: finding)
                now[item.id] = now[item.id] ?? item
            }
            let old = before?.findings ?? [:]
            changes.new += now.keys.filter { old[$0] == nil }.compactMap { now[$0] }
            changes.resolved += old.keys.filter { now[$0] == nil }.compactMap { old[$0] }
            next.clusters[cluster.name] = RememberedRun.Cluster(error: nil, findings: now)
        }
        let order = { (lhs: Item, rhs: Item) -> Bool in
            (lhs.cluster, lhs.service ?? "~", lhs.text, lhs.id) < (rhs.cluster, rhs.service ?? "~", rhs.text, rhs.id)
        }
        changes.new.sort(by: order)
        changes.resolved.sort(by: order)
        return (changes, next)
    }
}
