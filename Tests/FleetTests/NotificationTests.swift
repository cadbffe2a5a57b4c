import Foundation
import TestSupport
import Testing

/// `--webhook` with `--state`: a POST only when the findings changed, to a local receiver.
@Suite(.serialized) struct NotificationTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    /// A repository defining `shop/orders-db` with 10.0.0.1 and .2, and a cluster map whose `prod`
    /// reads the snapshot file the test rewrites between runs.
    func setUp() throws -> (FleetHarness, String) {
        let harness = try FleetHarness()
        let snapshot = harness.home.file("prod-live.yaml")
        try FileManager.default.removeItem(atPath: harness.repository.path + "/apps")
        try harness.repository.write(
            "prod/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")))
        try harness.commitMap(["- name: prod\n  liveFile: \(snapshot)\n  paths: [prod]"])
        return (harness, snapshot)
    }

    func live(_ addresses: String, at path: String) throws {
        try DriftFixtures.documents(service, endpoints(addresses)).write(
            toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func postsNewThenNothingThenResolved() async throws {
        let receiver = try await LocalHTTPReceiver.start()
        let (harness, snapshot) = try setUp()
        let state = harness.home.file("state/endpoint-drift.json")
        let arguments = [
            "check", "--all-clusters", "--webhook", receiver.url + "/hooks/T000/B000", "--state", state, "-o",
            "json=r.json",
        ]

        try live("{ip: 10.0.0.1}", at: snapshot)
        let first = try await harness.run(arguments)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(receiver.requests.count == 1)
        let post = try #require(receiver.requests.first)
        #expect(post.method == "POST" && post.path == "/hooks/T000/B000")
        #expect(post.header("Content-Type") == "application/json")
        let body = try FleetHarness.json(post.body)
        let text = try #require(body["text"] as? String)
        #expect(
            text.hasPrefix(
                "*endpoint-drift*: 1 new finding\n*New findings*\n🔴 `prod` shop/orders-db — missing-backend: 10.0.0.2:5432/TCP"
            ))
        #expect(text.contains("(prod/db.yaml:"))
        #expect((body["new"] as? [[String: Any]])?.first?["type"] as? String == "missing-backend")
        var remembered = try FleetHarness.json(try String(contentsOfFile: state, encoding: .utf8))
        #expect((remembered["lastRun"] as? [String: Any])?["notified"] as? Bool == true)

        // Same drift: silent. Line numbers do not matter, only what drifted.
        try harness.repository.write(
            "prod/db.yaml",
            "# a comment moves every line\n"
                + DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")))
        try harness.repository.commitAll("comment")
        let second = try await harness.run(arguments)
        #expect(second.status == 1)
        #expect(receiver.requests.count == 1)
        remembered = try FleetHarness.json(try String(contentsOfFile: state, encoding: .utf8))
        #expect((remembered["lastRun"] as? [String: Any])?["changed"] as? Bool == false)

        // The backend came back: resolved.
        try live("{ip: 10.0.0.1}, {ip: 10.0.0.2}", at: snapshot)
        let third = try await harness.run(arguments)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(receiver.requests.count == 2)
        let resolved = try FleetHarness.json(receiver.requests[1].body)
        #expect(
            (resolved["text"] as? String)?.hasPrefix(
                "*endpoint-drift*: 1 resolved\n*Resolved*\n✅ `prod` shop/orders-db — missing-backend") == true)
        #expect((resolved["resolved"] as? [[String: Any]])?.count == 1)
        await receiver.stop()
    }

    @Test func aFailedPostLeavesTheStateForTheNextRunAndHidesTheURL() async throws {
        let receiver = try await LocalHTTPReceiver.start()
        receiver.answer(with: 500)
        let (harness, snapshot) = try setUp()
        try live("{ip: 10.0.0.1}", at: snapshot)
        let state = harness.home.file("state.json")
        let secretPath = "/services/T0001/B0002/s3cr3t-w3bh00k-p4th"
        let arguments = [
            "check", "--all-clusters", "--webhook", receiver.url + secretPath, "--state", state, "-o", "json=r.json",
        ]
        let failed = try await harness.run(arguments, environment: ["ENDPOINT_DRIFT_WEBHOOK_TOKEN": "hook-token-77"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("post the notification to \(receiver.url): the receiver answered 500"))
        #expect(!failed.stderr.contains("s3cr3t") && !failed.stdout.contains("s3cr3t"))
        #expect(!failed.stderr.contains("hook-token-77"))
        #expect(receiver.requests.first?.header("Authorization") == "Bearer hook-token-77")
        #expect(!FileManager.default.fileExists(atPath: state))

        receiver.answer(with: 200)
        let retried = try await harness.run(arguments)
        #expect(retried.status == 1, "\(retried.stderr)")
        #expect(receiver.requests.count == 2)
        #expect(FileManager.default.fileExists(atPath: state))
        await receiver.stop()
    }

    @Test func aBrokenStateFileStopsTheRunBeforeAnything() async throws {
        let receiver = try await LocalHTTPReceiver.start()
        let (harness, snapshot) = try setUp()
        try live("{ip: 10.0.0.1}", at: snapshot)
        let state = try harness.home.write("state.json", "{\"not\": \"ours\"}")
        let result = try await harness.run(
            ["check", "--all-clusters", "--webhook", receiver.url, "--state", state, "-o", "json=r.json"])
        await receiver.stop()
        #expect(result.status == 2)
        #expect(result.stderr.contains("read state file \(state): it has schemaVersion (none)"))
        #expect(receiver.requests.isEmpty)
    }

    @Test func theStateAloneTellsScriptsWhatIsNew() async throws {
        let (harness, snapshot) = try setUp()
        try live("{ip: 10.0.0.1}", at: snapshot)
        let state = harness.home.file("state.json")
        _ = try await harness.run(["check", "--all-clusters", "--state", state, "-o", "json=r.json"])
        let remembered = try FleetHarness.json(try String(contentsOfFile: state, encoding: .utf8))
        let lastRun = try #require(remembered["lastRun"] as? [String: Any])
        #expect(lastRun["changed"] as? Bool == true)
        #expect(lastRun["notified"] as? Bool == false)
        #expect((lastRun["new"] as? [[String: Any]])?.first?["service"] as? String == "shop/orders-db")
        let clusters = try #require(remembered["clusters"] as? [String: Any])
        #expect(((clusters["prod"] as? [String: Any])?["findings"] as? [Any])?.count == 1)
    }

    /// The state file keeps each finding's backend, so a later run's "resolved" list is grouped as
    /// the first run's "new" list was: one line for an address on two ports.
    @Test func newAndResolvedAreGroupedPerAddressThroughTheStateFile() async throws {
        let receiver = try await LocalHTTPReceiver.start()
        let (harness, snapshot) = try setUp()
        let twoPortService = DriftFixtures.service(
            "orders-db", ports: "- {name: pg, port: 5432}\n- {name: repl, port: 5433}")
        let twoPorts = { (addresses: String) in
            DriftFixtures.documents(
                twoPortService,
                DriftFixtures.endpoints(
                    "orders-db",
                    subsets: "- addresses: [\(addresses)]\n  ports: [{name: pg, port: 5432}, {name: repl, port: 5433}]")
            )
        }
        try harness.repository.write("prod/db.yaml", twoPorts("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))
        try harness.repository.commitAll("two ports")
        let state = harness.home.file("state.json")
        let arguments = ["check", "--all-clusters", "--webhook", receiver.url, "--state", state, "-o", "json=r.json"]

        try twoPorts("{ip: 10.0.0.1}").write(toFile: snapshot, atomically: true, encoding: .utf8)
        let first = try await harness.run(arguments)
        #expect(first.status == 1, "\(first.stderr)")
        let new = try FleetHarness.json(try #require(receiver.requests.first).body)
        let newText = try #require(new["text"] as? String)
        #expect(newText.hasPrefix("*endpoint-drift*: 2 new findings\n*New findings*\n"))
        #expect(
            newText.contains(
                "🔴 `prod` shop/orders-db — missing-backend: 10.0.0.2 on 5432/TCP (pg), 5433/TCP (repl) is in git but not served by the cluster (prod/db.yaml:"
            ))
        #expect(newText.split(separator: "\n").filter { $0.hasPrefix("🔴") }.count == 1)
        #expect((new["new"] as? [Any])?.count == 2)

        try twoPorts("{ip: 10.0.0.1}, {ip: 10.0.0.2}").write(toFile: snapshot, atomically: true, encoding: .utf8)
        let second = try await harness.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(receiver.requests.count == 2)
        let resolved = try FleetHarness.json(receiver.requests[1].body)
        let resolvedText = try #require(resolved["text"] as? String)
        #expect(
            resolvedText.contains(
                "✅ `prod` shop/orders-db — missing-backend: 10.0.0.2 on 5432/TCP (pg), 5433/TCP (repl) is in git"))
        #expect(resolvedText.split(separator: "\n").filter { $0.hasPrefix("✅") }.count == 1)
        await receiver.stop()
    }
}
