import Drift
import Manifests
import TestSupport
import Testing

/// A check's live read may leave out the records of the Services the endpoint controllers back
/// (the Services too) and hand over a `ServiceDigest` instead: the report must be the one the
/// whole live state gives.
@Suite struct ServiceDigestTests {
    static func selectorService(
        _ name: String, namespace: String = "shop", clusterIP: String, annotations: String? = nil
    )
        -> String
    {
        var metadata = "  name: \(name)\n  namespace: \(namespace)"
        if let annotations { metadata += "\n  annotations:\n    \(annotations)" }
        return """
            apiVersion: v1
            kind: Service
            metadata:
            \(metadata)
            spec:
              selector: {app: \(name)}
              clusterIP: \(clusterIP)
              ports: [{port: 80}]
            """
    }

    static let git: [String: String] = [
        "db.yaml": DriftFixtures.documents(
            DriftFixtures.service("db"),
            // kube-system/dns's cluster IP, which the API server refuses as an endpoint address.
            DriftFixtures.endpoints(
                "db", subsets: "- addresses: [{ip: 10.0.0.1}, {ip: 10.96.0.10}]\n  ports: [{port: 5432}]")
        )
    ]

    static let live = DriftFixtures.live(
        DriftFixtures.documents(
            selectorService("dns", namespace: "kube-system", clusterIP: "10.96.0.10"),
            selectorService("web", clusterIP: "10.96.1.1"),
            DriftFixtures.endpoints("web", subsets: "- addresses: [{ip: 10.244.0.5}]\n  ports: [{port: 80}]"),
            DriftFixtures.slice(
                "web-abc", service: "web", managedBy: "endpointslice-controller.k8s.io",
                endpoints: "- addresses: [10.244.0.5]", ports: "- port: 80"),
            // Backed, but annotated: kept, and its value (no finding type) is told in a note.
            selectorService("cache", clusterIP: "10.96.1.2", annotations: "endpoint-drift.io/ignore: nonsense"),
            // An annotated Endpoints of a backed Service is kept: it must still not look unmanaged.
            DriftFixtures.endpoints(
                "cache", annotations: "endpoint-drift.io/ignore: stale-backend",
                subsets: "- addresses: [{ip: 10.244.0.6}]\n  ports: [{port: 80}]"),
            DriftFixtures.service("db"),
            DriftFixtures.endpoints("db", subsets: "- addresses: [{ip: 10.0.0.2}]\n  ports: [{port: 5432}]"),
            DriftFixtures.service("legacy"),
            DriftFixtures.endpoints("legacy", subsets: "- addresses: [{ip: 10.0.9.9}]\n  ports: [{port: 22}]")))

