import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

@Suite("Reading the recorded cluster through the fake API server")
struct APIReadTests {
    @Test("-A reads all three resources and merges Endpoints with their mirrored slices")
    func readsAllNamespaces() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder)
        let snapshot = try await source.read(scope: .all)

        #expect(Set(snapshot.inventory.entries.map(\.key.description)) == RecordedCluster.services)
        let summary = snapshot.backendSummary
        #expect(summary["shop/orders-db"] == RecordedCluster.ordersDB)
        #expect(summary["storage/ceph-rgw"] == RecordedCluster.cephRGW)
        #expect(summary["payments/ledger"] == RecordedCluster.ledger)
        #expect(summary["shop/object-store"]?.count == 8)
        #expect(summary["payments/mainframe"]?.count == 5)
        #expect(snapshot.source == "context test (\(server.serverURL))")
        #expect(snapshot.scope == .all)

        // The model keeps per-object facts: resourceVersion, managed-by, mirrored.
        let ceph = try #require(snapshot.inventory[ServiceKey(namespace: "storage", name: "ceph-rgw")])
        #expect(ceph.endpoints.count == 1)
        #expect(ceph.slices.count == 2)
        let mirrored = ceph.slices.compactMap { record -> EndpointSlice? in
            if case .endpointSlice(let slice) = record.object, slice.isMirrored { return slice }
            return nil
        }
        #expect(mirrored.map(\.metadata.name) == ["ceph-rgw-n2j6l"])
        #expect(ceph.endpoints.first?.object.metadata.resourceVersion != nil)

        let paths = Set(server.requests.map(\.path))
        #expect(
            paths == [
                "/apis/discovery.k8s.io/v1", "/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices",
                "/api/v1/services",
            ])
        for request in server.requests {
            #expect(request.header("User-Agent") == "endpoint-drift/test")
            #expect(request.authenticatedAs == "token")
        }
    }

    @Test("-n lists per namespace; a namespace that does not exist has no objects")
    func readsNamespaces() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        // An API server answers a list in a namespace that does not exist with an empty list (200).
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder)
        let snapshot = try await source.read(scope: .only(["shop", "gone"]))

        #expect(
            Set(snapshot.inventory.entries.map(\.key.description)) == [
                "shop/object-store", "shop/orders-db", "shop/web",
            ])
        #expect(snapshot.backendSummary["shop/orders-db"] == RecordedCluster.ordersDB)
        let listed = Set(server.requests.map(\.path)).subtracting(["/apis/discovery.k8s.io/v1"])
        #expect(
            listed == [
                "/api/v1/namespaces/shop/endpoints", "/api/v1/namespaces/gone/endpoints",
                "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices",
                "/apis/discovery.k8s.io/v1/namespaces/gone/endpointslices",
                "/api/v1/namespaces/shop/services", "/api/v1/namespaces/gone/services",
            ])
    }

    @Test("paging follows the recorded continue tokens with --chunk-size 2")
    func pagesWithContinueTokens() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
        let snapshot = try await source.read(scope: .all)

        let sliceRequests = server.requests.filter { $0.path == "/apis/discovery.k8s.io/v1/endpointslices" }
        // Three recorded pages, and the fourth the recording stops before.
        #expect(sliceRequests.count == 4)
        #expect(sliceRequests.allSatisfy { $0.parameter("limit") == "2" })
        #expect(sliceRequests[0].parameter("continue") == nil)
        #expect(sliceRequests[1].parameter("continue") != nil)
        let slices = snapshot.records.filter { $0.ref.kind == .endpointSlice }
        #expect(slices.count == 8)
    }

    /// The recorded slices' second page (pages of two) answers 410 Expired the first time it is
    /// asked for, as the cluster after that.
    static func expireSlicesPageTwoOnce(_ server: FakeKubernetesAPI) {
        let page2Token = "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NTk5MjgsInN0YXJ0IjoicGF5bWVudHMvbGVkZ2VyLXY2XHUwMDAwIn0"
        server.on(
            "/apis/discovery.k8s.io/v1/endpointslices", query: "continue=\(page2Token)",
            respond: [.recorded("error-410-expired-continue"), .cluster])
    }

    @Test("a 410 on a continue token restarts the list once")
    func restartsExpiredList() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        Self.expireSlicesPageTwoOnce(server)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
        let snapshot = try await source.read(scope: .all)

        let sliceRequests = server.requests.filter { $0.path == "/apis/discovery.k8s.io/v1/endpointslices" }
        // page 1, page 2 (410), then pages 1 to 4
        #expect(sliceRequests.count == 6)
        #expect(sliceRequests[2].parameter("continue") == nil)
        // No duplicates from the abandoned first pass.
        #expect(snapshot.records.filter { $0.ref.kind == .endpointSlice }.count == 8)
    }

    @Test("a second 410 fails clearly")
    func failsOnSecondExpiry() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        // The recordings: limit=1 gives page 1 of Endpoints, its continue token is answered with 410.
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 1))
        let error = await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        #expect(error?.kind == .server)
        #expect(error?.operation == "list")
        #expect(error?.resource == "endpoints")
        #expect(error?.message.contains("expired twice") == true)
        #expect(error?.message.contains("--chunk-size") == true)
        let endpointRequests = server.requests.filter { $0.path == "/api/v1/endpoints" }
        #expect(endpointRequests.count == 4)
    }

    @Test("a 404 for a list the API server must serve is an error naming the URL, not an empty namespace")
    func notFoundListIsAnError() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on(
            "/api/v1/namespaces/shop/services",
            respond: .custom(
                status: 404, headers: [("Content-Type", "text/plain")], body: Array("404 page not found".utf8)))
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder)
        await #expect {
            _ = try await source.read(scope: .only(["shop"]))
        } throws: { error in
            let message = "\(error)"
            return message.contains("\(server.serverURL)/api/v1/namespaces/shop/services")
                && message.contains("is \(server.serverURL) the API server's URL?")
        }
    }

    @Test("a URL that is not an API server's (404 for discovery and /api/v1) is an error, not 'no slices'")
    func wrongURLIsAnError() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let notFound = FakeResponse.status(
            404, reason: "NotFound", message: "the server could not find the requested resource")
        server.on("/apis/discovery.k8s.io/v1", respond: notFound)
        server.on("/api/v1", respond: notFound)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder)
        await #expect {
            _ = try await source.read(scope: .all)
        } throws: { error in
            "\(error)".contains("for \(server.serverURL)/api/v1, which every Kubernetes API server serves")
        }
    }

    @Test("without discovery.k8s.io/v1 it reads Endpoints only, with a note")
    func fallsBackWithoutEndpointSlices() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on(
            "/apis/discovery.k8s.io/v1",
            respond: .status(404, reason: "NotFound", message: "the server could not find the requested resource"))
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder)
        let snapshot = try await source.read(scope: .all)

        #expect(!server.requests.contains { $0.path.contains("endpointslices") })
        #expect(snapshot.records.allSatisfy { $0.ref.kind != .endpointSlice })
        #expect(snapshot.notes.contains { $0.contains("discovery.k8s.io/v1 is not served") })
        #expect(snapshot.backendSummary["shop/orders-db"] == RecordedCluster.ordersDB)
    }

    @Test("Warning headers are shown once per text, on the diagnostics channel only")
    func warningsOncePerText() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.warnOnEndpoints()
        let folder = try TempFolder()
        let log = DiagnosticsLog()
        let source = try Harness.tokenSource(server, in: folder, log: log)
        let snapshot = try await source.read(scope: .only(["shop", "payments", "storage"]))

        #expect(server.requests.filter { $0.path.hasSuffix("/endpoints") }.count == 3)
        #expect(
            log.lines == ["Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"])
        #expect(!snapshot.notes.contains { $0.contains("deprecated") })
    }

    @Test("a server whose certificate is not signed by the configured CA is refused")
    func refusesUntrustedServer() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let kubeconfig = KubeconfigText.single(
            cluster: ["server: \(server.serverURL)", "certificate-authority: \(server.pki.otherCACertificate)"],
            user: ["token: \(Harness.token)"])
        let source = try Harness.source(kubeconfig: kubeconfig, in: folder)
        let error = await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("TLS handshake failed") == true)
        #expect(error?.message.contains("not signed by a CA this client trusts") == true, "\(error?.message ?? "")")
        // Not BoringSSL's text, which names its own source file.
        #expect(error?.message.contains("handshake.cc") == false)
        #expect(server.requests.isEmpty)
    }

    @Test("tls-server-name verifies the certificate against another name than the address")
    func tlsServerName() async throws {
        let server = try await FakeKubernetesAPI.start(
            authentication: .init(tokens: [Harness.token]), certificate: .namesOnly)
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        // The certificate names kubernetes.test only; the connection goes to 127.0.0.1.
        let kubeconfig = KubeconfigText.single(
            cluster: [
                "server: https://127.0.0.1:\(server.port)", "certificate-authority: \(server.pki.caCertificate)",
                "tls-server-name: \(TestPKI.alternateServerName)",
            ],
            user: ["token: \(Harness.token)"])
        let snapshot = try await Harness.source(kubeconfig: kubeconfig, in: folder).read(scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)

        let wrongName = KubeconfigText.single(
            cluster: [
                "server: https://127.0.0.1:\(server.port)", "certificate-authority: \(server.pki.caCertificate)",
                "tls-server-name: not-in-the-certificate.test",
            ],
            user: ["token: \(Harness.token)"])
        let error = await #expect(throws: LiveError.self) {
            try await Harness.source(kubeconfig: wrongName, in: folder).read(scope: .only(["shop"]))
        }
        #expect(
            error?.message.contains(
                "the server's certificate does not match not-in-the-certificate.test, the tls-server-name of the kubeconfig's cluster (dialled 127.0.0.1; it names DNS:\(TestPKI.alternateServerName))"
            ) == true, "\(error?.message ?? "")")
    }

    @Test(
        "a certificate for other names: the error names the host dialled, the certificate's names and what to do",
        arguments: ["127.0.0.1", "localhost"])
    func sanMismatch(host: String) async throws {
        let server = try await FakeKubernetesAPI.start(
            authentication: .init(tokens: [Harness.token]), certificate: .elsewhere)
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let kubeconfig = KubeconfigText.single(
            cluster: ["server: https://\(host):\(server.port)", "certificate-authority: \(server.pki.caCertificate)"],
            user: ["token: \(Harness.token)"])
        let error = await #expect(throws: LiveError.self) {
            try await Harness.source(kubeconfig: kubeconfig, in: folder).read(scope: .only(["shop"]))
        }
        let message = error?.message ?? ""
        #expect(
            message.contains(
                "TLS: the server's certificate does not match \(host), the host dialled (it names "
                    + TestPKI.elsewhereNames.joined(separator: ", ") + ")"), "\(message)")
        #expect(message.contains("use the API server URL the certificate was issued for, or set tls-server-name"))
        // Not retried, and no request was ever sent with the token.
        #expect(error?.kind == .network)
        #expect(server.requests.isEmpty)

        // What the message says to do works: tls-server-name set to one of the names.
        let named = KubeconfigText.single(
            cluster: [
                "server: https://\(host):\(server.port)", "certificate-authority: \(server.pki.caCertificate)",
                "tls-server-name: api.elsewhere.test",
            ],
            user: ["token: \(Harness.token)"])
        let snapshot = try await Harness.source(kubeconfig: named, in: folder).read(scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)
    }

    @Test("insecure-skip-tls-verify is honoured, with a warning")
    func insecureSkipVerify() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let log = DiagnosticsLog()
        let kubeconfig = KubeconfigText.single(
            cluster: ["server: \(server.serverURL)", "insecure-skip-tls-verify: true"],
            user: ["token: \(Harness.token)"])
        let snapshot = try await Harness.source(kubeconfig: kubeconfig, in: folder, log: log).read(
            scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)
        #expect(log.lines.count == 1)
        #expect(log.lines.first?.contains("insecure-skip-tls-verify") == true)
    }
}
