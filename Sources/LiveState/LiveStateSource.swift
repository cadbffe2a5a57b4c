/// Something that can tell what the cluster has: the API server, or a snapshot file.
public protocol LiveStateSource: Sendable {
    func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot

    /// Whether the source reads everything whatever the scope, the scope only filtering what it
    /// returns (a snapshot file). Such a read can start before the scope is known (`check` and `fix`
    /// read the file while they scan git) and be narrowed afterwards (`LiveSnapshot.narrowed(to:)`).
    var scopeOnlyFilters: Bool { get }
}

extension LiveStateSource {
    public var scopeOnlyFilters: Bool { false }
}
