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
    /// Lint findings the pull request introduces.
    public var introduced: Int?
    /// Differences with the cluster that the pull request makes: the plan, applied by the merge.
    public var planned: Int?
    public var preExisting: Int?
    /// Services whose desired state the pull request changes.
    public var touchedServices: Int?
    public var fixed: Int?

    public init(_ report: DriftReport) {
        // One pass, reading fields in place: copying each finding and result (a dozen strings,
        // two backend sets) into filtered arrays cost more than the counting.
        services = report.services.count
        byStatus = [:]
        desiredBackends = 0
        liveBackends = 0
        for index in report.services.indices {
            if let status = report.services[index].status { byStatus[status, default: 0] += 1 }
            desiredBackends += report.services[index].desired.count
            liveBackends += report.services[index].live.count
        }
        findings = 0
        ignored = 0
        bySeverity = [:]
        byType = [:]
        failing = 0
        var introduced = 0
        var planned = 0
        var preExisting = 0
        let touched = report.isPullRequest ? report.touchedServices : []
        for index in report.findings.indices {
            guard report.findings[index].ignoredBy == nil else {
                ignored += 1
                continue
            }
            findings += 1
            let severity = report.findings[index].severity
            let type = report.findings[index].type
            bySeverity[severity, default: 0] += 1
            byType[type, default: 0] += 1
            if report.failPolicy.fails(report.findings[index], touched: touched, appliedBy: report.appliedBy) {
                failing += 1
            }
            switch report.findings[index].change {
            case .introduced: introduced += 1
            case .planned: planned += 1
            case .preExisting: preExisting += 1
            case nil: break
            }
        }
        excludedServices = report.excludedServices
        errors = report.errors.count
        if report.isPullRequest {
            self.introduced = introduced
            self.planned = planned
            self.preExisting = preExisting
            touchedServices = touched.count
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
