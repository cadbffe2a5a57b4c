/// A YAML or JSON node with the span of text it came from.
///
/// Both readers (`YAMLReader`, `JSONReader`) produce this one tree, so that everything after
/// parsing, including positions for error messages and text edits, is format-independent.
public enum Node: Sendable, Codable {
    case scalar(Scalar)
    case sequence(Sequence)
    case mapping(Mapping)

    public var span: SourceSpan {
        switch self {
        case .scalar(let scalar): scalar.span
        case .sequence(let sequence): sequence.span
        case .mapping(let mapping): mapping.span
        }
    }

    /// A word for error messages: "a string", "a list", "a map".
    public var typeDescription: String {
        switch self {
        case .scalar(let scalar): scalar.resolved.typeDescription
        case .sequence: "a list"
        case .mapping: "a map"
        }
    }

    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The text of a scalar that resolves to a string (quoted, or plain and not a number, bool or null).
    public var stringValue: String? {
        guard case .scalar(let scalar) = self, case .string(let text) = scalar.resolved else { return nil }
        return text
    }

    /// True for a null scalar (`~`, `null`, empty).
    public var isNull: Bool {
        guard case .scalar(let scalar) = self, case .null = scalar.resolved else { return false }
        return true
    }
}

/// How a scalar was written; edits keep the style of their neighbours.
public enum ScalarStyle: String, Sendable, Hashable, Codable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// Block (indented) or flow (`[a, b]`, `{a: b}`) collections.
public enum CollectionStyle: String, Sendable, Hashable, Codable {
    case block, flow
}

/// A scalar node: its text as parsed (escapes resolved), how it was written, and an explicit tag if any.
public struct Scalar: Sendable, Codable {
    public var value: String
    public var style: ScalarStyle
    public var tag: String?
    public var span: SourceSpan

    public init(value: String, style: ScalarStyle, tag: String? = nil, span: SourceSpan) {
        self.value = value
        self.style = style
        self.tag = tag
        self.span = span
    }

    /// The scalar's value under the rules Kubernetes' YAML reader applies (see `ScalarResolver`).
    public var resolved: ResolvedScalar { ScalarResolver.resolve(self) }
}

/// A sequence node.
public struct Sequence: Sendable, Codable {
    public var items: [Node]
    public var style: CollectionStyle
    public var span: SourceSpan

    public init(items: [Node], style: CollectionStyle, span: SourceSpan) {
        self.items = items
        self.style = style
        self.span = span
    }
}

/// A mapping node; entries keep their order in the file.
public struct Mapping: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var entries: [Entry]
    public var style: CollectionStyle
    public var span: SourceSpan

    public init(entries: [Entry], style: CollectionStyle, span: SourceSpan) {
        self.entries = entries
        self.style = style
        self.span = span
    }

    /// The value for a string key, or `nil`.
    public subscript(key: String) -> Node? {
        entry(key)?.value
    }

    /// The entry for a string key, or `nil`.
    public func entry(_ key: String) -> Entry? {
        for entry in entries {
            if case .scalar(let scalar) = entry.key, scalar.value == key { return entry }
        }
        return nil
    }
}
