import EndpointDriftKit
import Foundation
import GitStore
import LiveState
import TestSupport
import Testing

/// `serve --fix-branch NAME`: when the set of findings changes, the `fix --to live` commit on top of
/// the commit served goes on NAME (set in a local repository, pushed to a remote over HTTP), each
/// fix replacing the last; nothing else moves, a branch serve did not make is left alone (and the
/// refusal counted), and nothing is committed when no drift is left. Checked with the git CLI.
@Suite("serve commits the fix to a branch")
struct ServeFixBranchTests {
    static let branch = "endpoint-drift/live"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    /// A counter of serve's in /metrics, for cluster `lab`.
    static func counter(_ port: Int, _ name: String) async throws -> Int? {
        let text = try await ServeTests.get(port, "/metrics").1
        for line in text.split(separator: "\n") where line.hasPrefix("\(name){cluster=\"lab\"} ") {
            return line.split(separator: " ").last.flatMap { Int($0) }
        }
        return nil
    }

    /// `net/nas.yaml` as the fix must write it: the manifest with the cluster's address, nothing else.
    static func fixed(_ ip: String) -> String {
        ServeTests.manifest(ip).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aLocalRepositoryGetsTheFixOnItsBranchAndNothingElseMoves() async throws {
        let feed = WatchFeed()
        let (server, live) = try await ServeRemoteTests.cluster(home: home, endpoints: feed)
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        let served = try repository.commitAll("nas")
        // Work in progress the fix must not touch: a staged file and an untracked one.
        try repository.write("net/other.yaml", "# staged\n")
        try repository.git(["add", "net/other.yaml"])
        try repository.write("notes.txt", "untracked\n")
        func untouched() throws -> [String] {
            [
                try repository.git(["rev-parse", "HEAD"]), try repository.git(["symbolic-ref", "HEAD"]),
                try repository.git(["status", "--porcelain"]), try repository.git(["ls-files", "-s"]),
                try repository.read("net/nas.yaml"), try repository.git(["branch", "--list", "main"]),
            ]
        }
        let before = try untouched()
        let log = ServeRemoteTests.Log()
        var configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path), live: live, clusterName: "lab",
            host: "127.0.0.1", port: 0, interval: 0.2, log: { log.append($0) })
        configuration.fixBranch = Self.branch
        configuration.environment = [:]
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        // In sync at start: nothing to fix.
        #expect(try await Self.counter(port, "endpoint_drift_fix_commits_total") == 0)
        #expect(try await Self.counter(port, "endpoint_drift_fix_errors_total") == 0)

        // The cluster moves to .9: the fix (git says .9) is committed on the branch, on top of HEAD.
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.9", version: "101"))
        try await ServeTests.eventually("the first fix commit") {
            try await Self.counter(port, "endpoint_drift_fix_commits_total") == 1
        }
        let first = try repository.git(["rev-parse", "refs/heads/\(Self.branch)"])
        #expect(try repository.git(["rev-parse", "\(first)^"]) == served)
        #expect(try repository.git(["rev-list", "--count", "\(served)..\(first)"]) == "1")
        #expect(try repository.git(["diff", "--name-only", served, first]) == "net/nas.yaml")
        #expect(try repository.git(["show", "\(first):net/nas.yaml"]) == Self.fixed("192.0.2.9"))
        let message = try repository.git(["log", "-1", "--format=%B", first])
        #expect(message.hasPrefix("endpoint-drift: sync net/nas with the cluster"), "\(message)")
        #expect(message.hasSuffix("Endpoint-Drift-Fix-Branch: \(Self.branch)"), "\(message)")
        #expect(try untouched() == before)

        // The same drift again (a new resourceVersion only) makes nothing; the next change makes one
        // commit, which replaces the first (its parent is still the commit served).
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.9", version: "102"))
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.7", version: "103"))
        try await ServeTests.eventually("the second fix commit") {
            try await Self.counter(port, "endpoint_drift_fix_commits_total") == 2
        }
        let second = try repository.git(["rev-parse", "refs/heads/\(Self.branch)"])
        #expect(second != first)
        #expect(try repository.git(["rev-parse", "\(second)^"]) == served)
        #expect(try repository.git(["show", "\(second):net/nas.yaml"]) == Self.fixed("192.0.2.7"))
        #expect(log.text.components(separatedBy: "fix commit ").count == 3, "\(log.text)")
        #expect(!log.text.contains("already holds"), "\(log.text)")
        #expect(try untouched() == before)

        // Someone points the branch at a commit of theirs: serve does not move it, and counts that.
        try repository.git(["branch", "-f", Self.branch, served])
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.5", version: "104"))
        try await ServeTests.eventually("a counted refusal") {
            try await Self.counter(port, "endpoint_drift_fix_errors_total") == 1
        }
        #expect(try repository.git(["rev-parse", "refs/heads/\(Self.branch)"]) == served)
        #expect(log.text.contains("a commit serve did not make"), "\(log.text)")
        #expect(try await Self.counter(port, "endpoint_drift_fix_commits_total") == 2)

