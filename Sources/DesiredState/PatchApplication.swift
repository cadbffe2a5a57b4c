import Manifests

/// Applies kustomize patches to one object's tree: strategic merge patches with the list rules the
/// API declares for these kinds (a Service's `spec.ports` merge on `port`; Endpoints `subsets` and
/// EndpointSlice `endpoints` and `ports` are replaced whole), and JSON 6902 patches.
enum PatchApplication {
    /// Why a patch could not be applied (kustomize build fails the same way).
    struct Failure: Error {
        var message: String
    }

    /// `nil` when the patch deletes the object (`$patch: delete`).
    static func strategicMerge(_ base: Node, _ patch: Node, kind: String) -> Node? {
        merge(base, patch, path: [], kind: kind)
    }

    private static func merge(_ base: Node, _ patch: Node, path: [String], kind: String) -> Node? {
        guard let patchMap = patch.mapping else { return patch }
        switch patchMap["$patch"]?.stringValue {
        case "delete": return nil
        case "replace": return .mapping(withoutDirectives(patchMap))
        default: break
        }
        guard var result = base.mapping else { return .mapping(withoutDirectives(patchMap)) }
        for entry in patchMap.entries {
            guard let key = entry.key.scalar?.value, !key.hasPrefix("$") else { continue }
            let existing = result.entries.firstIndex { $0.key.scalar?.value == key }
            if entry.value.isNull {
                if let existing { result.entries.remove(at: existing) }
                continue
            }
            guard let existing else {
                result.entries.append(Mapping.Entry(key: entry.key, value: stripDirectives(entry.value)))
                continue
            }
            let current = result.entries[existing].value
            let childPath = path + [key]
            if current.mapping != nil && entry.value.mapping != nil {
                if let merged = merge(current, entry.value, path: childPath, kind: kind) {
                    result.entries[existing].value = merged
                } else {
                    result.entries.remove(at: existing)
                }
            } else if kind == "Service" && childPath == ["spec", "ports"], let baseItems = current.sequence,
                let patchItems = entry.value.sequence
            {
                result.entries[existing].value = .sequence(mergePorts(baseItems, patchItems, kind: kind))
            } else {
                result.entries[existing].value = stripDirectives(entry.value)
            }
        }
        return .mapping(result)
    }

    /// Service ports merge on their `port` number (`patchMergeKey:"port"`).
    private static func mergePorts(_ base: Sequence, _ patch: Sequence, kind: String) -> Sequence {
        var result = base
        for item in patch.items {
            guard let number = item.mapping?["port"]?.scalar?.value else {
                result.items.append(stripDirectives(item))
                continue
            }
            let index = result.items.firstIndex { $0.mapping?["port"]?.scalar?.value == number }
            if item.mapping?["$patch"]?.stringValue == "delete" {
                if let index { result.items.remove(at: index) }
            } else if let index {
                if let merged = merge(result.items[index], item, path: ["spec", "ports", "*"], kind: kind) {
                    result.items[index] = merged
                }
            } else {
                result.items.append(stripDirectives(item))
            }
        }
        return result
    }

    private static func withoutDirectives(_ mapping: Mapping) -> Mapping {
        var copy = mapping
        copy.entries.removeAll { $0.key.scalar?.value.hasPrefix("$") == true }
        return copy
    }

