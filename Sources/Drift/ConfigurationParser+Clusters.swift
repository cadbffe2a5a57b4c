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
            case "namespaces", "namespace":
                entry.namespaces = try strings(field.value, "\(name).\(key)")
                if entry.namespaces.contains(where: \.isEmpty) {
                    throw error(field.value, "\(name).\(key): a namespace must not be empty")
                }
            default:
                throw error(
                    field.key,
                    "\(name): unknown key '\(key)'; use name, context, kubeconfig, inCluster, liveFile, paths, namespaces"
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
