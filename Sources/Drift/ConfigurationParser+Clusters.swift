import Manifests

/// `clusters:`: a list of maps, one per cluster (see `ClusterEntry`). Unlike unknown top-level
/// keys, unknown keys inside an entry are errors: a misspelt `namespace:` would silently widen
/// what is read.
extension ConfigurationParser {
    func clusters(_ node: Node) throws(ConfigurationError) -> [ClusterEntry] {
        if node.isNull { return [] }
        guard case .sequence(let list) = node else {
            throw error(node, "clusters: expected a list of {name, context, paths, …}, found \(node.typeDescription)")
        }
        var entries: [ClusterEntry] = []
        var lines: [String: Int] = [:]
        for (index, item) in list.items.enumerated() {
            let entry = try cluster(item, "clusters[\(index)]")
            if let earlier = lines[entry.name] {
                throw error(item, "clusters[\(index)]: the name '\(entry.name)' is already used at line \(earlier)")
            }
            lines[entry.name] = item.span.start.line
            entries.append(entry)
        }
        return entries
    }

    private func cluster(_ node: Node, _ name: String) throws(ConfigurationError) -> ClusterEntry {
        let fields = try mapping(node, name)
        var entry = ClusterEntry(name: "", line: node.span.start.line)
        var seenName = false
        for field in fields.entries {
            let key = field.key.stringValue ?? ""
            switch key {
            case "name":
                entry.name = try text(field.value, "\(name).name")
                guard ClusterEntry.isValidName(entry.name) else {
                    throw error(
                        field.value,
                        "\(name).name: '\(entry.name)' is not a cluster name; use letters, digits, '.', '_' and '-' "
                            + "(starting with a letter or digit, at most 63)")
                }
                seenName = true
            case "context": entry.context = try text(field.value, "\(name).context")
            case "kubeconfig": entry.kubeconfig = try text(field.value, "\(name).kubeconfig")
            case "liveFile": entry.liveFile = try text(field.value, "\(name).liveFile")
            case "inCluster":
                guard case .scalar(let scalar) = field.value, case .bool(let flag) = scalar.resolved else {
                    throw error(field.value, "\(name).inCluster: expected true or false")
                }
                entry.inCluster = flag
            case "paths", "path":
                entry.paths = try strings(field.value, "\(name).\(key)")
                if entry.paths.contains(where: \.isEmpty) {
                    throw error(field.value, "\(name).\(key): a path must not be empty")
                }
            case "vars":
                entry.variableFiles = try strings(field.value, "\(name).vars")
                if entry.variableFiles.contains(where: \.isEmpty) {
                    throw error(field.value, "\(name).vars: a file name must not be empty")
                }
            case "variables":
                entry.variables = try variables(field.value, "\(name).variables")
            case "varsFromCluster":
                guard case .scalar(let scalar) = field.value, case .bool(let flag) = scalar.resolved else {
                    throw error(field.value, "\(name).varsFromCluster: expected true or false")
                }
                entry.variablesFromCluster = flag
            case "namespaces", "namespace":
                entry.namespaces = try strings(field.value, "\(name).\(key)")
                if entry.namespaces.contains(where: \.isEmpty) {
                    throw error(field.value, "\(name).\(key): a namespace must not be empty")
                }
            default:
                throw error(
                    field.key,
                    "\(name): unknown key '\(key)'; use name, context, kubeconfig, inCluster, liveFile, paths, namespaces, "
                        + "vars, variables, varsFromCluster"
                )
            }
        }
        guard seenName else { throw error(node, "\(name): 'name' is required") }
        let sources = [entry.inCluster ? "inCluster" : nil, entry.liveFile.map { _ in "liveFile" }].compactMap { $0 }
        if sources.count > 1 {
            throw error(node, "\(name) (\(entry.name)): inCluster and liveFile exclude each other; keep one")
        }
        if !sources.isEmpty, entry.context != nil || entry.kubeconfig != nil {
            throw error(
                node, "\(name) (\(entry.name)): \(sources[0]) does not use a kubeconfig; drop context and kubeconfig")
        }
        return entry
    }

    /// `{NAS_IP: 192.0.2.10}`: variable names as Flux takes them, values as text.
    private func variables(_ node: Node, _ name: String) throws(ConfigurationError) -> [String: String] {
        let fields = try mapping(node, name)
        var values: [String: String] = [:]
        for field in fields.entries {
            guard let key = field.key.stringValue, Self.isVariableName(key) else {
                throw error(field.key, "\(name): variable names are letters, digits and '_', not starting with a digit")
            }
            guard case .scalar(let scalar) = field.value, !field.value.isNull else {
                throw error(field.value, "\(name).\(key): expected text, found \(field.value.typeDescription)")
            }
            values[key] = scalar.value
        }
        return values
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return name.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F
        }
    }

    private func text(_ node: Node, _ name: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !node.isNull, !scalar.value.isEmpty else {
            throw error(node, "\(name): expected text, found \(node.typeDescription)")
        }
        return scalar.value
    }
}

extension DriftConfiguration {
    /// The entry named `name`, if the map has one.
    public func cluster(named name: String) -> ClusterEntry? {
        clusters.first { $0.name == name }
    }
}
