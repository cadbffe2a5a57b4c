import Manifests

/// `.endpoint-drift.yaml`: which namespaces and Services are checked and what is ignored.
///
/// ```yaml
/// version: 1
/// namespaces:
///   include: [shop, "team-*"]        # default: every namespace
///   exclude: [kube-system]
/// services:                          # "namespace/name", or "name" in any namespace; globs
///   exclude: ["shop/legacy-*"]
/// ignore:
///   addresses: [203.0.113.99, 198.51.100.0/24]
///   findings:
///     - services: [storage/ceph-rgw]  # default: every Service
///       types: [readiness-drift]      # default: every type
///       reason: health checks flap
/// clusters:                          # for `check --all-clusters` / `--cluster NAME` (see ClusterEntry)
///   - {name: prod, context: prod-admin, paths: [clusters/prod]}
/// ```
///
/// Top-level keys this version does not know are reported as notes, not errors, so that a newer
/// file still works with an older binary.
public struct DriftConfiguration: Sendable, Hashable {
    public static let fileName = ".endpoint-drift.yaml"
    public static let supportedVersion = 1

    public var namespaces: PatternFilter
    public var services: PatternFilter
    public var ignore: IgnoreRules
    /// The cluster map, in file order; names are unique.
    public var clusters: [ClusterEntry]
    /// Keys that were not understood; reported as notes.
    public var warnings: [ConfigurationError]

    public init(
        namespaces: PatternFilter = PatternFilter(), services: PatternFilter = PatternFilter(),
        ignore: IgnoreRules = IgnoreRules(), clusters: [ClusterEntry] = [], warnings: [ConfigurationError] = []
    ) {
        self.namespaces = namespaces
        self.services = services
        self.ignore = ignore
        self.clusters = clusters
        self.warnings = warnings
    }

    /// Whether the namespace and Service filters let `service` be checked.
    public func admits(_ service: ServiceKey) -> Bool {
        namespaces.admits(namespace: service.namespace) && services.admits(service)
    }

    /// Parses the file's text; `path` names it in errors. An empty file is the default configuration.
    public static func parse(_ text: String, path: String = fileName) throws(ConfigurationError) -> DriftConfiguration {
        let documents: [Node]
        do {
            documents = try YAMLReader.documents(in: text)
        } catch {
            throw ConfigurationError(path: path, line: error.line > 0 ? error.line : nil, message: error.message)
        }
        guard let root = documents.first else { return DriftConfiguration() }
        guard documents.count == 1 else {
            throw ConfigurationError(
                path: path, line: documents[1].span.start.line, message: "expected one YAML document, found several")
        }
        if root.isNull { return DriftConfiguration() }
        return try ConfigurationParser(path: path).parse(root)
    }
}

/// Typed reading of the configuration tree, naming the file, line and key in every error.
struct ConfigurationParser {
    let path: String

    func parse(_ root: Node) throws(ConfigurationError) -> DriftConfiguration {
        let top = try mapping(root, "the file")
        var configuration = DriftConfiguration()
        for entry in top.entries {
            let key = entry.key.stringValue ?? entry.key.scalar?.value ?? ""
            switch key {
            case "version":
                guard case .scalar(let scalar) = entry.value, case .int(let version) = scalar.resolved,
                    version == DriftConfiguration.supportedVersion
                else {
                    throw error(
                        entry.value, "version: this endpoint-drift reads version \(DriftConfiguration.supportedVersion)"
                    )
                }
            case "namespaces":
                configuration.namespaces = try filter(entry.value, key)
            case "services":
                configuration.services = try filter(entry.value, key)
            case "ignore":
                configuration.ignore = try ignore(entry.value)
            case "clusters":
                configuration.clusters = try clusters(entry.value)
            default:
                configuration.warnings.append(
                    ConfigurationError(
                        path: path, line: entry.key.span.start.line,
                        message: "unknown key '\(key)' is not used by this version"))
            }
        }
        return configuration
    }

