import Manifests

/// Which namespaces a live read covers.
public enum NamespaceScope: Sendable, Hashable {
    /// `-A`: every namespace.
    case all
    /// Only these.
    case only(Set<String>)

    public func contains(_ namespace: String) -> Bool {
        switch self {
        case .all: true
        case .only(let namespaces): namespaces.contains(namespace)
        }
    }
}

/// What the cluster has: Services, Endpoints and EndpointSlices as read at one moment.
public struct LiveSnapshot: Sendable {
    /// Live objects; `ref.namespace` as the API server returned it.
    public var records: [ObjectRecord]
    /// RFC 3339 time the read finished.
    public var observedAt: String
    /// Where it came from, for reports and commit messages: "context prod (https://…)", "file live.json".
    public var source: String
    /// The namespaces read.
    public var scope: NamespaceScope
    /// Things worth telling the user that are not errors (the EndpointSlice fallback, objects that
    /// could not be decoded). API `Warning` headers are not here: they go to stderr only, so that
    /// machine output never carries them.
    public var notes: [String]
    /// Namespaces that could not be read (403), with the message that says which rule to grant. No
    /// object of such a namespace is in `records`: half a namespace would look like drift.
    public var failedNamespaces: [String: String]

    public init(
        records: [ObjectRecord], observedAt: String, source: String, scope: NamespaceScope = .all, notes: [String] = [],
        failedNamespaces: [String: String] = [:]
    ) {
        self.records = records
        self.observedAt = observedAt
        self.source = source
        self.scope = scope
        self.notes = notes
        self.failedNamespaces = failedNamespaces
    }

    /// Per-service backend sets of the live objects (an Endpoints object and its mirrored slices
    /// dedupe into one set).
    public var inventory: ServiceInventory { ServiceInventory(records: records) }
}
