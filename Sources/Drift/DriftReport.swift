import Manifests

/// Everything a check or lint run found, ready to print in any format or to act on (`fix`, metrics).
/// A value: built by `DriftCheck.run`, with no I/O.
public struct DriftReport: Sendable {
    /// `check` compares with the cluster; `lint` reads only the repository.
    public enum Mode: String, Sendable, Hashable {
        case check
        case lint
    }

    /// The commit the desired state was read from.
    public struct Revision: Sendable, Hashable {
        /// The repository path as given.
        public var repository: String
        /// As the user wrote it (`HEAD`, `origin/main`).
        public var revision: String
        /// Full commit id.
        public var commit: String

        public init(repository: String, revision: String, commit: String) {
            self.repository = repository
            self.revision = revision
            self.commit = commit
        }
    }

    /// Where the live state came from.
    public struct LiveInfo: Sendable, Hashable {
        /// "file live.json", "context prod (https://…)".
        public var source: String
        /// RFC 3339.
        public var observedAt: String
        /// The namespaces read, sorted; `nil` for all namespaces.
        public var namespaces: [String]?

        public init(source: String, observedAt: String, namespaces: [String]?) {
            self.source = source
            self.observedAt = observedAt
            self.namespaces = namespaces
        }
    }

    /// A note or a problem that is not a finding, located where possible.
    public struct Message: Sendable, Hashable {
        public var path: String?
        public var line: Int?
        /// A short word for machines: `unreadable`, `namespace`, `config`, a scan note reason.
        public var kind: String
        public var message: String

        public init(path: String? = nil, line: Int? = nil, kind: String, message: String) {
            self.path = path
            self.line = line
            self.kind = kind
            self.message = message
        }

        /// `path:line: message`, or just the message.
        public var located: String {
            guard let path else { return message }
            return line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
        }
    }

    public var mode: Mode
    public var desired: Revision
    /// Pull-request mode: the base commit.
    public var base: Revision?
    /// `nil` in lint mode.
    public var live: LiveInfo?
    /// Compared Services (lint mode: every Service in git), sorted by namespace and name. Services
    /// whose objects are not external services (a Service with a selector) are not listed; their
    /// lint findings are still in `findings`.
    public var services: [ServiceResult]
    /// Every finding at the head commit, ignored ones included, in report order.
    public var findings: [Finding]
    /// Pull-request mode: findings at the base that the head no longer has.
    public var fixed: [Finding]
    /// Pull-request mode: per Service, the backends the pull request adds, removes or modifies in git.
    public var desiredChanges: [DesiredChange]
    /// Files skipped on purpose, unknown config keys, live-state notes.
    public var notes: [Message]
    /// What could not be checked (a blob that could not be read, a namespace that could not be
    /// listed). Any error makes the run exit 2.
    public var errors: [Message]
    /// Services left out by the namespace and service filters of `.endpoint-drift.yaml` or the live scope.
    public var excludedServices: Int
    /// Which findings fail the run.
    public var failPolicy: FailPolicy
    /// Pull-request mode: who applies the merge (`--applied-by`).
    public var appliedBy: AppliedBy
    /// Pull-request mode: the Services whose desired state the pull request changes.
    public var touchedServices: Set<ServiceKey> { Set(desiredChanges.map(\.service)) }

    public init(
        mode: Mode, desired: Revision, base: Revision? = nil, live: LiveInfo? = nil, services: [ServiceResult] = [],
        findings: [Finding] = [], fixed: [Finding] = [], desiredChanges: [DesiredChange] = [],
        notes: [Message] = [], errors: [Message] = [], excludedServices: Int = 0,
        failPolicy: FailPolicy = .bySeverity, appliedBy: AppliedBy = .controller
    ) {
        self.appliedBy = appliedBy
        self.mode = mode
        self.desired = desired
        self.base = base
        self.live = live
        self.services = services
        self.findings = findings
        self.fixed = fixed
        self.desiredChanges = desiredChanges
        self.notes = notes
        self.errors = errors
        self.excludedServices = excludedServices
        self.failPolicy = failPolicy
    }

    public var isPullRequest: Bool { base != nil }

    /// Whether a finding fails the run under the fail policy, in pull-request mode given the
    /// Services the pull request touches and who applies the merge.
    public func fails(_ finding: Finding) -> Bool {
        failPolicy.fails(finding, touched: isPullRequest ? touchedServices : [], appliedBy: appliedBy)
    }

    public var summary: DriftSummary { DriftSummary(self) }

    /// Findings grouped by Service (findings without a Service under `nil`), each group in report order.
    public var findingsByService: [ServiceKey?: [Finding]] {
        Dictionary(grouping: findings, by: \.service)
    }

    /// The Services to show, in order: every listed Service plus every Service that only has findings.
    public var serviceKeys: [ServiceKey] {
        Set(services.map(\.key)).union(findings.compactMap(\.service)).sorted()
    }
}
