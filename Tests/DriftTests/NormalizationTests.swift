import Drift
import Foundation
import Manifests
import TestSupport
import Testing

/// Every trap of KUBERNETES-NOTES.md: what the API server rewrites or adds must not be drift.
@Suite struct NormalizationTests {
    let service = DriftFixtures.service("orders-db")

    @Test func addressOrderDoesNotMatter() {
        let git = DriftFixtures.endpoints(
            "orders-db",
            subsets: """
                - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.10}]
                  ports: [{port: 5432}]
                """)
        let live = DriftFixtures.endpoints(
            "orders-db",
            subsets: """
                - addresses: [{ip: 10.0.0.10}, {ip: 10.0.0.2}, {ip: 10.0.0.1}]
                  ports: [{port: 5432, protocol: TCP}]
                """)
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, git)], live: DriftFixtures.documents(service, live))
        #expect(report.findings.isEmpty)
        #expect(report.status("shop", "orders-db") == .inSync)
    }

    /// Git groups by address, the API server regroups by identical port sets and sorts.
    @Test func subsetRepackingDoesNotMatter() {
        let ports = """
            - name: mq
              port: 1414
            - name: admin
              port: 9443
            """
        let git = DriftFixtures.endpoints(
            "mainframe",
            subsets: """
                - addresses: [{ip: 192.0.2.52}, {ip: 192.0.2.51}, {ip: 192.0.2.50}]
                  ports: [{name: mq, port: 1414}]
                - addresses: [{ip: 192.0.2.51}, {ip: 192.0.2.50}]
                  ports: [{name: admin, port: 9443}]
                """)
        let live = DriftFixtures.endpoints(
            "mainframe",
            subsets: """
                - addresses: [{ip: 192.0.2.50}, {ip: 192.0.2.51}]
                  ports: [{name: mq, port: 1414, protocol: TCP}, {name: admin, port: 9443, protocol: TCP}]
                - addresses: [{ip: 192.0.2.52}]
                  ports: [{name: mq, port: 1414, protocol: TCP}]
                """)
        let mainframe = DriftFixtures.service("mainframe", ports: ports)
        let report = DriftFixtures.check(
            desired: ["m.yaml": DriftFixtures.documents(mainframe, git)], live: DriftFixtures.documents(mainframe, live)
        )
        #expect(report.findings.isEmpty)
    }

    @Test func defaultedProtocolAndConditionsDoNotMatter() {
        let git = DriftFixtures.slice(
            "orders-db-1", service: "orders-db",
            endpoints: """
                - addresses: [10.0.0.1]
                - addresses: [10.0.0.2]
                  conditions: {}
                """, ports: "- port: 5432")
        let live = DriftFixtures.slice(
            "orders-db-1", service: "orders-db",
            endpoints: """
                - addresses: [10.0.0.1]
                  conditions: {ready: true, serving: true, terminating: false}
                - addresses: [10.0.0.2]
                  conditions: {ready: true}
                """, ports: "- {name: '', port: 5432, protocol: TCP}")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, git)], live: DriftFixtures.documents(service, live))
        #expect(report.findings.isEmpty)
    }

    /// Git holds Endpoints; the cluster holds them and the slice the mirroring controller made:
    /// one backend set, and the mirror is not an unmanaged object.
    @Test func mirroredSlicesAreOneBackendSetAndNeverUnmanaged() {
        let git = DriftFixtures.endpoints(
            "orders-db",
            subsets: """
                - addresses: [{ip: 203.0.113.20}, {ip: 203.0.113.21}]
                  notReadyAddresses: [{ip: 203.0.113.22}]
                  ports: [{port: 5432}]
                """)
        let mirror = DriftFixtures.slice(
            "orders-db-zxhjp", service: "orders-db", managedBy: "endpointslicemirroring-controller.k8s.io",
            endpoints: """
                - addresses: [203.0.113.21]
                  conditions: {ready: true}
                - addresses: [203.0.113.20]
                  conditions: {ready: true}
                - addresses: [203.0.113.22]
                  conditions: {ready: false}
                """, ports: "- {name: '', port: 5432, protocol: TCP}")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, git)],
            live: DriftFixtures.documents(service, git, mirror))
        #expect(report.findings.isEmpty)
        #expect(report.status("shop", "orders-db") == .inSync)
    }

    @Test func theSameEndpointInTwoSlicesIsOneBackend() {
        let first = DriftFixtures.slice(
            "rgw-1", service: "orders-db",
            endpoints: """
                - addresses: [198.51.100.10]
                - addresses: [198.51.100.12]
                  conditions: {ready: false}
                """)
        let second = DriftFixtures.slice(
            "rgw-2", service: "orders-db",
            endpoints: """
                - addresses: [198.51.100.12]
                  conditions: {ready: false}
                - addresses: [198.51.100.13]
                """)
        let report = DriftFixtures.check(
            desired: ["a.yaml": DriftFixtures.documents(service, first, second)],
            live: DriftFixtures.documents(service, first, second))
        #expect(report.findings.isEmpty)
        #expect(report.services.first?.desired.count == 3)
    }

    @Test func ipv6SpellingDoesNotMatter() {
        let git = DriftFixtures.slice(
            "ledger-v6", service: "orders-db", addressType: "IPv6",
            endpoints: """
                - addresses: ["2001:DB8:0:0:0::10"]
                - addresses: ["2001:0db8::0011"]
                """)
        let live = DriftFixtures.slice(
            "ledger-v6", service: "orders-db", addressType: "IPv6",
            endpoints: """
                - addresses: ["2001:db8::10"]
                - addresses: ["2001:db8::11"]
                """)
        let report = DriftFixtures.check(
            desired: ["l.yaml": DriftFixtures.documents(service, git)], live: DriftFixtures.documents(service, live))
        #expect(report.findings.isEmpty)
    }

    /// Endpoints in git, and live the Endpoints, a hand-written slice with the same backends and the
    /// mirror of the Endpoints (storage/ceph-rgw in the recorded cluster).
    @Test func endpointsPlusSlicePlusMirrorCompareAsOneSet() {
        let endpoints = DriftFixtures.endpoints(
            "orders-db", subsets: "- addresses: [{ip: 192.0.2.10}, {ip: 192.0.2.11}]\n  ports: [{port: 5432}]")
        let manual = DriftFixtures.slice(
            "orders-db-manual", service: "orders-db", managedBy: nil,
            endpoints: "- addresses: [192.0.2.10]\n- addresses: [192.0.2.11]")
        let mirror = DriftFixtures.slice(
            "orders-db-abcde", service: "orders-db", managedBy: "endpointslicemirroring-controller.k8s.io",
            endpoints: "- addresses: [192.0.2.11]\n- addresses: [192.0.2.10]")
        let report = DriftFixtures.check(
            desired: ["c.yaml": DriftFixtures.documents(service, endpoints, manual)],
            live: DriftFixtures.documents(service, endpoints, manual, mirror))
        #expect(report.findings.isEmpty)
    }

    /// Slices and Endpoints of Services with a selector belong to the controllers: never unmanaged.
    @Test func selectorServicesAreNotExternalServices() {
        let web = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              selector: {app: web}
              ports: [{port: 8080}]
            """
        let controllerSlice = DriftFixtures.slice(
            "web-ql2vc", service: "web", managedBy: "endpointslice-controller.k8s.io",
            endpoints: "- addresses: [10.244.0.5]", ports: "- port: 8080")
        let controllerEndpoints = DriftFixtures.endpoints(
            "web", subsets: "- addresses: [{ip: 10.244.0.5}]\n  ports: [{port: 8080}]")
        let report = DriftFixtures.check(
            desired: ["web.yaml": web], live: DriftFixtures.documents(web, controllerSlice, controllerEndpoints))
        #expect(report.findings.isEmpty)
        #expect(report.services.isEmpty)
    }

    /// An orphaned controller slice (its Service already deleted) is not unmanaged either.
    @Test func controllerSlicesWithoutServiceAreNotUnmanaged() {
        let orphan = DriftFixtures.slice(
            "gone-x1", service: "gone", managedBy: "endpointslice-controller.k8s.io",
            endpoints: "- addresses: [10.244.0.9]")
        let report = DriftFixtures.check(desired: ["db.yaml": service], live: DriftFixtures.documents(service, orphan))
        #expect(report.active(.unmanagedLiveObject).isEmpty)
    }

    @Test func theAPIServerServiceIsNotUnmanaged() {
        let kubernetes = """
            apiVersion: v1
            kind: Service
            metadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}
            spec:
              ports: [{name: https, port: 443, targetPort: 6443}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: kubernetes, namespace: default, labels: {endpointslice.kubernetes.io/skip-mirror: "true"}}
            subsets:
              - addresses: [{ip: 192.0.2.1}]
                ports: [{name: https, port: 6443, protocol: TCP}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
            addressType: IPv4
            endpoints: [{addresses: [192.0.2.1], conditions: {ready: true}}]
            ports: [{name: https, port: 6443, protocol: TCP}]
            """
        let report = DriftFixtures.check(desired: [:], live: kubernetes)
        #expect(report.findings.isEmpty)
    }

    /// Manifests that describe the recorded cluster (fixtures/demo/live.json, real API responses
    /// from a kube-apiserver with the mirroring controller) exactly: not one finding.
    @Test func recordedClusterMatchesItsManifests() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let recorded = try String(contentsOf: root.appendingPathComponent("fixtures/demo/live.json"), encoding: .utf8)
        let live = ManifestFileReader.read(recorded, path: "live.json").objects.map { ObjectRecord(live: $0.object) }
        #expect(live.count == 21)
        let files = [
            "shop.yaml": DriftFixtures.documents(
                DriftFixtures.service("orders-db"),
                DriftFixtures.endpoints(
                    "orders-db", labels: "team: data",
                    subsets: """
                        - addresses: [{ip: 203.0.113.20}, {ip: 203.0.113.21}]
                          notReadyAddresses: [{ip: 203.0.113.22}]
                          ports: [{port: 5432}]
                        """),
                DriftFixtures.service(
                    "object-store",
                    ports: "- {name: http, port: 80, targetPort: 7480}\n- {name: https, port: 443, targetPort: 7443}"),
                DriftFixtures.slice(
                    "object-store-rgw", service: "object-store",
                    endpoints: """
                        - {addresses: [198.51.100.10], hostname: rgw-a}
                        - {addresses: [198.51.100.11], hostname: rgw-b}
                        - {addresses: [198.51.100.12], conditions: {ready: false}, hostname: rgw-c}
                        """, ports: "- {name: http, port: 7480}\n- {name: https, port: 7443}"),
                DriftFixtures.slice(
                    "object-store-rgw-2", service: "object-store",
                    endpoints: """
                        - {addresses: [198.51.100.12], conditions: {ready: false}}
                        - {addresses: [198.51.100.13]}
                        """, ports: "- {name: http, port: 7480}\n- {name: https, port: 7443}")),
            "payments.yaml": DriftFixtures.documents(
                DriftFixtures.service(
                    "ledger", namespace: "payments", ports: "- {name: grpc, port: 9090, appProtocol: grpc}"),
                DriftFixtures.slice(
                    "ledger-v6", service: "ledger", namespace: "payments", addressType: "IPv6",
                    endpoints: "- addresses: ['2001:DB8::0:10']\n- addresses: ['2001:db8:0::11']",
                    ports: "- {name: grpc, port: 9090, appProtocol: grpc}"),
                DriftFixtures.service(
                    "mainframe", namespace: "payments", ports: "- {name: mq, port: 1414}\n- {name: admin, port: 9443}"),
                DriftFixtures.endpoints(
                    "mainframe", namespace: "payments", labels: "endpointslice.kubernetes.io/skip-mirror: \"true\"",
                    subsets: """
                        - addresses: [{ip: 192.0.2.52}, {ip: 192.0.2.50}, {ip: 192.0.2.51}]
                          ports: [{name: mq, port: 1414}]
                        - addresses: [{ip: 192.0.2.50}, {ip: 192.0.2.51}]
                          ports: [{name: admin, port: 9443}]
                        """)),
        ]
        let report = DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(revision: DriftFixtures.revision, records: DriftFixtures.desired(files)),
                live: DriftCheck.Observed(
                    records: live, source: "recorded", observedAt: "2026-11-21T11:40:00Z",
                    namespaces: ["shop", "payments"])))
        #expect(report.activeFindings.map(\.message) == [String]())
        #expect(
            report.services.map { "\($0.key) \($0.status?.rawValue ?? "-")" } == [
                "payments/ledger in-sync", "payments/mainframe in-sync", "shop/object-store in-sync",
                "shop/orders-db in-sync",
            ])
    }
}
