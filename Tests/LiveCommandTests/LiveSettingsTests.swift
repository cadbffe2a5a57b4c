import EndpointDriftKit
import Foundation
import LiveState
import TestSupport
import Testing

/// The entry points `check` and `fix` use: `ClusterOptions` → `LiveSettings` → a snapshot.
@Suite("LiveSettings for check and fix")
struct LiveSettingsTests {
    private func settings(
        _ server: FakeKubernetesAPI, folder: TempFolder, namespaces: [String] = [], all: Bool = false,
        token: String = "settings-token"
    ) throws -> LiveSettings {
        let kubeconfig = try folder.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(token)"]))
        return LiveSettings(
            connection: ConnectionRequest(kubeconfigPath: kubeconfig), namespaces: namespaces, allNamespaces: all,
            requestTimeout: 120, environment: ConnectionEnvironment(variables: ["HOME": folder.path]))
    }

    @Test("the scope is -n/-A when given, else the desired namespaces")
    func scope() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["settings-token"]))
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        let desired = try settings(server, folder: folder)
        #expect(desired.explicitScope == nil)
        let snapshot = try await desired.read(desiredNamespaces: ["storage"])
        #expect(snapshot.scope == .only(["storage"]))
        #expect(snapshot.inventory.entries.map(\.key.description) == ["storage/ceph-rgw"])

        let explicit = try settings(server, folder: folder, namespaces: ["payments"])
        #expect(try await explicit.read(desiredNamespaces: ["storage"]).scope == .only(["payments"]))
        let all = try settings(server, folder: folder, all: true)
        #expect(try await all.read(desiredNamespaces: ["storage"]).inventory.count == 8)
    }

    @Test("failures become RunErrors naming the verb, the resource and the namespace")
    func errors() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["settings-token"]))
        defer { Task { await server.stop() } }
        server.on("/api/v1/namespaces/shop/endpoints", respond: .recorded("error-403-reader-namespace"))
        let folder = try TempFolder()
        let error = await #expect(throws: RunError.self) {
            try await settings(server, folder: folder).read(desiredNamespaces: ["shop"])
        }
        #expect(error?.operation == "list")
        #expect(error?.subject == "endpoints in namespace shop")
        #expect(error?.description.hasPrefix("list endpoints in namespace shop: ") == true)
    }
}
