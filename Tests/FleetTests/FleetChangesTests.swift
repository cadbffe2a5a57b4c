import Drift
import TestSupport
import Testing

/// What the notification compares: findings by fingerprint, per cluster, across runs.
@Suite struct FleetChangesTests {
    @Test func theFirstRunReportsEveryFindingAsNew() {
        let (changes, remember) = FleetChanges.between(RememberedRun(), FleetScenario.fleet())
        // prod: one missing and one stale backend for orders-db; the cache's stale backend is ignored.
        #expect(changes.new.map(\.type).sorted() == ["missing-backend", "stale-backend"])
        #expect(changes.new.allSatisfy { $0.cluster == "prod" && $0.service == "shop/orders-db" })
        #expect(changes.new.first?.location == "clusters/prod/orders-db.yaml:16")
        #expect(changes.resolved.isEmpty)
        #expect(changes.failing == [FleetChanges.Failure(cluster: "lab", error: FleetScenario.labError)])
        #expect(remember.clusters["prod"]?.findings.count == 2)
        #expect(remember.clusters["staging"]?.findings.isEmpty == true)
        #expect(remember.clusters["lab"]?.error == FleetScenario.labError)
    }

    @Test func theSameFindingsAgainAreNoChange() {
        let fleet = FleetScenario.fleet()
        let first = FleetChanges.between(RememberedRun(), fleet).remember
        let (changes, remember) = FleetChanges.between(first, fleet)
        #expect(changes.isEmpty)
        #expect(remember == first)
    }

    @Test func aFixedBackendIsResolvedAndANewOneIsNew() {
        let first = FleetChanges.between(RememberedRun(), FleetScenario.fleet()).remember
        var next = FleetScenario.fleet()
        next.clusters[0].report = DriftFixtures.check(
            desired: FleetScenario.files,
            live: DriftFixtures.documents(
                FleetScenario.service, FleetScenario.endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.4}")),
            namespaces: ["shop"])
        let (changes, _) = FleetChanges.between(first, next)
        #expect(changes.resolved.map(\.text).contains { $0.hasPrefix("missing-backend: 10.0.0.2:5432/TCP") })
        #expect(changes.resolved.map(\.text).contains { $0.hasPrefix("stale-backend: 10.0.0.3:5432/TCP") })
        #expect(changes.new.map(\.text).contains { $0.hasPrefix("stale-backend: 10.0.0.4:5432/TCP") })
    }

    @Test func anUnreachableClusterKeepsItsFindingsAndComingBackIsAChange() {
        let first = FleetChanges.between(RememberedRun(), FleetScenario.fleet()).remember
        var down = FleetScenario.fleet()
        down.clusters[0].error = "connection refused"
        let (whileDown, remembered) = FleetChanges.between(first, down)
        #expect(whileDown.new.isEmpty && whileDown.resolved.isEmpty)
        #expect(whileDown.failing.map(\.cluster) == ["prod"])
        #expect(remembered.clusters["prod"]?.findings == first.clusters["prod"]?.findings)
        // Still down: nothing new to say.
        #expect(FleetChanges.between(remembered, down).changes.isEmpty)
        let (back, _) = FleetChanges.between(remembered, FleetScenario.fleet())
        #expect(back.recovered == ["prod"])
        #expect(back.new.isEmpty && back.resolved.isEmpty)
    }

    @Test func clustersNotCheckedThisRunAreLeftAlone() {
        let first = FleetChanges.between(RememberedRun(), FleetScenario.fleet()).remember
        var onlyStaging = FleetScenario.fleet()
        onlyStaging.clusters = [onlyStaging.clusters[1]]
        let (changes, remember) = FleetChanges.between(first, onlyStaging)
        #expect(changes.isEmpty)
        #expect(remember.clusters["prod"] == first.clusters["prod"])
    }
}