    private static func stripDirectives(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            var copy = withoutDirectives(mapping)
            for index in copy.entries.indices { copy.entries[index].value = stripDirectives(copy.entries[index].value) }
            return .mapping(copy)
        case .sequence(var sequence):
            sequence.items = sequence.items.map(stripDirectives)
            return .sequence(sequence)
        case .scalar:
            return node
        }
    }

    // MARK: JSON 6902

    /// Applies the operations of a JSON patch (`op`, `path`, `value`, `from`) in order.
    static func json6902(_ base: Node, operations: Node) throws(Failure) -> Node {
        guard let items = operations.sequence?.items else {
            throw Failure(message: "a JSON patch must be a list of operations")
        }
        var node = base
        for item in items {
            guard let op = item.mapping?["op"]?.stringValue, let path = item.mapping?["path"]?.stringValue else {
                throw Failure(message: "a JSON patch operation needs op and path (line \(item.span.start.line))")
            }
            let tokens = try pointer(path)
            switch op {
            case "add", "replace":
                guard let value = item.mapping?["value"] else {
                    throw Failure(message: "\(op) \(path) needs a value")
                }
                node = try set(node, tokens, value, adding: op == "add")
            case "remove":
                node = try remove(node, tokens)
            case "move", "copy":
                guard let from = item.mapping?["from"]?.stringValue else {
                    throw Failure(message: "\(op) \(path) needs from")
                }
                let source = try pointer(from)
                guard let value = get(node, source) else { throw Failure(message: "\(op): no value at \(from)") }
                if op == "move" { node = try remove(node, source) }
                node = try set(node, tokens, value, adding: true)
            case "test":
                guard let expected = item.mapping?["value"], let actual = get(node, tokens),
                    actual.scalar?.value == expected.scalar?.value
                else { throw Failure(message: "test \(path) failed") }
            default:
                throw Failure(message: "unknown JSON patch op '\(op)'")
            }
        }
        return node
    }

    static func pointer(_ path: String) throws(Failure) -> [String] {
        guard path.hasPrefix("/") else {
            if path.isEmpty { return [] }
            throw Failure(message: "'\(path)' is not a JSON pointer")
        }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ node: Node, _ tokens: [String]) -> Node? {
        guard let token = tokens.first else { return node }
        let rest = Array(tokens.dropFirst())
        switch node {
        case .mapping(let mapping):
            return mapping[token].flatMap { get($0, rest) }
        case .sequence(let sequence):
            guard let index = Int(token), sequence.items.indices.contains(index) else { return nil }
            return get(sequence.items[index], rest)
        case .scalar:
            return nil
        }
    }

    private static func set(_ node: Node, _ tokens: [String], _ value: Node, adding: Bool) throws(Failure) -> Node {
        guard let token = tokens.first else { return value }
        let rest = Array(tokens.dropFirst())
        switch node {
        case .mapping(var mapping):
            if let index = mapping.entries.firstIndex(where: { $0.key.scalar?.value == token }) {
                mapping.entries[index].value = try set(mapping.entries[index].value, rest, value, adding: adding)
            } else {
                guard rest.isEmpty, adding else { throw Failure(message: "no field '\(token)' to replace") }
                mapping.entries.append(
                    Mapping.Entry(key: .scalar(Scalar(value: token, style: .plain, span: value.span)), value: value))
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            if rest.isEmpty && adding {
                let index = token == "-" ? sequence.items.count : Int(token) ?? -1
                guard index >= 0 && index <= sequence.items.count else {
                    throw Failure(message: "index \(token) is out of range")
                }
                sequence.items.insert(value, at: index)
                return .sequence(sequence)
            }
            guard let index = Int(token), sequence.items.indices.contains(index) else {
                throw Failure(message: "index \(token) is out of range")
            }
            sequence.items[index] = try set(sequence.items[index], rest, value, adding: adding)
            return .sequence(sequence)
        case .scalar:
            throw Failure(message: "cannot descend into a scalar at '\(token)'")
        }
    }

    private static func remove(_ node: Node, _ tokens: [String]) throws(Failure) -> Node {
        guard let token = tokens.first else { throw Failure(message: "cannot remove the whole object") }
        let rest = Array(tokens.dropFirst())
        switch node {
        case .mapping(var mapping):
            guard let index = mapping.entries.firstIndex(where: { $0.key.scalar?.value == token }) else {
                throw Failure(message: "no field '\(token)' to remove")
            }
            if rest.isEmpty {
                mapping.entries.remove(at: index)
            } else {
                mapping.entries[index].value = try remove(mapping.entries[index].value, rest)
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            guard let index = Int(token), sequence.items.indices.contains(index) else {
                throw Failure(message: "index \(token) is out of range")
            }
            if rest.isEmpty {
                sequence.items.remove(at: index)
            } else {
                sequence.items[index] = try remove(sequence.items[index], rest)
            }
            return .sequence(sequence)
        case .scalar:
            throw Failure(message: "cannot descend into a scalar at '\(token)'")
        }
    }
}
