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

    /// The records in scope. Without a copy when all are: the records of a large cluster are
    /// hundreds of megabytes, and a copy is as large.
    public func filter(_ records: [ObjectRecord]) -> [ObjectRecord] {
        guard case .only = self, !records.allSatisfy({ contains($0.ref.namespace) }) else { return records }
        return records.filter { contains($0.ref.namespace) }
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
    /// Set by a read that kept only what a check compares (`read(scope:keeping:)`): `records` then
    /// lacks the Services this digest stands for, and a check must be given it.
    public var serviceDigest: ServiceDigest?
    /// Set by a read that kept only what a check compares, when it could build it as it read: the
    /// inventory of the records a check compares, `ServiceInventory(records:)` of
    /// `ServiceInventory.comparableLiveRecords(records, backed: serviceDigest.backed)`.
    public var liveInventory: ServiceInventory?

    public init(
        records: [ObjectRecord], observedAt: String, source: String, scope: NamespaceScope = .all, notes: [String] = [],
        failedNamespaces: [String: String] = [:], serviceDigest: ServiceDigest? = nil,
        liveInventory: ServiceInventory? = nil
    ) {
        self.serviceDigest = serviceDigest
        self.liveInventory = liveInventory
        self.records = records
        self.observedAt = observedAt
        self.source = source
        self.scope = scope
        self.notes = notes
        self.failedNamespaces = failedNamespaces
    }

    /// The snapshot restricted to `scope`: what a source whose scope only filters
    /// (`LiveStateSource.scopeOnlyFilters`) returns when asked for `scope`.
    public func narrowed(to scope: NamespaceScope) -> LiveSnapshot {
        var copy = self
        copy.records = scope.filter(records)
        copy.scope = scope
        if case .only(let namespaces) = scope {
            copy.serviceDigest = serviceDigest?.keeping { namespaces.contains($0) }
            copy.liveInventory?.removeEntries { !namespaces.contains($0.namespace) }
            copy.liveInventory?.unlinked = copy.records.filter { $0.serviceKey == nil }
        }
        return copy
    }

    /// Per-service backend sets of the live objects (an Endpoints object and its mirrored slices
    /// dedupe into one set).
    public var inventory: ServiceInventory { ServiceInventory(records: records) }
}
