import Drift
import Manifests

/// A report's Services with their results and findings, looked up once per rendering.
struct ReportIndex {
    private let results: [ServiceKey: ServiceResult]
    private let byService: [ServiceKey?: [Finding]]
    /// Every Service to show: the listed ones and those that only have findings, sorted.
    let keys: [ServiceKey]

    init(_ report: DriftReport) {
        results = Dictionary(report.services.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        byService = report.findingsByService
        keys = report.serviceKeys
    }

    func result(_ key: ServiceKey) -> ServiceResult? { results[key] }

    func findings(_ key: ServiceKey) -> [Finding] { byService[key] ?? [] }

    /// Findings that belong to no Service.
    var unattached: [Finding] { byService[nil] ?? [] }

    /// The Services a reader needs to see: not in sync, or with findings (ignored ones included).
    var needingAttention: [ServiceKey] {
        keys.filter { key in
            let status = results[key]?.status
            return (status != nil && status != .inSync) || byService[key] != nil
        }
    }
}
