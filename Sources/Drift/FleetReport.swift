/// The result of one run over several clusters (or over one, for the formats that always show
/// clusters: HTML, metrics, notifications). A value, like `DriftReport`: reporters format it.
public struct FleetReport: Sendable {
    /// When the run started, RFC 3339 (UTC).
    public var startedAt: String
    /// The whole run, in seconds.
    public var duration: Double
    /// In the order the clusters were asked for.
    public var clusters: [ClusterReport]

    public init(startedAt: String, duration: Double, clusters: [ClusterReport]) {
        self.startedAt = startedAt
        self.duration = duration
        self.clusters = clusters
    }

    /// The worst cluster outcome: an error anywhere wins over findings, findings over a pass.
    public var outcome: DriftSummary.Outcome {
        let outcomes = clusters.map(\.outcome)
        if outcomes.contains(.error) { return .error }
        return outcomes.contains(.fail) ? .fail : .pass
    }

    /// The commit the desired state was read from (the same for every cluster), if any cluster got that far.
    public var desired: DriftReport.Revision? {
        clusters.lazy.compactMap(\.report?.desired).first
    }

    public func count(_ outcome: DriftSummary.Outcome) -> Int {
        clusters.filter { $0.outcome == outcome }.count
    }
}

/// One cluster of a fleet run: its report, or why there is none, or both (a cluster that could
/// not be reached still has its desired state, with every Service in status `error`).
public struct ClusterReport: Sendable {
    public var name: String
    /// `nil` when the check could not start (the repository or the configuration was unreadable).
    public var report: DriftReport?
    /// Why the cluster could not be checked (unreachable, refused, unreadable snapshot); `nil` when it was.
    public var error: String?
    /// This cluster's check, in seconds.
    public var duration: Double

    public init(name: String, report: DriftReport?, error: String? = nil, duration: Double = 0) {
        self.name = name
        self.report = report
        self.error = error
        self.duration = duration
    }

    public var outcome: DriftSummary.Outcome {
        if error != nil { return .error }
        return report?.summary.outcome ?? .error
    }

    /// The check completed: the cluster was read and compared (findings or not).
    public var completed: Bool { outcome != .error }
}
