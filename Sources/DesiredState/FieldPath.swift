import Manifests

/// A kustomize field path (`subsets.0.addresses.0.ip`, `spec.ports.[name=http].port`,
/// `endpoints.*.addresses.0`): dots separate the steps, except inside `[…]`.
struct FieldPath: Sendable, CustomStringConvertible {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
        /// `[name=http]`: the list items whose field has this value.
        case match(key: String, value: String)
        /// `*`: every item of a list.
        case all
    }

    struct Failure: Error, Sendable {
        var message: String
    }

    let text: String
    let steps: [Step]

    var description: String { text }

    init(_ text: String) {
        self.text = text
        var steps: [Step] = []
        var current = ""
        var depth = 0
        func flush() {
            defer { current = "" }
            if current == "*" {
                steps.append(.all)
            } else if current.hasPrefix("[") && current.hasSuffix("]") {
                let inner = current.dropFirst().dropLast()
                if let equals = inner.firstIndex(of: "=") {
                    steps.append(
                        .match(key: String(inner[..<equals]), value: String(inner[inner.index(after: equals)...])))
                } else {
                    steps.append(.key(String(inner)))
                }
            } else if let index = Int(current), index >= 0 {
                steps.append(.index(index))
            } else {
                steps.append(.key(current))
            }
        }
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth = max(0, depth - 1) }
            if character == "." && depth == 0 {
                flush()
            } else {
                current.append(character)
            }
        }
        flush()
        self.steps = steps
    }

    /// The nodes the path reaches (several with `*` or a `[k=v]` that matches several items).
    func nodes(in node: Node) -> [Node] {
        var current = [node]
        for step in steps {
            var next: [Node] = []
            for node in current { next += Self.children(of: node, step) }
            current = next
        }
        return current
    }

    private static func children(of node: Node, _ step: Step) -> [Node] {
        switch (step, node) {
        case (.key(let key), .mapping(let mapping)): return mapping[key].map { [$0] } ?? []
        case (.index(let index), .sequence(let sequence)):
            return sequence.items.indices.contains(index) ? [sequence.items[index]] : []
        case (.match(let key, let value), .sequence(let sequence)):
            return sequence.items.filter { $0.mapping?[key]?.scalar?.value == value }
        case (.all, .sequence(let sequence)): return sequence.items
        default: return []
        }
    }

    /// A copy of `node` with every field the path reaches replaced by `change(old)`. As kustomize:
    /// a path that reaches nothing changes nothing, unless `create` adds the missing map keys
    /// (never list items).
    func setting(
        in node: Node, create: Bool, _ change: (Node?) throws(Failure) -> Node
    ) throws(Failure) -> Node {
        if create && steps.contains(.all) {
            throw Failure(message: "\(text): options.create cannot be used with a * (kustomize refuses it)")
        }
        return try Self.set(node, steps[...], create: create, change)
    }

    private static func set(
        _ node: Node, _ steps: ArraySlice<Step>, create: Bool, _ change: (Node?) throws(Failure) -> Node
    ) throws(Failure) -> Node {
        guard let step = steps.first else { return try change(node) }
        let rest = steps.dropFirst()
        switch (step, node) {
        case (.key(let key), .mapping(var mapping)):
            if let index = mapping.entries.firstIndex(where: { $0.key.scalar?.value == key }) {
                mapping.entries[index].value = try set(mapping.entries[index].value, rest, create: create, change)
                return .mapping(mapping)
            }
            guard create else { return node }
            let empty: Node =
                if case .index? = rest.first {
                    .sequence(Sequence(items: [], style: .block, span: node.span))
                } else {
                    .mapping(Mapping(entries: [], style: .block, span: node.span))
                }
            let value = rest.isEmpty ? try change(nil) : try set(empty, rest, create: create, change)
            mapping.entries.append(
                Mapping.Entry(key: .scalar(Scalar(value: key, style: .plain, span: node.span)), value: value))
            return .mapping(mapping)
        case (.index(let index), .sequence(var sequence)):
            guard sequence.items.indices.contains(index) else { return node }
            sequence.items[index] = try set(sequence.items[index], rest, create: create, change)
            return .sequence(sequence)
        case (.match(let key, let value), .sequence(var sequence)):
            for index in sequence.items.indices where sequence.items[index].mapping?[key]?.scalar?.value == value {
                sequence.items[index] = try set(sequence.items[index], rest, create: create, change)
            }
            return .sequence(sequence)
        case (.all, .sequence(var sequence)):
            for index in sequence.items.indices {
                sequence.items[index] = try set(sequence.items[index], rest, create: create, change)
            }
            return .sequence(sequence)
        case (.key, _) where node.isNull && create:
            return try set(
                .mapping(Mapping(entries: [], style: .block, span: node.span)), steps, create: create, change)
        default:
            return node
        }
    }
}