    private func filter(_ node: Node, _ name: String) throws(ConfigurationError) -> PatternFilter {
        if node.isNull { return PatternFilter() }
        let fields = try mapping(node, name)
        var filter = PatternFilter()
        for entry in fields.entries {
            let key = entry.key.stringValue ?? ""
            switch key {
            case "include": filter.include = try strings(entry.value, "\(name).include").map(NamePattern.init)
            case "exclude": filter.exclude = try strings(entry.value, "\(name).exclude").map(NamePattern.init)
            default: throw error(entry.key, "\(name): unknown key '\(key)'; use include and exclude")
            }
        }
        return filter
    }

    private func ignore(_ node: Node) throws(ConfigurationError) -> IgnoreRules {
        if node.isNull { return IgnoreRules(source: path) }
        let fields = try mapping(node, "ignore")
        var rules = IgnoreRules(source: path)
        for entry in fields.entries {
            let key = entry.key.stringValue ?? ""
            switch key {
            case "addresses":
                for (text, item) in try stringsWithNodes(entry.value, "ignore.addresses") {
                    guard let range = AddressRange(text) else {
                        throw error(item, "ignore.addresses: '\(text)' is not an IP address or CIDR block")
                    }
                    rules.addresses.append(range)
                }
            case "findings":
                guard case .sequence(let list) = entry.value else {
                    if entry.value.isNull { continue }
                    throw error(entry.value, "ignore.findings: expected a list of {services, types, reason}")
                }
                for (index, item) in list.items.enumerated() {
                    rules.findings.append(try findingRule(item, "ignore.findings[\(index)]"))
                }
            case "types":
                // Shorthand for one rule without services: these types everywhere.
                let types = try findingTypes(entry.value, "ignore.types")
                rules.findings.append(
                    IgnoreRules.FindingRule(
                        types: types, origin: "ignore.types in \(path)"))
            default:
                throw error(entry.key, "ignore: unknown key '\(key)'; use addresses, findings or types")
            }
        }
        return rules
    }

    private func findingRule(_ node: Node, _ name: String) throws(ConfigurationError) -> IgnoreRules.FindingRule {
        let fields = try mapping(node, name)
        var rule = IgnoreRules.FindingRule(origin: "\(name) in \(path)")
        for entry in fields.entries {
            let key = entry.key.stringValue ?? ""
            switch key {
            case "service", "services":
                rule.services += try strings(entry.value, "\(name).\(key)").map(NamePattern.init)
            case "type", "types":
                rule.types.formUnion(try findingTypes(entry.value, "\(name).\(key)"))
            case "reason":
                guard let text = entry.value.stringValue else {
                    throw error(entry.value, "\(name).reason: expected text")
                }
                rule.reason = text
            default:
                throw error(entry.key, "\(name): unknown key '\(key)'; use services, types and reason")
            }
        }
        return rule
    }

    private func findingTypes(_ node: Node, _ name: String) throws(ConfigurationError) -> Set<FindingType> {
        var types = Set<FindingType>()
        for (text, item) in try stringsWithNodes(node, name) {
            guard let type = FindingType(rawValue: text) else {
                throw error(
                    item,
                    "\(name): unknown finding type '\(text)'; known types: "
                        + FindingType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            types.insert(type)
        }
        return types
    }

    func strings(_ node: Node, _ name: String) throws(ConfigurationError) -> [String] {
        try stringsWithNodes(node, name).map(\.0)
    }

    /// A list of strings, or one string; numbers and bools in the list are taken as written.
    func stringsWithNodes(_ node: Node, _ name: String) throws(ConfigurationError) -> [(String, Node)] {
        switch node {
        case .scalar(let scalar):
            return node.isNull ? [] : [(scalar.value, node)]
        case .sequence(let list):
            var result: [(String, Node)] = []
            for item in list.items {
                guard case .scalar(let scalar) = item, !item.isNull else {
                    throw error(item, "\(name): expected a list of strings, found \(item.typeDescription)")
                }
                result.append((scalar.value, item))
            }
            return result
        case .mapping:
            throw error(node, "\(name): expected a list of strings, found a map")
        }
    }

    func mapping(_ node: Node, _ name: String) throws(ConfigurationError) -> Mapping {
        guard case .mapping(let mapping) = node else {
            throw error(node, "\(name): expected a map, found \(node.typeDescription)")
        }
        return mapping
    }

    func error(_ node: Node, _ message: String) -> ConfigurationError {
        ConfigurationError(path: path, line: node.span.start.line, message: message)
    }
}
