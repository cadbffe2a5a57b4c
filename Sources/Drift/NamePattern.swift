import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A shell glob (`*`, `?`, `[a-z]`) for namespaces and Services. A Service pattern `namespace/name`
/// matches both parts; a pattern without `/` matches the Service name in any namespace.
public struct NamePattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let namespacePart: String?
    private let namePart: String

    public init(_ pattern: String) {
        self.pattern = pattern
        if let slash = pattern.firstIndex(of: "/") {
            namespacePart = String(pattern[..<slash])
            namePart = String(pattern[pattern.index(after: slash)...])
        } else {
            namespacePart = nil
            namePart = pattern
        }
    }

    public var description: String { pattern }

    /// For namespace lists: the whole pattern against the namespace.
    public func matches(namespace: String) -> Bool { Self.glob(pattern, namespace) }

    public func matches(_ service: ServiceKey) -> Bool {
        if let namespacePart, !Self.glob(namespacePart, service.namespace) { return false }
        return Self.glob(namePart, service.name)
    }

    /// fnmatch(3) without flags: Kubernetes names hold no `/` or leading dot that would need them.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}

/// `include` and `exclude` patterns: included when no include pattern is given or one matches,
/// and no exclude pattern matches.
public struct PatternFilter: Sendable, Hashable {
    public var include: [NamePattern]
    public var exclude: [NamePattern]

    public init(include: [NamePattern] = [], exclude: [NamePattern] = []) {
        self.include = include
        self.exclude = exclude
    }

    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    public func admits(namespace: String) -> Bool {
        (include.isEmpty || include.contains { $0.matches(namespace: namespace) })
            && !exclude.contains { $0.matches(namespace: namespace) }
    }

    public func admits(_ service: ServiceKey) -> Bool {
        (include.isEmpty || include.contains { $0.matches(service) }) && !exclude.contains { $0.matches(service) }
    }
}
