import EndpointDriftKit
import Foundation
import GitStore
import LiveState
import TestSupport
import Testing

/// `serve --repo URL --branch main --data-dir D`: a bare clone fetched with libgit2 every
/// --interval, from a `file://` remote and over HTTP with a token (`git http-backend`). A pushed
/// commit shows after the next fetch; a failed fetch is counted and logged and serving goes on;
/// the token appears in no endpoint, log line or file of the clone.
@Suite("serve follows a remote branch")
struct ServeRemoteTests {
    static let apiToken = "serve-remote-api-token-31c0"
    static let gitToken = "ghp-serve-git-secret-4f1e9a"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    /// Log lines, collected.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var text: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    /// The fake cluster of `ServeTests`: Service `net/nas` with one backend, 192.0.2.1.
    func cluster() async throws -> (FakeKubernetesAPI, LiveSettings) { try await Self.cluster(home: home) }

    /// `endpoints`: the watch of `net`'s Endpoints, for a test that changes the cluster.
    static func cluster(
        home: TempFolder, endpoints: WatchFeed = WatchFeed()
    ) async throws -> (FakeKubernetesAPI, LiveSettings) {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [apiToken]))
        let service = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"9"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":5000,"targetPort":5000}],"clusterIP":"10.96.0.50","type":"ClusterIP"}}
            """
        server.on(
            "/api/v1/namespaces/net/services",
            respond: PagedList(
                kind: "ServiceList", apiVersion: "v1", items: [Array(service.utf8)], resourceVersion: "100"
            )
            .response)
        server.on(
            "/api/v1/namespaces/net/endpoints",
            respond: PagedList(
                kind: "EndpointsList", apiVersion: "v1",
                items: [Array(ServeTests.endpointsJSON("192.0.2.1", version: "10").utf8)], resourceVersion: "100"
            ).response)
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
            respond: PagedList(kind: "EndpointSliceList", apiVersion: "discovery.k8s.io/v1", items: []).response)
        server.on("/api/v1/namespaces/net/endpoints", query: "watch=1", respond: .watch(endpoints))
        for path in ["/api/v1/namespaces/net/services", "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices"] {
            server.on(path, query: "watch=1", respond: .watch(WatchFeed()))
        }
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(apiToken)"]))
        let live = LiveSettings(
            connection: ConnectionRequest(kubeconfigPath: kubeconfig),
            environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil))
        return (server, live)
    }

    /// A working repository that pushes `net/nas.yaml` to `remote` (a bare repository's folder) with the git CLI.
    static func push(_ ip: String, from work: TempGitRepository, to remote: String) throws {
        try work.write("net/nas.yaml", ServeTests.manifest(ip))
        try work.commitAll("nas at \(ip)")
        try work.git(["push", "-q", remote, "main"])
    }

    static func metric(_ port: Int, _ line: String) async throws -> Bool {
        try await ServeTests.get(port, "/metrics").1.contains(line)
    }

    @Test func aCommitPushedToAFileRemoteShowsAfterTheNextFetchAndAFailedFetchIsCounted() async throws {
        let (server, live) = try await cluster()
        defer { Task { await server.stop() } }
        let remote = try TempGitRepository(bare: true)
        let work = try TempGitRepository()
        try Self.push("192.0.2.1", from: work, to: remote.path)
        let data = try TempFolder()
        let log = Log()
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: "file://\(remote.path)"), live: live, clusterName: "lab",
            host: "127.0.0.1", port: 0, interval: 0.2,
            remote: ServeJob.Remote(url: "file://\(remote.path)", branch: "main", dataDirectory: data.path + "/d"),
            log: { log.append($0) })
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        #expect(try await Self.metric(port, "endpoint_drift_drifted_services{cluster=\"lab\"} 0"))
        #expect(try await Self.metric(port, "endpoint_drift_git_fetch_errors_total{cluster=\"lab\"} 0"))
        // A bare clone: no working tree in the data folder.
        #expect(FileManager.default.fileExists(atPath: data.path + "/d/mirror.git/HEAD"))
        #expect(!FileManager.default.fileExists(atPath: data.path + "/d/mirror.git/net"))

        // git says .7 now; the cluster still has .1: drift after the next fetch.
        try Self.push("192.0.2.7", from: work, to: remote.path)
        try await ServeTests.eventually("drift after the push") {
            try await Self.metric(port, "endpoint_drift_drifted_services{cluster=\"lab\"} 1")
        }
        let json = try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(json.contains("192.0.2.7"), "\(json.prefix(500))")

        // The remote goes away: fetches fail, are counted and logged, and serving goes on.
        try FileManager.default.moveItem(atPath: remote.path, toPath: remote.path + ".away")
        try await ServeTests.eventually("a counted fetch error") {
            !(try await Self.metric(port, "endpoint_drift_git_fetch_errors_total{cluster=\"lab\"} 0"))
        }
        #expect(try await ServeTests.get(port, "/readyz").0 == 200)
        #expect(try await Self.metric(port, "endpoint_drift_drifted_services{cluster=\"lab\"} 1"))
        #expect(log.text.contains("git fetch failed"), "\(log.text)")

        // Back again, with a commit that agrees with the cluster.
        try FileManager.default.moveItem(atPath: remote.path + ".away", toPath: remote.path)
        try Self.push("192.0.2.1", from: work, to: remote.path)
        try await ServeTests.eventually("clean after the second push") {
            try await Self.metric(port, "endpoint_drift_drifted_services{cluster=\"lab\"} 0")
        }
        serving.cancel()
        _ = await serving.result
    }

    /// A bare repository `repo.git` in a folder of its own (what `git http-backend` serves), with a
    /// first commit (backend 192.0.2.1) pushed from a working repository.
    static func bareRemote() throws -> (root: TempFolder, bare: String, work: TempGitRepository) {
        let root = try TempFolder()
        let bare = root.file("repo.git")
        try TempGitRepository.run("/usr/bin/env", ["git", "init", "-q", "--bare", "-b", "main", bare])
        let work = try TempGitRepository()
        try push("192.0.2.1", from: work, to: bare)
        return (root, bare, work)
    }

    @Test func overHTTPWithATokenThatIsNeverShown() async throws {
        guard GitHTTPServer.isAvailable else {
            Issue.record("git http-backend is not installed")
            return
        }
        let (server, live) = try await cluster()
        defer { Task { await server.stop() } }
        let (root, bare, work) = try Self.bareRemote()
        let tokenFile = try home.write("served-token", Self.gitToken + "\n")
        let git = try GitHTTPServer(projectRoot: root.path, tokenFile: tokenFile)
        let data = try TempFolder()
        let log = Log()
        let remote = ServeJob.Remote(
            url: git.url("repo.git"), branch: "main", dataDirectory: data.path,
            credentials: RemoteCredentials(.token(username: "git", token: Self.gitToken)))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: git.url("repo.git")), live: live, clusterName: "lab",
            host: "127.0.0.1", port: 0, interval: 0.2, remote: remote,
            log: { log.append($0) })
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }

        try Self.push("192.0.2.8", from: work, to: bare)
        try await ServeTests.eventually("drift after the push") {
            try await Self.metric(port, "endpoint_drift_drifted_services{cluster=\"lab\"} 1")
        }

        // The server now wants another token: fetches fail, counted and logged without the token.
        try home.write("served-token", "another-token-entirely\n")
        try await ServeTests.eventually("a counted fetch error") {
            !(try await Self.metric(port, "endpoint_drift_git_fetch_errors_total{cluster=\"lab\"} 0"))
        }
        #expect(log.text.contains("authentication failed"), "\(log.text)")
        var shown = log.text
        for path in ["/metrics", "/healthz", "/readyz", "/report"] {
            shown += try await ServeTests.get(port, path).1
        }
        shown += try await ServeTests.get(port, "/report", accept: "application/json").1
        #expect(!shown.contains(Self.gitToken))
        #expect(!shown.contains(Self.apiToken))
        let stored = try ProcessRunner.run("/usr/bin/env", ["grep", "-r", "-l", "-a", Self.gitToken, data.path])
        #expect(stored.stdout.isEmpty, "the token was written in the clone: \(stored.stdout)")
        serving.cancel()
        _ = await serving.result
    }

    @Test func aWrongTokenAtStartFailsWithoutShowingIt() async throws {
        guard GitHTTPServer.isAvailable else {
            Issue.record("git http-backend is not installed")
            return
        }
        let (server, live) = try await cluster()
        defer { Task { await server.stop() } }
        let (root, _, _) = try Self.bareRemote()
        let git = try GitHTTPServer(projectRoot: root.path, tokenFile: try home.write("served-token", "right-one\n"))
        let data = try TempFolder()
        let log = Log()
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: git.url("repo.git")), live: live, host: "127.0.0.1",
            port: 0, interval: 0.2,
            remote: ServeJob.Remote(
                url: git.url("repo.git"), branch: "main", dataDirectory: data.path,
                credentials: RemoteCredentials(.token(username: "git", token: Self.gitToken))),
            log: { log.append($0) })
        let error = await #expect(throws: RunError.self) { try await ServeJob.run(configuration) }
        let text = "\(error.map { "\($0)" } ?? "")\n\(log.text)"
        #expect(text.contains("authentication failed"), "\(text)")
        #expect(!text.contains(Self.gitToken))
    }
}
