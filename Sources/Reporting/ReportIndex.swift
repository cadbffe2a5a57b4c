import Drift
import Manifests

/// A report's Services with their results and findings, looked up once per rendering. It keeps
/// positions in the report, not copies: copying every result (two backend sets) and every finding
/// (a dozen strings) to group them cost more than rendering them.
struct ReportIndex {
    private let report: DriftReport
    /// The first result of each Service.
    private let results: [ServiceKey: Int]
    /// Positions in `report.findings` by Service (nil: findings that belong to no Service), in report order.
    private let byService: [ServiceKey?: [Int]]
    /// Every Service to show: the listed ones and those that only have findings, sorted.
    let keys: [ServiceKey]

    init(_ report: DriftReport) {
        self.report = report
        var results: [ServiceKey: Int] = [:]
        for index in report.services.indices where results[report.services[index].key] == nil {
            results[report.services[index].key] = index
        }
        self.results = results
        var byService: [ServiceKey?: [Int]] = [:]
        for index in report.findings.indices {
            byService[report.findings[index].service, default: []].append(index)
        }
        self.byService = byService
        keys = report.serviceKeys
    }

    func result(_ key: ServiceKey) -> ServiceResult? { results[key].map { report.services[$0] } }

    func findings(_ key: ServiceKey) -> [Finding] { (byService[key] ?? []).map { report.findings[$0] } }

    /// Findings that belong to no Service.
    var unattached: [Finding] { (byService[nil] ?? []).map { report.findings[$0] } }

    /// The Services a reader needs to see: not in sync, or with findings (ignored ones included).
    var needingAttention: [ServiceKey] {
        keys.filter { key in
            let status = results[key].flatMap { report.services[$0].status }
            return (status != nil && status != .inSync) || byService[key] != nil
        }
    }
}
