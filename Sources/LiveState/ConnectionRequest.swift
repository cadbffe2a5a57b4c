/// What the user asked for on the command line: `--kubeconfig`, `--context`, `--in-cluster`.
public struct ConnectionRequest: Sendable, Hashable {
    public var kubeconfigPath: String?
    public var context: String?
    public var inCluster: Bool

    public init(kubeconfigPath: String? = nil, context: String? = nil, inCluster: Bool = false) {
        self.kubeconfigPath = kubeconfigPath
        self.context = context
        self.inCluster = inCluster
    }
}
