import EndpointDriftKit
import Foundation
import TestSupport
import Testing

/// `--prune` must not turn an incomplete live state into the deletion of most of git.
@Suite("fix --prune guard")
struct PruneGuardTests {
    @Test("an empty cluster is never pruned, not even with --prune-all")
    func emptyLiveState() async throws {
        let repository = try FixFixture.repository()
        for pruneAll in [false, true] {
            var configuration = FixFixture.configuration(repository, live: "apiVersion: v1\nkind: List\nitems: []\n")
            configuration.prune = true
            configuration.pruneAll = pruneAll
            configuration.commit = true
            await #expect {
                try await FixJob.execute(configuration)
            } throws: { error in
                let text = "\(error)"
                return text.contains("the live state has no Endpoints at all") && text.contains("never pruned")
            }
        }
        #expect(try repository.git(["branch", "--list"]).split(separator: "\n").count == 1)
        #expect(try repository.git(["status", "--porcelain"]) == "")
    }

    @Test("more than half of the desired objects needs --prune-all")
    func share() async throws {
        let repository = try FixFixture.repository()
        // Only the slice and an unrelated Endpoints: postgres and ldap (2 of 3) would go.
        let live = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Endpoints
              metadata: {name: other, namespace: db}
              subsets: [{addresses: [{ip: 10.9.9.9}], ports: [{port: 1, protocol: TCP}]}]
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata: {name: rgw, namespace: storage, labels: {kubernetes.io/service-name: rgw}}
              addressType: IPv4
              ports: [{name: s3, port: 7480, protocol: TCP}]
              endpoints:
              - addresses: ["192.168.1.10"]
              - addresses: ["192.168.1.11"]

            """
        var configuration = FixFixture.configuration(repository, live: live)
        configuration.prune = true
        configuration.commit = true
        configuration.branch = "pruned"
        await #expect {
            try await FixJob.execute(configuration)
        } throws: { error in
            "\(error)".contains("--prune would delete 2 of the 3 desired objects (66%), more than half")
                && "\(error)".contains("--prune-all")
        }
        #expect(try repository.git(["branch", "--list", "pruned"]) == "")

        configuration.pruneAll = true
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        let tree = try repository.git(["ls-tree", "-r", "--name-only", "pruned"])
        #expect(!tree.contains("ldap.json") && !tree.contains("postgres.yaml") && tree.contains("rgw.yaml"))
    }
}

@Suite("fix on a partial desired state")
struct PartialDesiredStateTests {
    @Test("an unreadable blob stops fix as it stops check (exit 2), before anything is planned or written")
    func unreadableBlob() async throws {
        let repository = try FixFixture.repository()
        let blob = try repository.git(["rev-parse", "HEAD:" + FixFixture.paths[2]]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let object = repository.path + "/.git/objects/" + blob.prefix(2) + "/" + blob.dropFirst(2)
        try FileManager.default.removeItem(atPath: object)
        var configuration = FixFixture.configuration(repository)
        configuration.prune = true
        configuration.commit = true
        await #expect {
            try await FixJob.execute(configuration)
        } throws: { error in
            "\(error)".contains(FixFixture.paths[2]) && "\(error)".contains("cannot read blob")
        }
        #expect(try repository.git(["branch", "--list"]).split(separator: "\n").count == 1)
    }
}
