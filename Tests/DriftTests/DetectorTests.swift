import Drift
import Manifests
import TestSupport
import Testing

/// Every drift finding type, with where it points in git.
@Suite struct DetectorTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String, port: String = "{port: 5432}", notReady: String? = nil) -> String {
        var subset = "- addresses: [\(addresses)]\n  ports: [\(port)]"
        if let notReady { subset += "\n  notReadyAddresses: [\(notReady)]" }
        return DriftFixtures.endpoints("orders-db", subsets: subset)
    }

    @Test func missingBackendPointsAtTheAddressLine() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: orders-db
              namespace: shop
            subsets:
              - addresses:
                  - ip: 10.0.0.1
                  - ip: 10.0.0.2
                ports:
                  - port: 5432
            """
        let file = DriftFixtures.documents(service, git)
        let report = DriftFixtures.check(
            desired: ["apps/db.yaml": file], live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let finding = try #require(report.active(.missingBackend).first)
        #expect(report.activeFindings.count == 1)
        #expect(finding.address == "10.0.0.2")
        #expect(finding.port == 5432)
        #expect(finding.protocol == "TCP")
        #expect(finding.portName == "")
        #expect(finding.object == ObjectRef(kind: .endpoints, namespace: "shop", name: "orders-db"))
        #expect(finding.source?.path == "apps/db.yaml")
        #expect(finding.source?.line == DriftFixtures.line(of: "ip: 10.0.0.2", in: file))
        #expect(finding.source?.commitID == DriftFixtures.commit)
        #expect(finding.desired?.ready == true)
        #expect(finding.live == nil)
        #expect(report.status("shop", "orders-db") == .drifted)
    }

    @Test func staleBackendNamesTheHandWrittenObjectNotTheMirror() throws {
        let git = endpoints("{ip: 10.0.0.1}")
        let liveEndpoints = endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.9}")
        let mirror = DriftFixtures.slice(
            "orders-db-abcde", service: "orders-db", managedBy: "endpointslicemirroring-controller.k8s.io",
            endpoints: "- addresses: [10.0.0.1]\n- addresses: [10.0.0.9]")
        let file = DriftFixtures.documents(service, git)
        let report = DriftFixtures.check(
            desired: ["db.yaml": file], live: DriftFixtures.documents(service, mirror, liveEndpoints))
        let finding = try #require(report.active(.staleBackend).first)
        #expect(report.activeFindings.count == 1)
        #expect(finding.address == "10.0.0.9")
        #expect(finding.object == ObjectRef(kind: .endpoints, namespace: "shop", name: "orders-db"))
        #expect(finding.live?.ready == true)
        // Where the backend would be written: the Endpoints object in git.
        #expect(finding.source?.path == "db.yaml")
        #expect(finding.source?.line == DriftFixtures.line(of: "apiVersion", in: file, after: "---"))
    }

    @Test func readinessDrift() throws {
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}", notReady: "{ip: 10.0.0.2}")))
        let finding = try #require(report.active(.readinessDrift).first)
        #expect(report.activeFindings.count == 1)
        #expect(finding.address == "10.0.0.2")
        #expect(finding.desired?.ready == true)
        #expect(finding.live?.ready == false)
    }

    /// A renumbered port on three addresses is one finding, not three missing plus three stale.
    @Test func renumberedPortIsOneFinding() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: orders-db, namespace: shop}
            subsets:
              - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.3}]
                ports:
                  - name: pg
                    port: 5432
            """
        let svc = DriftFixtures.service("orders-db", ports: "- {name: pg, port: 5432}")
        let live = DriftFixtures.endpoints(
            "orders-db",
            subsets: "- addresses: [{ip: 10.0.0.3}, {ip: 10.0.0.1}, {ip: 10.0.0.2}]\n  ports: [{name: pg, port: 6432}]")
        let file = DriftFixtures.documents(svc, git)
        let report = DriftFixtures.check(desired: ["db.yaml": file], live: DriftFixtures.documents(svc, live))
        #expect(report.activeFindings.map(\.type) == [.portDrift])
        let finding = try #require(report.activeFindings.first)
        #expect(finding.addresses == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(finding.address == nil)
        #expect(finding.port == 5432)
        #expect(finding.desired?.port == 5432)
        #expect(finding.live?.port == 6432)
        #expect(finding.live?.portName == "pg")
        // The line of the port entry, where `fix` edits the number.
        #expect(finding.source?.line == DriftFixtures.line(of: "- name: pg", in: file, after: "kind: Endpoints"))
    }

    @Test func renamedPortProtocolAndAppProtocolChangesArePortDrift() throws {
        let cases: [(git: String, live: String)] = [
            ("{name: pg, port: 5432}", "{name: postgres, port: 5432}"),
            ("{port: 5432}", "{port: 5432, protocol: UDP}"),
            ("{port: 5432, appProtocol: postgresql}", "{port: 5432, appProtocol: tcp}"),
            ("{port: 5432}", "{port: 5432, appProtocol: postgresql}"),
        ]
        for (git, live) in cases {
            let report = DriftFixtures.check(
                desired: [
                    "db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}", port: git))
                ],
                live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}", port: live)))
            #expect(
                report.findings.filter { $0.type.category == .drift }.map(\.type) == [.portDrift],
                "git \(git) vs live \(live)")
            #expect(report.active(.portDrift).first?.addresses == ["10.0.0.1", "10.0.0.2"])
        }
    }

    /// Two ports renumbered at once are paired by name.
    @Test func multiPortChangesArePairedByName() {
        let ports = "- {name: http, port: 80}\n- {name: https, port: 443}"
        let svc = DriftFixtures.service("rgw", ports: ports)
        let git = DriftFixtures.endpoints(
            "rgw",
            subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{name: http, port: 7480}, {name: https, port: 7443}]")
        let live = DriftFixtures.endpoints(
            "rgw",
            subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{name: http, port: 8080}, {name: https, port: 8443}]")
        let report = DriftFixtures.check(
            desired: ["rgw.yaml": DriftFixtures.documents(svc, git)], live: DriftFixtures.documents(svc, live))
        let pairs = report.active(.portDrift).map {
            "\($0.portName ?? ""):\($0.desired?.port ?? 0)->\($0.live?.port ?? 0)"
        }
        #expect(pairs.sorted() == ["http:7480->8080", "https:7443->8443"])
        #expect(report.activeFindings.count == 2)
    }

    /// The port changed on the addresses both sides have; an address only git has is still missing.
    @Test func portDriftOnSharedAddressesAndMissingForTheRest() {
        let report = DriftFixtures.check(
            desired: [
                "db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.3}"))
            ],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}", port: "{port: 5433}")))
        #expect(report.active(.portDrift).map(\.addresses) == [["10.0.0.1", "10.0.0.2"]])
        #expect(report.active(.missingBackend).map(\.address) == ["10.0.0.3"])
        #expect(report.active(.staleBackend).isEmpty)
    }

    @Test func differentAddressesAreMissingAndStaleNotPortDrift() {
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.2}", port: "{port: 5433}")))
        #expect(report.activeFindings.map(\.type).sorted() == [.missingBackend, .staleBackend])
    }

    @Test func missingLiveObjectWhileTheServiceExists() throws {
        let slice = DriftFixtures.slice("orders-db-extra", service: "orders-db", endpoints: "- addresses: [10.0.0.5]")
        let file = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"), slice)
        let report = DriftFixtures.check(
            desired: ["db.yaml": file], live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let missing = try #require(report.active(.missingLiveObject).first)
        #expect(missing.object == ObjectRef(kind: .endpointSlice, namespace: "shop", name: "orders-db-extra"))
        #expect(missing.source?.line == DriftFixtures.line(of: "apiVersion: discovery.k8s.io/v1", in: file))
        #expect(report.active(.missingBackend).map(\.address) == ["10.0.0.5"])
        #expect(report.status("shop", "orders-db") == .drifted)
    }

    @Test func serviceWithNothingLiveIsMissingLive() {
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))], live: "")
        #expect(report.status("shop", "orders-db") == .missingLive)
        #expect(report.activeFindings.map(\.type) == [.missingLiveObject, .missingLiveObject])
        #expect(report.summary.outcome == .fail)
    }

    @Test func unmanagedLiveServiceReportsItsHandWrittenObjectsOnly() {
        let other = DriftFixtures.service("legacy")
        let legacy = DriftFixtures.endpoints("legacy", subsets: "- addresses: [{ip: 10.9.0.1}]\n  ports: [{port: 21}]")
        let mirror = DriftFixtures.slice(
            "legacy-x", service: "legacy", managedBy: "endpointslicemirroring-controller.k8s.io",
            endpoints: "- addresses: [10.9.0.1]", ports: "- port: 21")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"), other, legacy, mirror))
        #expect(
            report.active(.unmanagedLiveObject).map { $0.object?.description ?? "" } == [
                "Service/shop/legacy", "Endpoints/shop/legacy",
            ])
        #expect(report.status("shop", "legacy") == .unmanaged)
        #expect(report.active(.unmanagedLiveObject).allSatisfy { $0.source == nil && $0.severity == .warning })
        // A warning: reported, but by default it does not fail the run.
        #expect(report.summary.outcome == .pass)
    }

    /// Live Endpoints (or a hand-written slice) whose Service exists neither in git nor in the
    /// cluster back nothing: an orphan, whose hint does not promise `fix --adopt` (which, like
    /// docs/fix.md says, adopts only Services with their backends).
    @Test func liveEndpointsWithoutAnyServiceAreOrphans() throws {
        let orphan = DriftFixtures.endpoints("gone", subsets: "- addresses: [{ip: 10.9.0.1}]\n  ports: [{port: 21}]")
        let slice = DriftFixtures.slice(
            "gone-x", service: "gone", managedBy: "gitops", endpoints: "- addresses: [10.9.0.1]", ports: "- port: 21")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"), orphan, slice))
        #expect(report.active(.unmanagedLiveObject).isEmpty)
        #expect(
            report.active(.orphanLiveObject).map { $0.object?.description ?? "" } == [
                "Endpoints/shop/gone", "EndpointSlice/shop/gone-x",
            ])
        let finding = try #require(report.active(.orphanLiveObject).first)
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("no Service shop/gone exists in git or in the cluster"))
        #expect(finding.hint.contains("kubectl delete"))
        #expect(finding.hint.contains("does not adopt"))
    }

    /// A live Service without a selector and without backends is not an external service to adopt.
    @Test func liveServiceWithoutBackendsIsNotUnmanaged() {
        let report = DriftFixtures.check(desired: [:], live: DriftFixtures.service("empty"))
        #expect(report.findings.isEmpty)
        #expect(report.services.isEmpty)
    }

    @Test func liveSelectorServiceMakesGitEndpointsAFinding() {
        let web = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 8080}]}
            """
        let gitEndpoints = DriftFixtures.endpoints(
            "web", subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 8080}]")
        let report = DriftFixtures.check(desired: ["web.yaml": gitEndpoints], live: web)
        #expect(report.active(.selectorWithEndpoints).count == 1)
        #expect(report.active(.missingBackend).isEmpty)
    }

    @Test func servicesOutsideTheNamespacesReadAreNotCompared() {
        let elsewhere = DriftFixtures.documents(DriftFixtures.service("db", namespace: "other"))
        let report = DriftFixtures.check(
            desired: [
                "db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")), "other.yaml": elsewhere,
            ],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")), namespaces: ["shop"])
        #expect(report.findings.isEmpty)
        #expect(report.services.map(\.key.description) == ["shop/orders-db"])
        #expect(report.excludedServices == 1)
        #expect(report.notes.contains { $0.kind == "scope" })
    }

    @Test func namespaceThatCouldNotBeReadIsAnError() {
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))], live: "",
            failedNamespaces: ["shop": "forbidden: list endpoints"])
        #expect(report.status("shop", "orders-db") == .error)
        #expect(report.services.first?.error == "forbidden: list endpoints")
        #expect(report.findings.isEmpty)
        #expect(report.summary.outcome == .error)
    }

    @Test func findingIdentityIgnoresLinesAndFiles() throws {
        let first = DriftFixtures.check(
            desired: ["a.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let moved = DriftFixtures.check(
            desired: [
                "b/c.yaml": "# moved\n\n"
                    + DriftFixtures.documents(service, endpoints("{ip: 10.0.0.2}, {ip: 10.0.0.1}"))
            ],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        let a = try #require(first.findings.first)
        let b = try #require(moved.findings.first)
        #expect(a.source != b.source)
        #expect(a.identity == b.identity)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint.count == 16)
    }
}
