/// Typed access to a mapping's fields that names the field path in every error, e.g.
/// `subsets[0].ports[1].port: expected a number, found the string "http"`.
struct FieldReader {
    let mapping: Mapping
    let path: String

    init(_ mapping: Mapping, path: String) {
        self.mapping = mapping
        self.path = path
    }

    /// Reads `node` as a mapping, or fails naming `path`.
    init(node: Node, path: String) throws(ManifestError) {
        guard case .mapping(let mapping) = node else {
            throw Self.wrongType(path: path, expected: "a map", found: node)
        }
        self.init(mapping, path: path)
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The node of a field that is present and not null.
    func node(_ key: String) -> Node? {
        guard let node = mapping[key], !node.isNull else { return nil }
        return node
    }

    func string(_ key: String) throws(ManifestError) -> String? {
        guard let node = node(key) else { return nil }
        guard let text = node.stringValue else {
            throw Self.wrongType(path: childPath(key), expected: "a string", found: node)
        }
        return text
    }

    func requiredString(_ key: String) throws(ManifestError) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw ManifestError(
                kind: .missingField, at: mapping.span.start, "\(childPath(key)) is required")
        }
        return text
    }

    func int(_ key: String) throws(ManifestError) -> Int? {
        guard let node = node(key) else { return nil }
        if case .scalar(let scalar) = node {
            switch scalar.resolved {
            case .int(let value): return value
            case .float(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
            default: break
            }
        }
        throw Self.wrongType(path: childPath(key), expected: "a number", found: node)
    }

    func bool(_ key: String) throws(ManifestError) -> Bool? {
        guard let node = node(key) else { return nil }
        if case .scalar(let scalar) = node, case .bool(let value) = scalar.resolved { return value }
        throw Self.wrongType(path: childPath(key), expected: "true or false", found: node)
    }

    /// An int-or-string field such as `targetPort`, as text.
    func intOrString(_ key: String) throws(ManifestError) -> String? {
        guard let node = node(key) else { return nil }
        if case .scalar(let scalar) = node {
            switch scalar.resolved {
            case .int(let value): return String(value)
            case .string(let text): return text
            default: break
            }
        }
        throw Self.wrongType(path: childPath(key), expected: "a number or a string", found: node)
    }

    func object(_ key: String) throws(ManifestError) -> FieldReader? {
        guard let node = node(key) else { return nil }
        return try FieldReader(node: node, path: childPath(key))
    }

    /// The items of a list field with their paths (`ports[2]`); empty when absent.
    func list(_ key: String) throws(ManifestError) -> [(node: Node, path: String)] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else {
            throw Self.wrongType(path: childPath(key), expected: "a list", found: node)
        }
        let base = childPath(key)
        return sequence.items.enumerated().map { ($0.element, "\(base)[\($0.offset)]") }
    }

    /// Whether the field is written and not null (to tell "absent" from "empty").
    func isPresent(_ key: String) -> Bool { node(key) != nil }

    /// A map of strings such as `labels` or `selector`.
    func stringMap(_ key: String) throws(ManifestError) -> [String: String] {
        guard let node = node(key) else { return [:] }
        guard case .mapping(let mapping) = node else {
            throw Self.wrongType(path: childPath(key), expected: "a map of strings", found: node)
        }
        var result: [String: String] = [:]
        for entry in mapping.entries {
            guard let name = entry.key.stringValue ?? entry.key.scalar?.value else { continue }
            if entry.value.isNull {
                result[name] = ""
                continue
            }
            guard let value = entry.value.stringValue else {
                throw Self.wrongType(
                    path: "\(childPath(key)).\(name)", expected: "a string (quote it: \"...\")", found: entry.value)
            }
            result[name] = value
        }
        return result
    }

    static func wrongType(path: String, expected: String, found: Node) -> ManifestError {
        ManifestError(
            kind: .wrongType, at: found.span.start, "\(path): expected \(expected), found \(found.typeDescription)")
    }
}
