/// Counts over a report, for summary lines, tables, JSON and metrics.
public struct DriftSummary: Sendable, Hashable {
    /// The run's result; the exit code is decided from it (`ExitStatus`).
    public enum Outcome: String, Sendable, Hashable {
        /// Nothing fails the run.
        case pass
        /// Findings fail the run.
        case fail
        /// Something could not be checked; this wins over findings.
        case error
    }

    public var services: Int
    public var byStatus: [ServiceStatus: Int]
    /// Findings that are not ignored.
    public var findings: Int
    public var ignored: Int
    public var bySeverity: [Severity: Int]
    /// Findings that are not ignored, by type.
    public var byType: [FindingType: Int]
    /// Findings that fail the run under the report's fail policy.
    public var failing: Int
    public var desiredBackends: Int
    public var liveBackends: Int
    public var excludedServices: Int
    public var errors: Int
    /// Pull-request mode only.
    public var introduced: Int?
    public var preExisting: Int?
    public var fixed: Int?

    public init(_ report: DriftReport) {
        services = report.services.count
        byStatus = [:]
        for service in report.services {
            if let status = service.status { byStatus[status, default: 0] += 1 }
        }
        let active = report.findings.filter { !$0.isIgnored }
        findings = active.count
        ignored = report.findings.count - active.count
        bySeverity = Dictionary(grouping: active, by: \.severity).mapValues(\.count)
        byType = Dictionary(grouping: active, by: \.type).mapValues(\.count)
        failing = active.filter(report.failPolicy.fails).count
        desiredBackends = report.services.reduce(0) { $0 + $1.desired.count }
        liveBackends = report.services.reduce(0) { $0 + $1.live.count }
        excludedServices = report.excludedServices
        errors = report.errors.count
        if report.isPullRequest {
            introduced = active.filter { $0.change == .introduced }.count
            preExisting = active.filter { $0.change == .preExisting }.count
            fixed = report.fixed.count
        }
    }

    public var outcome: Outcome {
        if errors > 0 { return .error }
        return failing > 0 ? .fail : .pass
    }

    public func count(_ status: ServiceStatus) -> Int { byStatus[status] ?? 0 }
    public func count(_ severity: Severity) -> Int { bySeverity[severity] ?? 0 }
}
