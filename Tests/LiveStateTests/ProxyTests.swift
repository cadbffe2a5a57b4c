import Foundation
import LiveState
import TestSupport
import Testing

@Suite("proxy-url sends the connection through the proxy")
struct ProxyTests {
    @Test("HTTP CONNECT proxy, with and without proxy credentials")
    func httpConnect() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let proxy = try TestProxy(credentials: "proxy-user:proxy-pass")
        let kubeconfig = KubeconfigText.single(
            cluster: try KubeconfigText.cluster(server) + [
                "proxy-url: http://proxy-user:proxy-pass@127.0.0.1:\(proxy.port)"
            ],
            user: ["token: \(Harness.token)"])
        let snapshot = try await Harness.source(kubeconfig: kubeconfig, in: folder).read(scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)
        #expect(!proxy.tunnels.isEmpty)
        #expect(Set(proxy.tunnels) == ["CONNECT 127.0.0.1:\(server.port)"])

        let withoutCredentials = KubeconfigText.single(
            cluster: try KubeconfigText.cluster(server) + ["proxy-url: http://127.0.0.1:\(proxy.port)"],
            user: ["token: \(Harness.token)"])
        let error = await #expect(throws: LiveError.self) {
            try await Harness.source(kubeconfig: withoutCredentials, in: folder).read(scope: .only(["shop"]))
        }
        #expect(error?.message.contains("the proxy asks for authentication (407)") == true)
        #expect(error?.description.contains("proxy-pass") == false)
    }

    @Test("SOCKS5 proxy")
    func socks5() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let proxy = try TestProxy()
        let kubeconfig = KubeconfigText.single(
            cluster: try KubeconfigText.cluster(server) + ["proxy-url: socks5://127.0.0.1:\(proxy.port)"],
            user: ["token: \(Harness.token)"])
        let snapshot = try await Harness.source(kubeconfig: kubeconfig, in: folder).read(scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)
        #expect(Set(proxy.tunnels) == ["SOCKS 127.0.0.1:\(server.port)"])
    }
}
