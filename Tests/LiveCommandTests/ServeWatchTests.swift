import EndpointDriftKit
import Foundation
import LiveState
import TestSupport
import Testing

/// `serve` through the watch's rough edges: a 410 lists again without losing a finding, a cut
/// stream reconnects and the next event still shows, and the API token appears in no endpoint.
@Suite("serve through relists and cut watches")
struct ServeWatchTests {
    static let token = "serve-watch-token-0c9d"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    static func endpoints(_ ips: [String], version: String) -> String {
        let addresses = ips.map { "{\"ip\":\"\($0)\"}" }.joined(separator: ",")
        return """
            {"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"\(version)"},"subsets":[{"addresses":[\(addresses)],"ports":[{"name":"http","port":5000,"protocol":"TCP"}]}]}
            """
    }

    @Test func aRelistKeepsTheFindingAndACutWatchReconnects() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        let service = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"9"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":5000,"targetPort":5000}],"clusterIP":"10.96.0.50","type":"ClusterIP"}}
            """
        server.on(
            "/api/v1/namespaces/net/services",
            respond: PagedList(
                kind: "ServiceList", apiVersion: "v1", items: [Array(service.utf8)], resourceVersion: "100"
            )
            .response)
        // The cluster serves only .1; git says .1 and .2: a missing-backend finding from the start.
        server.on(
            "/api/v1/namespaces/net/endpoints",
            respond: PagedList(
                kind: "EndpointsList", apiVersion: "v1",
                items: [Array(Self.endpoints(["192.0.2.1"], version: "10").utf8)], resourceVersion: "100"
            ).response)
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
            respond: PagedList(kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1", items: []).response)
        let (first, second, third) = (WatchFeed(), WatchFeed(), WatchFeed())
        server.on(
            "/api/v1/namespaces/net/endpoints", query: "watch=1",
            respond: [.watch(first), .watch(second), .watch(third)])
        server.on("/api/v1/namespaces/net/services", query: "watch=1", respond: .watch(WatchFeed()))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices", query: "watch=1", respond: .watch(WatchFeed()))

        let repository = try TempGitRepository()
        try repository.write(
            "net/nas.yaml",
            ServeTests.manifest("192.0.2.1").replacingOccurrences(
                of: "[{ip: 192.0.2.1}]", with: "[{ip: 192.0.2.1}, {ip: 192.0.2.2}]"))
        try repository.commitAll("nas")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 60)
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        let metric = { (line: String) in try await ServeTests.get(port, "/metrics").1.contains(line) }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        #expect(try await metric("endpoint_drift_drifted_services{cluster=\"lab\"} 1"))
        let before = try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(before.contains("\"missing-backend\"") && before.contains("192.0.2.2"), "\(before.prefix(400))")

        // 410: serve lists again; the finding is still there, and serve stays ready.
        try await ServeTests.eventually("first watch") { first.attached }
        first.expired("100")
        try await ServeTests.eventually("relisted") {
            try await metric("endpoint_drift_watch_relists_total{cluster=\"lab\"} 1")
        }
        try await ServeTests.eventually("second watch") { second.attached }
        #expect(try await ServeTests.get(port, "/readyz").0 == 200)
        #expect(try await metric("endpoint_drift_drifted_services{cluster=\"lab\"} 1"))
        let after = try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(after.contains("\"missing-backend\"") && after.contains("192.0.2.2"), "\(after.prefix(400))")

        // A cut connection: serve watches again, and an event on the new stream shows.
        second.cut()
        try await ServeTests.eventually("third watch") { third.attached }
        #expect(!(try await metric("endpoint_drift_watch_reconnects_total{cluster=\"lab\"} 0")))
        third.send("MODIFIED", Self.endpoints(["192.0.2.1", "192.0.2.2"], version: "120"))
        try await ServeTests.eventually("in sync after the event") {
            try await metric("endpoint_drift_drifted_services{cluster=\"lab\"} 0")
        }
        var shown = ""
        for path in ["/metrics", "/healthz", "/readyz", "/report"] { shown += try await ServeTests.get(port, path).1 }
        shown += try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(!shown.contains(Self.token))
        serving.cancel()
        _ = await serving.result
    }

    /// The last kind to be listed is empty: its list touches no Service, and serve must still
    /// compute its first report and become ready.
    @Test func readyWhenTheListThatCompletesTheSyncIsEmpty() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        server.on(
            "/api/v1/namespaces/net/services",
            respond: PagedList(kind: "ServiceList", apiVersion: "v1", items: [], resourceVersion: "100").response)
        server.on(
            "/api/v1/namespaces/net/endpoints",
            respond: PagedList(
                kind: "EndpointsList", apiVersion: "v1",
                items: [Array(Self.endpoints(["192.0.2.1"], version: "10").utf8)], resourceVersion: "100"
            ).response)
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
            respond: .delayed(
                seconds: 2,
                PagedList(
                    kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1", items: [], resourceVersion: "100"
                )
                .response))
        for path in [
            "/api/v1/namespaces/net/endpoints", "/api/v1/namespaces/net/services",
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
        ] {
            server.on(path, query: "watch=1", respond: .watch(WatchFeed()))
        }
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 60)
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        #expect(try await ServeTests.get(port, "/metrics").1.contains("endpoint_drift_up{cluster=\"lab\"} 1"))
        serving.cancel()
        _ = await serving.result
    }

    /// A server without discovery.k8s.io/v1 (before 1.21): serve watches Endpoints and Services
    /// only, says so in the report, and becomes ready (slices are not retried for ever).
    @Test func withoutDiscoveryV1SlicesAreNotWatched() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        server.on(
            "/apis/discovery.k8s.io/v1",
            respond: .status(404, reason: "NotFound", message: "the server could not find the requested resource"))
        server.on(
            "/api/v1/namespaces/net/services",
            respond: PagedList(kind: "ServiceList", apiVersion: "v1", items: [], resourceVersion: "100").response)
        server.on(
            "/api/v1/namespaces/net/endpoints",
            respond: PagedList(
                kind: "EndpointsList", apiVersion: "v1",
                items: [Array(Self.endpoints(["192.0.2.1"], version: "10").utf8)], resourceVersion: "100"
            ).response)
        for path in ["/api/v1/namespaces/net/endpoints", "/api/v1/namespaces/net/services"] {
            server.on(path, query: "watch=1", respond: .watch(WatchFeed()))
        }
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 60)
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        let json = try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(json.contains("discovery.k8s.io/v1 is not served"), "\(json.prefix(600))")
        #expect(
            try await ServeTests.get(port, "/metrics").1.contains("endpoint_drift_up{cluster=\"lab\"} 1"))
        #expect(!server.requests.contains { $0.path.contains("endpointslices") })
        serving.cancel()
        _ = await serving.result
    }

    /// Ten namespaces: thirty watches held open at once, more than AsyncHTTPClient's default HTTP/1.1
    /// pool (8) serves. Every watch must start at once, not after others failed (with the old pool the
    /// late ones started only when an idle watch timed out, a minute or more later), and deliver.
    @Test func manyNamespacesAllDeliverTheirEvents() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        var feeds: [WatchFeed] = []
        for index in 0..<10 {
            let namespace = "ns\(index)"
            let json = { (text: String) in
                text.replacingOccurrences(of: "\"namespace\":\"net\"", with: "\"namespace\":\"\(namespace)\"")
            }
            let service = """
                {"kind":"Service","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"9"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":5000,"targetPort":5000}],"type":"ClusterIP"}}
                """
            feeds.append(
                WatchedNamespace(
                    namespace, on: server, services: [json(service)],
                    endpoints: [json(Self.endpoints(["192.0.2.1"], version: "10"))]
                ).endpoints)
            try repository.write(
                "\(namespace).yaml",
                ServeTests.manifest("192.0.2.1").replacingOccurrences(
                    of: "namespace: net", with: "namespace: \(namespace)"))
        }
        try repository.commitAll("ten namespaces")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 60)
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        #expect(
            try await ServeTests.get(port, "/metrics").1.contains(
                "endpoint_drift_drifted_services{cluster=\"lab\"} 0"))
        // Every Endpoints watch is open without any watch having failed first.
        try await ServeTests.eventually("every Endpoints watch open") { feeds.allSatisfy(\.attached) }
        #expect(
            try await ServeTests.get(port, "/metrics").1.contains(
                "endpoint_drift_watch_reconnects_total{cluster=\"lab\"} 0"))
        // Every namespace's Endpoints move: all ten Services drift.
        for (index, feed) in feeds.enumerated() {
            feed.send(
                "MODIFIED",
                Self.endpoints(["192.0.2.9"], version: "200").replacingOccurrences(
                    of: "\"namespace\":\"net\"", with: "\"namespace\":\"ns\(index)\""))
        }
        try await ServeTests.eventually("every namespace's event") {
            try await ServeTests.get(port, "/metrics").1.contains(
                "endpoint_drift_drifted_services{cluster=\"lab\"} 10")
        }
        serving.cancel()
        _ = await serving.result
    }
}
