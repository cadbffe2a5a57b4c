import Foundation
import TestSupport
import Testing

/// A kubeconfig whose server URL is not an API server's (a Rancher URL without the cluster part, a
/// wrong proxy path) answers 404 for the lists every API server serves. `check` must not read that
/// as "no objects" (every service missing, exit 1): it exits 2 with the URL and a hint.
@Suite struct NotAnAPIServerTests {
    static let token = "not-an-api-server-token-5c2d"

    @Test func checkExitsTwoWithTheURLAndAHint() async throws {
        let home = try TempFolder()
        let api = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await api.stop() } }
        let repository = try TempGitRepository()
        let demo = Fixtures.path("demo/repo")
        for name in try FileManager.default.subpathsOfDirectory(atPath: demo) where name.hasSuffix(".yaml") {
            try repository.write(name, try String(contentsOfFile: "\(demo)/\(name)", encoding: .utf8))
        }
        try repository.commitAll("demo")
        // The fake server answers 404 for every path it does not know, as a proxy in front of nothing does.
        let server = api.serverURL + "/k8s/clusters"
        var cluster = try KubeconfigText.cluster(api)
        cluster[0] = "server: \(server)"
        let kubeconfig = try home.write(
            "kubeconfig", KubeconfigText.single(cluster: cluster, user: ["token: \(Self.token)"]))

        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", kubeconfig, "-o", "json"], home: home)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("404"), "\(result.stderr)")
        #expect(result.stderr.contains(server + "/api"), "\(result.stderr)")
        #expect(result.stderr.contains("is \(server) the API server's URL? A proxy path"), "\(result.stderr)")
        #expect(result.stderr.contains("kubectl get --raw /api/v1"))
        #expect(!result.stdout.contains("missing-live-object"))
        // It did ask the API server's paths under the given prefix (the 404 came from there).
        #expect(api.requests.contains { $0.path.hasPrefix("/k8s/clusters/api/v1") })
    }
}