    static func report(_ observed: DriftCheck.Observed) -> DriftReport {
        DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(revision: DriftFixtures.revision, records: DriftFixtures.desired(git)),
                live: observed))
    }

    /// Each Service's result, to compare two reports (`ServiceResult` is not `Equatable`).
    static func sameServices(_ one: DriftReport, _ other: DriftReport) -> Bool {
        one.services.count == other.services.count
            && zip(one.services, other.services).allSatisfy { a, b in
                a.key == b.key && a.status == b.status && a.desired == b.desired && a.live == b.live
                    && a.desiredObjects == b.desiredObjects && a.liveObjects == b.liveObjects
            }
    }

    @Test func aReadLeavingOutTheBackedServicesGivesTheSameReport() throws {
        let desired = Set(DriftFixtures.desired(Self.git).compactMap(\.serviceKey))
        let digest = ServiceDigest(services: Self.live, desired: desired.contains)
        #expect(
            digest.backed
                == [
                    ServiceKey(namespace: "kube-system", name: "dns"), ServiceKey(namespace: "shop", name: "web"),
                    ServiceKey(namespace: "shop", name: "cache"),
                ])
        let kept = Self.live.filter { !digest.leavesOut($0) }
        // A live read asks it of the object, before any record is made: the same answer.
        #expect(Self.live.allSatisfy { digest.leavesOut($0.object) == digest.leavesOut($0) })
        // dns and web are gone, Services and all; cache's annotated objects stay.
        #expect(kept.map(\.ref.name) == ["cache", "cache", "db", "db", "legacy", "legacy"])

        let whole = Self.report(DriftCheck.Observed(records: Self.live, source: "test", observedAt: ""))
        let filtered = Self.report(
            DriftCheck.Observed(records: kept, source: "test", observedAt: "", serviceDigest: digest))
        #expect(whole.findings.contains { $0.type == .reservedAddress && $0.message.contains("kube-system/dns") })
        #expect(whole.findings.contains { $0.type == .unmanagedLiveObject && $0.service?.name == "legacy" })
        #expect(!whole.findings.contains { $0.service?.name == "cache" })
        #expect(whole.notes.contains { $0.kind == "annotation" && $0.message.contains("nonsense") })
        #expect(filtered.findings == whole.findings)
        #expect(filtered.notes == whole.notes)
        #expect(filtered.errors == whole.errors)
        #expect(Self.sameServices(filtered, whole))
        #expect(whole.services.count == 2)

        // Without the digest the same kept records would lose the lint and call cache unmanaged:
        // the digest is what makes leaving them out exact.
        let blind = Self.report(DriftCheck.Observed(records: kept, source: "test", observedAt: ""))
        #expect(blind.findings != whole.findings)
    }

    /// A cluster IP held by two Services (one read after the other, mid-change): the last read
    /// wins, whether git's Service or a live one, as without the digest.
    @Test func theLastServiceReadOwnsACommonClusterIP() {
        let first = DriftFixtures.live(Self.selectorService("a", clusterIP: "10.96.0.7"))
        let second = DriftFixtures.live(Self.selectorService("b", clusterIP: "10.96.0.7"))
        let digest = ServiceDigest(services: first + second, desired: { _ in false })
        #expect(digest.clusterIPs["10.96.0.7"] == ServiceKey(namespace: "shop", name: "b"))
        #expect(ServiceDigest.clusterIPs(of: second + first)["10.96.0.7"] == ServiceKey(namespace: "shop", name: "a"))
    }

    /// A Service read twice (a list over all namespaces and one of its namespace): the last record
    /// says whether it is backed, as in `controllerBackedServices`.
    @Test func theLastRecordOfAServiceSaysWhetherItIsBacked() {
        let withSelector = DriftFixtures.live(Self.selectorService("db", clusterIP: "10.96.0.8"))
        let without = DriftFixtures.live(DriftFixtures.service("db"))
        for records in [withSelector + without, without + withSelector, withSelector, without] {
            let digest = ServiceDigest(services: records, desired: { _ in false })
            #expect(digest.backed == ServiceInventory.controllerBackedServices(records, desired: { _ in false }))
        }
        let desired = ServiceDigest(services: withSelector, desired: { $0.name == "db" })
        #expect(desired.backed.isEmpty)
        #expect(desired.clusterIPs["10.96.0.8"]?.name == "db")
    }

    /// Git linted while the cluster is read (`DriftCheck.prepare`, without the live cluster IPs)
    /// gives the report of a run that lints after: reused when no live cluster IP is one of git's
    /// addresses, linted again when one is (here kube-system/dns's 10.96.0.10 in git's Endpoints).
    @Test(arguments: [true, false])
    func gitLintedBeforeTheLiveStateGivesTheSameReport(withTheCollidingService: Bool) {
        let desired = DriftCheck.Desired(revision: DriftFixtures.revision, records: DriftFixtures.desired(Self.git))
        let live = Self.live.filter { withTheCollidingService || $0.ref.name != "dns" }
        let input = DriftCheck.Input(
            desired: desired, live: DriftCheck.Observed(records: live, source: "test", observedAt: ""))
        var reuse = DriftCheck.prepare(desired, configuration: input.configuration, strict: input.strict)
        let prepared = DriftCheck.run(input, reusing: &reuse, touched: nil)
        let fresh = DriftCheck.run(input)
        #expect(prepared.findings == fresh.findings)
        #expect(Self.sameServices(prepared, fresh))
        #expect(prepared.notes == fresh.notes)
        #expect(reuse.linted == withTheCollidingService)
        #expect(fresh.findings.contains { $0.type == .reservedAddress } == withTheCollidingService)
    }
}
