/// Which findings fail a run (exit 1): by default every finding of severity `error`; with
/// `--fail-on` the listed types. Ignored findings never fail.
public struct FailPolicy: Sendable, Hashable {
    /// `nil`: by severity.
    public let types: Set<FindingType>?

    public init(types: Set<FindingType>? = nil) { self.types = types }

    public static let bySeverity = FailPolicy()

    /// Group names `--fail-on` accepts besides the finding types.
    public static let groups = ["all", "drift", "lint", "error", "warning", "none"]

    /// Parses `--fail-on` values: finding types and the groups `all`, `drift`, `lint`, `error`
    /// (types whose severity is error), `warning`, `none`; comma-separated or repeated.
    public init(parsing values: [String]) throws(ConfigurationError) {
        var selected = Set<FindingType>()
        for value in values.flatMap({ $0.split(separator: ",") }) {
            let name = value.trimmed
            switch name {
            case "all": selected.formUnion(FindingType.allCases)
            case "drift": selected.formUnion(FindingType.allCases.filter { $0.category == .drift })
            case "lint": selected.formUnion(FindingType.allCases.filter { $0.category == .lint })
            case "error": selected.formUnion(FindingType.allCases.filter { $0.defaultSeverity == .error })
            case "warning": selected.formUnion(FindingType.allCases.filter { $0.defaultSeverity == .warning })
            case "none": break
            default:
                guard let type = FindingType(rawValue: name) else {
                    throw ConfigurationError(
                        path: "--fail-on", line: nil,
                        message:
                            "unknown finding type '\(name)'; use \(Self.groups.joined(separator: ", ")) or one of: "
                            + FindingType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                selected.insert(type)
            }
        }
        self.init(types: selected)
    }

    public func fails(_ finding: Finding) -> Bool {
        guard !finding.isIgnored else { return false }
        return fails(severity: finding.severity, type: finding.type)
    }

    /// Whether a finding that is not ignored, of this severity and type, fails the run.
    public func fails(severity: Severity, type: FindingType) -> Bool {
        guard let types else { return severity == .error }
        return types.contains(type)
    }
}
