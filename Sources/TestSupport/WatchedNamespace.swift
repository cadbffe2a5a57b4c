/// One namespace of a cluster that `serve` lists and then watches: its three lists (at resource
/// version 100) and three watches registered on a `FakeKubernetesAPI`. The Endpoints watch is the
/// one the serve tests and the soak bench talk through; the other two stay open and quiet.
public struct WatchedNamespace {
    /// The Endpoints watch of the namespace.
    public let endpoints: WatchFeed

    /// Registers `namespace` on `server`. `services`, `endpoints` and `slices` are the items (JSON)
    /// of the first list of each kind; `servicesDelay` answers the Services list that much later (a
    /// first sync that takes time).
    public init(
        _ namespace: String, on server: FakeKubernetesAPI, services: [String] = [], endpoints: [String] = [],
        slices: [String] = [], servicesDelay: Double = 0
    ) {
        let list = { (kind: String, apiVersion: String, items: [String]) in
            PagedList(kind: kind, apiVersion: apiVersion, items: items.map { Array($0.utf8) }, resourceVersion: "100")
                .response
        }
        let servicesList = list("ServiceList", "v1", services)
        server.on(
            "/api/v1/namespaces/\(namespace)/services",
            respond: servicesDelay > 0 ? .delayed(seconds: servicesDelay, servicesList) : servicesList)
        server.on("/api/v1/namespaces/\(namespace)/endpoints", respond: list("EndpointsList", "v1", endpoints))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/\(namespace)/endpointslices",
            respond: list("EndpointSliceList", "discovery.k8s.io/v1", slices))
        let feed = WatchFeed()
        self.endpoints = feed
        server.on("/api/v1/namespaces/\(namespace)/endpoints", query: "watch=1", respond: .watch(feed))
        server.on("/api/v1/namespaces/\(namespace)/services", query: "watch=1", respond: .watch(WatchFeed()))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/\(namespace)/endpointslices", query: "watch=1",
            respond: .watch(WatchFeed()))
    }
}
