import Manifests

/// Which findings fail a run (exit 1). Two independent choices, combined with "and":
/// - the types: by default every finding of severity `error`; with `--fail-on TYPES` the listed types;
/// - in pull-request mode, the changes: by default lint errors the pull request introduces, drift
///   that was already there on the Services the pull request touches, and planned changes only when
///   nobody applies the merge (`--applied-by manual`); with `--fail-on planned,pre-existing,introduced`
///   the listed ones, wherever they are.
///
/// Ignored findings never fail. Outside pull-request mode findings have no change and only the
/// types count.
public struct FailPolicy: Sendable, Hashable {
    /// `nil`: by severity.
    public let types: Set<FindingType>?
    /// `nil`: the default pull-request rule.
    public let changes: Set<FindingChange>?

    public init(types: Set<FindingType>? = nil, changes: Set<FindingChange>? = nil) {
        self.types = types
        self.changes = changes
    }

    public static let bySeverity = FailPolicy()

    /// Group names `--fail-on` accepts besides the finding types.
    public static let groups = ["all", "drift", "lint", "error", "warning", "none"]

    /// Parses `--fail-on` values: finding types, the groups `all`, `drift`, `lint`, `error` (types
    /// whose severity is error), `warning`, `none`, and the pull-request changes `planned`,
    /// `pre-existing`, `introduced`; comma-separated or repeated.
    public init(parsing values: [String]) throws(ConfigurationError) {
        var selected: Set<FindingType>?
        var changes: Set<FindingChange>?
        func add(_ types: [FindingType]) { selected = (selected ?? []).union(types) }
        for value in values.flatMap({ $0.split(separator: ",") }) {
            let name = value.trimmed
            if let change = FindingChange(rawValue: name) {
                changes = (changes ?? []).union([change])
                continue
            }
            switch name {
            case "all": add(FindingType.allCases)
            case "drift": add(FindingType.allCases.filter { $0.category == .drift })
            case "lint": add(FindingType.allCases.filter { $0.category == .lint })
            case "error": add(FindingType.allCases.filter { $0.defaultSeverity == .error })
            case "warning": add(FindingType.allCases.filter { $0.defaultSeverity == .warning })
            case "none": add([])
            default:
                guard let type = FindingType(rawValue: name) else {
                    throw ConfigurationError(
                        path: "--fail-on", line: nil,
                        message:
                            "unknown finding type '\(name)'; use \(Self.groups.joined(separator: ", ")), "
                            + FindingChange.allCases.map(\.rawValue).joined(separator: ", ") + " or one of: "
                            + FindingType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                add([type])
            }
        }
        self.init(types: selected, changes: changes)
    }

    /// Outside pull-request mode: whether a finding that is not ignored fails the run.
    public func fails(_ finding: Finding) -> Bool {
        fails(finding, touched: [], appliedBy: .controller)
    }

    /// Whether a finding fails the run, given the Services the pull request touches and who applies
    /// the merge.
    public func fails(_ finding: Finding, touched: Set<ServiceKey>, appliedBy: AppliedBy) -> Bool {
        guard !finding.isIgnored, fails(severity: finding.severity, type: finding.type) else { return false }
        guard let change = finding.change else { return true }
        if let changes { return changes.contains(change) }
        switch change {
        case .introduced: return true
        case .planned: return appliedBy == .manual
        case .preExisting:
            guard finding.type.category == .drift, let service = finding.service else { return false }
            return touched.contains(service)
        }
    }

    /// Whether a finding that is not ignored, of this severity and type, passes the type choice.
    public func fails(severity: Severity, type: FindingType) -> Bool {
        guard let types else { return severity == .error }
        return types.contains(type)
    }
}