        // Back in sync: nothing is committed and the branch stays.
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.1", version: "105"))
        try await ServeTests.eventually("no drift left") { log.text.contains("no drift left") }
        #expect(try repository.git(["rev-parse", "refs/heads/\(Self.branch)"]) == served)
        #expect(try await Self.counter(port, "endpoint_drift_fix_errors_total") == 1)
        #expect(try untouched() == before)
        serving.cancel()
        _ = await serving.result
    }

    @Test func overHTTPTheFixBranchIsPushedAndNoOtherRemoteReferenceMoves() async throws {
        guard GitHTTPServer.isAvailable else {
            Issue.record("git http-backend is not installed")
            return
        }
        let feed = WatchFeed()
        let (server, live) = try await ServeRemoteTests.cluster(home: home, endpoints: feed)
        defer { Task { await server.stop() } }
        let (root, bare, work) = try ServeRemoteTests.bareRemote()
        func remote(_ arguments: [String]) throws -> String {
            try TempGitRepository.run("/usr/bin/env", ["git", "--git-dir=\(bare)"] + arguments)
        }
        try remote(["branch", "release", "main"])
        try remote(["tag", "v1", "main"])
        let main = try remote(["rev-parse", "refs/heads/main"])
        func otherReferences() throws -> [Substring] {
            try remote(["for-each-ref", "--format=%(refname) %(objectname)"]).split(separator: "\n")
                .filter { !$0.hasPrefix("refs/heads/\(Self.branch) ") }
        }
        let references = try otherReferences()
        #expect(references.count == 3)
        let git = try GitHTTPServer(
            projectRoot: root.path, tokenFile: try home.write("served-token", ServeRemoteTests.gitToken + "\n"))
        let data = try TempFolder()
        let log = ServeRemoteTests.Log()
        var configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: git.url("repo.git")), live: live, clusterName: "lab",
            host: "127.0.0.1", port: 0, interval: 0.2,
            remote: ServeJob.Remote(
                url: git.url("repo.git"), branch: "main", dataDirectory: data.path,
                credentials: RemoteCredentials(.token(username: "git", token: ServeRemoteTests.gitToken))),
            log: { log.append($0) })
        configuration.fixBranch = Self.branch
        configuration.environment = [:]
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        try await ServeTests.eventually("ready") { try await ServeTests.get(port, "/readyz").0 == 200 }
        #expect((try? remote(["rev-parse", "--verify", "-q", "refs/heads/\(Self.branch)"])) == nil)

        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.9", version: "101"))
        try await ServeTests.eventually("the fix pushed") {
            try await Self.counter(port, "endpoint_drift_fix_commits_total") == 1
        }
        let first = try remote(["rev-parse", "refs/heads/\(Self.branch)"])
        #expect(try remote(["rev-parse", "\(first)^"]) == main)
        #expect(try remote(["show", "\(first):net/nas.yaml"]) == Self.fixed("192.0.2.9"))
        #expect(try remote(["log", "-1", "--format=%B", first]).hasSuffix("Endpoint-Drift-Fix-Branch: \(Self.branch)"))
        #expect(try otherReferences() == references)

        // The next change replaces the commit: a force push of that branch alone.
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.7", version: "102"))
        try await ServeTests.eventually("the second fix pushed") {
            try await Self.counter(port, "endpoint_drift_fix_commits_total") == 2
        }
        let second = try remote(["rev-parse", "refs/heads/\(Self.branch)"])
        #expect(second != first)
        #expect(try remote(["rev-parse", "\(second)^"]) == main)
        #expect(try remote(["rev-list", "--count", "\(main)..\(second)"]) == "1")
        #expect(try remote(["show", "\(second):net/nas.yaml"]) == Self.fixed("192.0.2.7"))
        #expect(try otherReferences() == references)

        // A person pushes a commit of theirs to the branch: serve leaves it, and counts that.
        try work.write("README.md", "mine\n")
        let theirs = try work.commitAll("a person's fix")
        try work.git(["push", "-q", "--force", bare, "HEAD:refs/heads/\(Self.branch)"])
        feed.send("MODIFIED", ServeTests.endpointsJSON("192.0.2.5", version: "103"))
        try await ServeTests.eventually("a counted refusal") {
            try await Self.counter(port, "endpoint_drift_fix_errors_total") == 1
        }
        #expect(try remote(["rev-parse", "refs/heads/\(Self.branch)"]) == theirs)
        #expect(log.text.contains("a commit serve did not make"), "\(log.text)")
        #expect(try otherReferences() == references)
        #expect(try await Self.counter(port, "endpoint_drift_fix_commits_total") == 2)

        // The token was sent (the pushes went through) and is shown and stored nowhere.
        #expect(!log.text.contains(ServeRemoteTests.gitToken))
        let stored = try ProcessRunner.run(
            "/usr/bin/env", ["grep", "-r", "-l", "-a", ServeRemoteTests.gitToken, data.path])
        #expect(stored.stdout.isEmpty, "the token was written in the clone: \(stored.stdout)")
        serving.cancel()
        _ = await serving.result
    }

    @Test func theFollowedBranchAndAnInvalidNameAreRefusedAtStart() async throws {
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let live = LiveSettings(
            connection: ConnectionRequest(kubeconfigPath: home.file("none")),
            environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil))
        for (revision, name, expected) in [
            ("HEAD", "main", "is the branch serve reads"), ("main", "main", "is the branch serve reads"),
            ("HEAD", "no..dots", "not a valid branch name"),
        ] {
            var configuration = ServeJob.Configuration(
                check: CheckJob.Configuration(repositoryPath: repository.path, revision: revision), live: live,
                host: "127.0.0.1", port: 0, log: { _ in })
            configuration.fixBranch = name
            let error = await #expect(throws: RunError.self) { try await ServeJob.run(configuration) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(revision) \(name)")
        }
        var configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: "file:///nowhere"), live: live, host: "127.0.0.1", port: 0,
            remote: ServeJob.Remote(url: "file:///nowhere", branch: "live", dataDirectory: home.file("data")),
            log: { _ in })
        configuration.fixBranch = "live"
        let error = await #expect(throws: RunError.self) { try await ServeJob.run(configuration) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("is the followed --branch"))
    }
}
