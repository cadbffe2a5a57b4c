import Drift
import Manifests
import TestSupport
import Testing

/// `--base`: the same live state checked at the base and at the head.
@Suite struct PullRequestTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    func run(base: String, head: String, live: String) -> DriftReport {
        let baseRevision = DriftReport.Revision(
            repository: "repo", revision: "main", commit: String(repeating: "b", count: 40))
        return DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftFixtures.revision, records: DriftFixtures.desired(["db.yaml": head])),
                base: DriftCheck.Desired(
                    revision: baseRevision,
                    records: DriftFixtures.desired(["db.yaml": base], commit: baseRevision.commit)),
                live: DriftCheck.Observed(records: DriftFixtures.live(live), source: "test", observedAt: "now")))
    }

    @Test func introducedPreExistingAndFixed() throws {
        // Live: .1 .2 .3. Base git: .1 .4 (drift: .4 missing, .2 .3 stale).
        // Head git: .1 .2 .5 (fixes stale .2 and missing .4, keeps stale .3, introduces missing .5).
        let report = run(
            base: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.4}")),
            head: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.5}")),
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.3}")))
        #expect(report.isPullRequest)
        let changes = report.findings.map { "\($0.type.rawValue) \($0.address ?? "") \($0.change?.rawValue ?? "-")" }
        #expect(changes == ["missing-backend 10.0.0.5 planned", "stale-backend 10.0.0.3 pre-existing"])
        #expect(
            report.fixed.map { "\($0.type.rawValue) \($0.address ?? "")" } == [
                "missing-backend 10.0.0.4", "stale-backend 10.0.0.2",
            ])
        #expect(report.fixed.allSatisfy { $0.change == nil })
        #expect(report.fixed.first?.source?.commitID == String(repeating: "b", count: 40))
        let summary = report.summary
        #expect(summary.introduced == 0 && summary.planned == 1 && summary.preExisting == 1 && summary.fixed == 2)
        // The stale .3 was already there on a Service the pull request touches: it fails; the plan does not.
        #expect(report.findings.map(report.fails) == [false, true])

        let change = try #require(report.desiredChanges.first)
        #expect(change.service == ServiceKey(namespace: "shop", name: "orders-db"))
        #expect(change.kind == .changed)
        #expect(change.added.map(\.address) == ["10.0.0.2", "10.0.0.5"])
        #expect(change.removed.map(\.address) == ["10.0.0.4"])
    }

    @Test func unchangedPullRequestHasNoChangesAndNothingIntroduced() {
        let git = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))
        let report = run(base: git, head: git, live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        #expect(report.desiredChanges.isEmpty)
        #expect(report.fixed.isEmpty)
        #expect(report.findings.map(\.change) == [.preExisting])
    }

    @Test func readinessChangeInGitIsAModifiedBackend() throws {
        let report = run(
            base: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")),
            head: DriftFixtures.documents(
                service,
                DriftFixtures.endpoints(
                    "orders-db", subsets: "- notReadyAddresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]")),
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let change = try #require(report.desiredChanges.first)
        #expect(change.modified.map { "\($0.before.ready)->\($0.after.ready)" } == ["true->false"])
        #expect(
            report.findings.map { "\($0.type.rawValue) \($0.change?.rawValue ?? "")" } == ["readiness-drift planned"]
        )
    }

    @Test func renumberedAndRenumberedPortsArePairedLines() throws {
        let report = run(
            base: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")),
            head: DriftFixtures.documents(
                service,
                DriftFixtures.endpoints(
                    "orders-db",
                    subsets: "- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.3}]\n  ports: [{port: 5432}]")),
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")))
        let change = try #require(report.desiredChanges.first)
        #expect(change.moved.map { "\($0.before.address)->\($0.after.address)" } == ["10.0.0.2->10.0.0.3"])
        #expect(change.added.isEmpty && change.removed.isEmpty)
        #expect(change.liveNow == 2)
        #expect(change.after.map(\.address) == ["10.0.0.1", "10.0.0.3"])

        let ports = run(
            base: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")),
            head: DriftFixtures.documents(
                service,
                DriftFixtures.endpoints("orders-db", subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5433}]")),
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let portChange = try #require(ports.desiredChanges.first)
        #expect(portChange.portChanged.map { "\($0.before.port ?? 0)->\($0.after.port ?? 0)" } == ["5432->5433"])
        #expect(portChange.moved.isEmpty && portChange.added.isEmpty)
    }

    @Test func failOnChangesCombineWithTypes() throws {
        let policy = try FailPolicy(parsing: ["planned,missing-backend"])
        #expect(policy.types == [.missingBackend])
        #expect(policy.changes == [.planned])
        let onlyChanges = try FailPolicy(parsing: ["pre-existing", "introduced"])
        #expect(onlyChanges.types == nil)
        #expect(onlyChanges.changes == [.preExisting, .introduced])
        #expect(try FailPolicy(parsing: ["none"]).types == [])
        #expect(throws: ConfigurationError.self) { try FailPolicy(parsing: ["plan"]) }
    }
}
