import Manifests

/// Typed access to a kubeconfig mapping that names the file and the field path in every error.
///
/// Unlike the manifest reader, messages never quote a value: kubeconfig values are tokens, keys and
/// passwords, so "expected a string, found a number" is as far as an error goes.
struct ConfigFields {
    let mapping: Mapping
    let file: String
    let path: String

    init(_ mapping: Mapping, file: String, path: String) {
        self.mapping = mapping
        self.file = file
        self.path = path
    }

    init(node: Node, file: String, path: String) throws(LiveError) {
        guard case .mapping(let mapping) = node else {
            throw Self.error(file: file, field: path, "expected a map, found \(Self.shape(of: node))")
        }
        self.init(mapping, file: file, path: path)
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func node(_ key: String) -> Node? {
        guard let node = mapping[key], !node.isNull else { return nil }
        return node
    }

    /// A scalar's text. Plain scalars that YAML would read as numbers or booleans are taken as
    /// written, since a password or a token can look like a number.
    func string(_ key: String) throws(LiveError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            throw error(key, "expected a string, found \(Self.shape(of: node))")
        }
        return scalar.value
    }

    func secret(_ key: String) throws(LiveError) -> Secret? {
        try string(key).flatMap { $0.isEmpty ? nil : Secret($0) }
    }

    func bool(_ key: String) throws(LiveError) -> Bool? {
        guard let node = node(key) else { return nil }
        if case .scalar(let scalar) = node {
            switch scalar.value.lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        throw error(key, "expected true or false")
    }

    func object(_ key: String) throws(LiveError) -> ConfigFields? {
        guard let node = node(key) else { return nil }
        return try ConfigFields(node: node, file: file, path: field(key))
    }

    /// The items of a list field with their paths (`users[2]`); empty when absent.
    func list(_ key: String) throws(LiveError) -> [(node: Node, path: String)] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else {
            throw error(key, "expected a list, found \(Self.shape(of: node))")
        }
        return sequence.items.enumerated().map { ($0.element, "\(field(key))[\($0.offset)]") }
    }

    func strings(_ key: String) throws(LiveError) -> [String] {
        var result: [String] = []
        for item in try list(key) {
            guard case .scalar(let scalar) = item.node else {
                throw Self.error(file: file, field: item.path, "expected a string, found \(Self.shape(of: item.node))")
            }
            result.append(scalar.value)
        }
        return result
    }

    func isPresent(_ key: String) -> Bool { node(key) != nil }

    func error(_ key: String, _ message: String) -> LiveError {
        Self.error(file: file, field: field(key), message)
    }

    static func error(file: String, field: String, _ message: String) -> LiveError {
        LiveError(
            kind: .configuration, operation: "read kubeconfig", resource: file,
            message: field.isEmpty ? message : "\(field): \(message)")
    }

    /// What a node is, without its value.
    static func shape(of node: Node) -> String {
        switch node {
        case .mapping: "a map"
        case .sequence: "a list"
        case .scalar: "a scalar"
        }
    }
}
