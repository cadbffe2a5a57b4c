import Manifests

/// Value-level edits of a parsed object, for the transformations a build applies (namespace,
/// names, labels, patches, substituted variables). New nodes take the span of the node they are
/// added to, so that lines still point into the file the object came from.
extension Node {
    /// The node at a path of mapping keys.
    func value(at path: [String]) -> Node? {
        var node = self
        for key in path {
            guard let next = node.mapping?[key] else { return nil }
            node = next
        }
        return node
    }

    /// A copy with `value` at a path of mapping keys; missing or null maps on the way are created.
    func setting(_ path: [String], to value: Node) -> Node {
        guard let key = path.first else { return value }
        var mapping = self.mapping ?? Mapping(entries: [], style: .block, span: span)
        let rest = Array(path.dropFirst())
        if let index = mapping.entries.firstIndex(where: { $0.key.scalar?.value == key }) {
            let child = mapping.entries[index].value
            mapping.entries[index].value = rest.isEmpty ? value : child.setting(rest, to: value)
        } else {
            let child = Node.mapping(Mapping(entries: [], style: .block, span: span))
            mapping.entries.append(
                Mapping.Entry(
                    key: .scalar(Scalar(value: key, style: .plain, span: span)),
                    value: rest.isEmpty ? value : child.setting(rest, to: value)))
        }
        return .mapping(mapping)
    }

    /// A copy without the entry at a path of mapping keys.
    func removing(_ path: [String]) -> Node {
        guard let key = path.first, var mapping = self.mapping,
            let index = mapping.entries.firstIndex(where: { $0.key.scalar?.value == key })
        else { return self }
        if path.count == 1 {
            mapping.entries.remove(at: index)
        } else {
            mapping.entries[index].value = mapping.entries[index].value.removing(Array(path.dropFirst()))
        }
        return .mapping(mapping)
    }

    /// A plain string scalar placed at this node's position.
    func string(_ text: String) -> Node {
        .scalar(Scalar(value: text, style: Self.needsQuotes(text) ? .doubleQuoted : .plain, span: span))
    }

    /// Text that a plain scalar would resolve to something other than this string.
    static func needsQuotes(_ text: String) -> Bool {
        if text.isEmpty { return true }
        let resolved = ScalarResolver.resolve(Scalar(value: text, style: .plain, span: SourceSpan.none))
        if case .string = resolved { return false }
        return true
    }

    /// The string entries of a map (labels, annotations, selectors).
    var stringPairs: [String: String] {
        var pairs: [String: String] = [:]
        for entry in mapping?.entries ?? [] {
            if let key = entry.key.scalar?.value, let value = entry.value.scalar?.value { pairs[key] = value }
        }
        return pairs
    }
}

extension SourceSpan {
    static let none = SourceSpan(start: Mark(offset: 0, line: 0, column: 0), end: Mark(offset: 0, line: 0, column: 0))
}
