import EndpointDriftKit
import Foundation
import LiveState
import TestSupport
import Testing

/// `serve --webhook URL --state FILE`: a post when the set of findings changes (the change-only
/// logic of `check --state`), none at start (the first report is the baseline) and none for an
/// event that changes no finding; a failed post is counted and tried again.
@Suite("serve notifies on change")
struct ServeNotifyTests {
    static let token = "serve-notify-token-4a21"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func postsOnlyWhenTheFindingsChangeAndRetriesAFailedPost() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        let service = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"9"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":5000,"targetPort":5000}],"clusterIP":"10.96.0.50","type":"ClusterIP"}}
            """
        let feed = WatchedNamespace(
            "net", on: server, services: [service], endpoints: [ServeTests.endpointsJSON("192.0.2.1", version: "10")]
        ).endpoints
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let receiver = try await LocalHTTPReceiver.start()
        defer { Task { await receiver.stop() } }
        let stateFile = home.file("state.json")
        var configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 0.2,
            log: { _ in })
        configuration.webhook = Secret(receiver.url + "/hook")
        configuration.stateFile = stateFile
        configuration.environment = [:]
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        // In sync at start, and the first report is the baseline: remembered, not posted.
        try await ServeTests.eventually("baseline remembered") { FileManager.default.fileExists(atPath: stateFile) }
        #expect(receiver.requests.isEmpty)

        // Drift: one post. The same drift again (a new resourceVersion only): no post.
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.9", version: "101"))
        try await ServeTests.eventually("the drift posted") { receiver.requests.count == 1 }
        #expect(receiver.requests.first?.body.contains("nas") == true, "\(receiver.requests.first?.body ?? "")")
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.9", version: "102"))
        // Back in sync: the second post, the resolved drift; the event between posted nothing.
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.1", version: "103"))
        try await ServeTests.eventually("the resolution posted") { receiver.requests.count >= 2 }
        #expect(receiver.requests.count == 2)

        // The webhook fails: counted, serving goes on; once it answers again the change is posted.
        receiver.answer(with: 500)
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.7", version: "104"))
        try await ServeTests.eventually("a counted failure") {
            !(try await ServeTests.get(port, "/metrics").1.contains(
                "endpoint_drift_notification_errors_total{cluster=\"lab\"} 0"))
        }
        #expect(!(try Self.read(stateFile).contains("192.0.2.7")))
        receiver.answer(with: 200)
        try await ServeTests.eventually("posted after the failure") {
            try Self.read(stateFile).contains("192.0.2.7")
        }
        #expect(!receiver.requests.contains { $0.body.contains(Self.token) })
        serving.cancel()
        _ = await serving.result
    }
}
