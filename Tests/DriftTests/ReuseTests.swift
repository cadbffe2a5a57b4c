import Drift
import Manifests
import TestSupport
import Testing

/// `DriftCheck.run(_:reusing:touched:)`, serve's path after a watch event: only the touched
/// Services are compared again, the others' results are reused, and the report is the one a full
/// run computes.
@Suite struct ReuseTests {
    static let names = ["alpha", "bravo", "charlie", "delta"]

    /// Every Service with hand-written Endpoints at 10.0.0.N; the live side may move one.
    static func endpoints(_ name: String, _ ip: String) -> String {
        DriftFixtures.endpoints(name, subsets: "- addresses: [{ip: \(ip)}]\n  ports: [{port: 5432}]")
    }

    /// Each Service's live objects read on their own, as the watch gets them: a change to one
    /// leaves the others' records as they were.
    static func records(moving moved: [String: String] = [:], clusterIP: String? = nil) -> [ObjectRecord] {
        names.enumerated().flatMap { index, name in
            var service = DriftFixtures.service(name)
            if name == "alpha", let clusterIP { service += "\n  clusterIP: \(clusterIP)" }
            return DriftFixtures.live(
                DriftFixtures.documents(service, endpoints(name, moved[name] ?? "10.0.0.\(index + 1)")))
        }
    }

    static func input(_ live: [ObjectRecord]) -> DriftCheck.Input {
        var files: [String: String] = [:]
        for (index, name) in names.enumerated() {
            // delta drifts from the start (git says .99), so untouched findings exist to keep.
            let ip = name == "delta" ? "10.0.0.99" : "10.0.0.\(index + 1)"
            files["\(name).yaml"] = DriftFixtures.documents(DriftFixtures.service(name), endpoints(name, ip))
        }
        return DriftCheck.Input(
            desired: DriftCheck.Desired(revision: DriftFixtures.revision, records: DriftFixtures.desired(files)),
            live: DriftCheck.Observed(records: live, source: "test", observedAt: "2026-01-01T00:00:00Z"))
    }

    static func expectSame(_ incremental: DriftReport, _ full: DriftReport) {
        #expect(incremental.findings == full.findings)
        #expect(String(describing: incremental.services) == String(describing: full.services))
        #expect(incremental.notes == full.notes)
        #expect(incremental.errors == full.errors)
        #expect(incremental.excludedServices == full.excludedServices)
    }

    @Test func anEventForOneServiceComparesOnlyItAndEqualsAFullRun() throws {
        var reuse = DriftCheck.Reuse()
        let before = DriftCheck.run(Self.input(Self.records()), reusing: &reuse, touched: nil)
        #expect(reuse.compared == 4)
        #expect(before.active(.missingBackend).count == 1)

        // bravo's live Endpoints move: only bravo is compared again.
        let moved = Self.input(Self.records(moving: ["bravo": "10.0.0.42"]))
        let after = DriftCheck.run(moved, reusing: &reuse, touched: [ServiceKey(namespace: "shop", name: "bravo")])
        #expect(reuse.compared == 1)
        #expect(!reuse.linted)
        Self.expectSame(after, DriftCheck.run(moved))
        // The other Services' findings are the very ones of the report before.
        let others = { (report: DriftReport) in report.findings.filter { $0.service?.name != "bravo" } }
        #expect(others(after) == others(before))
        #expect(!others(after).isEmpty)
        #expect(after.findings.contains { $0.service?.name == "bravo" && $0.address == "10.0.0.42" })

        // And back: bravo in sync again, still equal to a full run.
        let back = Self.input(Self.records())
        let again = DriftCheck.run(back, reusing: &reuse, touched: [ServiceKey(namespace: "shop", name: "bravo")])
        #expect(reuse.compared == 1)
        Self.expectSame(again, DriftCheck.run(back))
    }

    @Test func aNewClusterIPLintsAgainAndAnEmptyTouchedSetComparesNothing() {
        var reuse = DriftCheck.Reuse()
        _ = DriftCheck.run(Self.input(Self.records()), reusing: &reuse, touched: nil)
        #expect(reuse.linted)
        // alpha gets a cluster IP: lint looks again (another Service's cluster IP is a reserved address).
        let withIP = Self.input(Self.records(clusterIP: "10.0.0.2"))
        let report = DriftCheck.run(withIP, reusing: &reuse, touched: [ServiceKey(namespace: "shop", name: "alpha")])
        #expect(reuse.linted)
        Self.expectSame(report, DriftCheck.run(withIP))
        let unchanged = DriftCheck.run(withIP, reusing: &reuse, touched: [])
        #expect(reuse.compared == 0 && !reuse.linted)
        Self.expectSame(unchanged, DriftCheck.run(withIP))
    }
}
