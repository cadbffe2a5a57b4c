/// Something that can tell what the cluster has: the API server, or a snapshot file.
public protocol LiveStateSource: Sendable {
    func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot
}
