import LiveState

/// A cluster whose connection could not even be set up (a context that is not in the kubeconfig,
/// no service account): reading it fails with that reason, so that the multi-cluster run reports
/// it like an unreachable cluster instead of stopping.
struct UnavailableSource: LiveStateSource {
    let error: LiveError

    func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot {
        throw error
    }
}
