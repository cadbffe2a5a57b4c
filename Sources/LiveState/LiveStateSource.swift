import Manifests

/// Something that can tell what the cluster has: the API server, or a snapshot file.
public protocol LiveStateSource: Sendable {
    func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot

    /// Whether the source reads everything whatever the scope, the scope only filtering what it
    /// returns (a snapshot file). Such a read can start before the scope is known (`check` and `fix`
    /// read the file while they scan git) and be narrowed afterwards (`LiveSnapshot.narrowed(to:)`).
    var scopeOnlyFilters: Bool { get }

    /// As `read(scope:)`, but the source may leave out what `filter` says a check never looks at.
    func read(scope: NamespaceScope, keeping filter: LiveRecordFilter) async throws(LiveError) -> LiveSnapshot

    /// The same source with what its first read can do before the scope is known, and before git
    /// is read, begun now (the API server's connection and discovery); itself if nothing can be.
    func startingEarly() -> any LiveStateSource

    /// Ends what `startingEarly()` began, for a run that stops before it reads.
    func abandonEarlyStart()
}

extension LiveStateSource {
    public var scopeOnlyFilters: Bool { false }

    public func startingEarly() -> any LiveStateSource { self }

    public func abandonEarlyStart() {}

    /// Reads everything: the check leaves out the same records itself.
    public func read(scope: NamespaceScope, keeping filter: LiveRecordFilter) async throws(LiveError) -> LiveSnapshot {
        try await read(scope: scope)
    }
}

/// What a check compares, told to the live read so that it can leave out, as it reads, the
/// Endpoints and EndpointSlices of the Services the endpoint controllers back (almost every
/// Service of a cluster): `ServiceInventory.comparableLiveRecords` would leave them out anyway, so
/// the report is the same, with far less kept in memory.
public struct LiveRecordFilter: Sendable, Hashable {
    /// The Services git defines (head and base): their records are always kept.
    public var desired: Set<ServiceKey>

    public init(desired: Set<ServiceKey>) {
        self.desired = desired
    }
}
