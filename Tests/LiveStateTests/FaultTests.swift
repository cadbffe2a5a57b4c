import Foundation
import LiveState
import TestSupport
import Testing

@Suite("A flaky or refusing API server")
struct FaultTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    private func source(
        _ server: FakeKubernetesAPI, options: APIReadOptions = Harness.options()
    ) throws -> KubernetesAPISource {
        try Harness.tokenSource(server, in: folder, options: options)
    }

    private func count(_ server: FakeKubernetesAPI, _ path: String) -> Int {
        server.requests.filter { $0.path == path }.count
    }

    @Test("a slow answer times out, named with --request-timeout, and is not retried")
    func slowAnswer() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        // Far longer than the timeout, so the error can only come from the timeout firing; the timeout
        // itself is long enough that the other (prompt) requests never hit it, even on a loaded machine
        // (discovery hit it at 3 s during a full `make test`, and at 10 s in a CI run sharing its
        // two cores).
        server.on("/api/v1/services", respond: .delayed(seconds: 180, .cluster))
        let error = await #expect(throws: LiveError.self) {
            try await source(server, options: Harness.options(requestTimeout: 40)).read(scope: .all)
        }
        #expect(error?.kind == .network)
        #expect(error?.operation == "list")
        #expect(error?.resource == "services")
        #expect(
            error?.message.hasSuffix("no complete answer within 40s (--request-timeout)") == true,
            "\(error?.message ?? "")")
        #expect(count(server, "/api/v1/services") == 1)
    }

    @Test("a body cut mid-way is retried")
    func cutBody() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: [.cutBody(.cluster, keepingBytes: 300), .cluster])
        let snapshot = try await source(server).read(scope: .all)
        #expect(snapshot.backendSummary["shop/orders-db"] == RecordedCluster.ordersDB)
        #expect(count(server, "/api/v1/endpoints") == 2)
    }

    @Test("a connection closed without an answer is retried")
    func closedConnection() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: [.closeConnection, .closeConnection, .cluster])
        let snapshot = try await source(server).read(scope: .all)
        #expect(snapshot.inventory.count == 8)
        #expect(count(server, "/api/v1/services") == 3)
    }

    @Test("429 is retried after Retry-After")
    func retryAfter() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: [.tooManyRequests(retryAfter: 1), .cluster])
        let (clock, elapsed) = RetryClock.virtual()
        var options = Harness.options()
        options.retryClock = clock
        let snapshot = try await source(server, options: options).read(scope: .all)
        #expect(elapsed() >= 1)
        #expect(snapshot.inventory.count == 8)
        #expect(count(server, "/api/v1/services") == 2)
    }

    @Test("500 then success")
    func serverErrorThenSuccess() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on(
            "/apis/discovery.k8s.io/v1/endpointslices",
            respond: [.internalError, .status(503, reason: "ServiceUnavailable", message: "x"), .cluster])
        let snapshot = try await source(server).read(scope: .all)
        #expect(snapshot.backendSummary["storage/ceph-rgw"] == RecordedCluster.cephRGW)
        #expect(count(server, "/apis/discovery.k8s.io/v1/endpointslices") == 3)
    }

    @Test("retries are bounded in attempts")
    func boundedAttempts() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: .internalError)
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .all) }
        #expect(error?.kind == .server)
        #expect(
            error?.message.hasPrefix("the API server answered 500 Internal Server Error: Internal error occurred")
                == true)
        #expect(error?.message.contains("gave up after 4 attempts") == true)
        #expect(count(server, "/api/v1/services") == 4)
    }

    @Test("retries are bounded in total time: a Retry-After past the budget stops at once")
    func boundedTime() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: .tooManyRequests(retryAfter: 30))
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .all) }
        #expect(error?.message.contains("it asked to wait 30s more, past the retry budget") == true)
        #expect(count(server, "/api/v1/services") == 1)
    }

    @Test("401 names the verb, the resource and who we are")
    func unauthorized() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["the-right-one"]))
        defer { Task { await server.stop() } }
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .only(["shop"])) }
        #expect(error?.kind == .unauthorized)
        #expect(error?.operation == "get")
        #expect(error?.resource == "discovery.k8s.io/v1")
        #expect(
            error?.message.hasPrefix(
                "the API server did not accept the credentials of user \"test-user\" of context \"test\" (401 Unauthorized: Unauthorized)"
            ) == true)
        // A static token cannot get better by asking again: no request is made twice (the lists
        // that went out beside discovery got the same answer).
        #expect(server.requests.count <= 3)
        #expect(Set(server.requests.map(\.path)).count == server.requests.count)
    }

    @Test("403 in a namespace names the namespace and the Role rule that allows it")
    func forbiddenInNamespace() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/namespaces/shop/endpoints", respond: .recorded("error-403-reader-namespace"))
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .only(["shop"])) }
        let found = try #require(error)
        #expect(found.kind == .forbidden)
        #expect(found.operation == "list")
        #expect(found.resource == "endpoints")
        #expect(found.namespace == "shop")
        #expect(
            found.description.hasPrefix(
                "list endpoints in namespace shop: user \"test-user\" of context \"test\" may not list endpoints in namespace shop (403 Forbidden: endpoints is forbidden: User \"reader\" cannot list resource \"endpoints\" in API group \"\" in the namespace \"shop\")."
            ))
        #expect(
            found.message.contains("a Role in namespace shop (or a ClusterRole) with a RoleBinding in namespace shop"))
        #expect(found.message.contains("  - apiGroups: [\"\"]\n    resources: [\"endpoints\"]\n    verbs: [\"list\"]"))
    }

    @Test("403 at the cluster scope names the ClusterRole rule for the API group")
    func forbiddenClusterWide() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/apis/discovery.k8s.io/v1/endpointslices", respond: .recorded("error-403-reader-all"))
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .all) }
        #expect(error?.resource == "endpointslices.discovery.k8s.io")
        #expect(error?.namespace == nil)
        #expect(error?.message.contains("at the cluster scope (-A)") == true)
        #expect(error?.message.contains("a ClusterRole with a ClusterRoleBinding") == true)
        #expect(
            error?.message.contains(
                "  - apiGroups: [\"discovery.k8s.io\"]\n    resources: [\"endpointslices\"]\n    verbs: [\"list\"]")
                == true)
    }

    @Test("invalid JSON is an invalid answer, not retried")
    func invalidJSON() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: .invalidJSON)
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .all) }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message.hasPrefix("the answer is not a valid EndpointsList (") == true)
        #expect(error?.message.contains("Content-Type application/json): line 1") == true)
        #expect(count(server, "/api/v1/endpoints") == 1)
    }

    @Test("another status (400) is reported with the server's message")
    func badRequest() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: .recorded("error-400-garbage-continue"))
        let error = await #expect(throws: LiveError.self) { try await source(server).read(scope: .all) }
        #expect(error?.kind == .server)
        #expect(error?.message.hasPrefix("the API server answered 400 Bad Request: invalid continue token") == true)
    }

    @Test("a refused connection fails at once")
    func connectionRefused() async throws {
        // A port held bound but not listening: a stopped server's port could be taken by a server
        // another test starts meanwhile, and the answer would then not be a refusal.
        let kubeconfig = KubeconfigText.single(
            cluster: ["server: \(try RefusingPort.url())", "insecure-skip-tls-verify: true"],
            user: ["token: \(Harness.token)"])
        let source = try Harness.source(kubeconfig: kubeconfig, in: folder)
        let error = await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("connection refused") == true, "\(error?.message ?? "")")
    }

    @Test("50,000 slices served in pages of 500")
    func largePagedList() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/apis/discovery.k8s.io/v1/endpointslices", respond: SyntheticSlices.response(total: 50_000))
        let snapshot = try await source(server, options: Harness.options(requestTimeout: 60)).read(scope: .all)
        let slices = snapshot.records.filter { $0.ref.kind == .endpointSlice }
        #expect(slices.count == 50_000)
        #expect(count(server, "/apis/discovery.k8s.io/v1/endpointslices") == 100)
        #expect(Set(slices.map(\.ref.name)).count == 50_000)
        let service = try #require(
            snapshot.inventory[.init(namespace: SyntheticSlices.identity(49_999).namespace, name: "svc-49999")])
        #expect(service.backends.count == 6)
        #expect(service.backends.backends.filter { !$0.ready }.count == 2)
    }
}
