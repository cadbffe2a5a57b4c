import Drift
import Manifests
import TestSupport
import Testing

/// Ignore rules mark findings; ignored findings stay in the report and are counted apart.
@Suite struct IgnoreTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String, annotations: String? = nil) -> String {
        DriftFixtures.endpoints(
            "orders-db", annotations: annotations, subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    @Test func ignoredAddressesAndCIDRs() throws {
        let configuration = try DriftConfiguration.parse("ignore:\n  addresses: [10.0.9.0/24]\n")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.9.7}")),
            configuration: configuration
        )
        let finding = try #require(report.findings.first)
        #expect(finding.type == .staleBackend)
        #expect(finding.isIgnored)
        #expect(finding.ignoredBy?.contains("10.0.9.0/24") == true)
        #expect(report.status("shop", "orders-db") == .inSync)
        #expect(report.summary.ignored == 1)
        #expect(report.summary.findings == 0)
        #expect(report.summary.outcome == .pass)
    }

    @Test func findingTypesPerService() throws {
        let configuration = try DriftConfiguration.parse(
            """
            ignore:
              findings:
                - services: [shop/orders-*]
                  types: [missing-backend]
                  reason: being migrated
            """)
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}")),
            configuration: configuration
        )
        #expect(report.findings.filter(\.isIgnored).map(\.type) == [.missingBackend])
        #expect(report.findings.first { $0.isIgnored }?.ignoredBy?.hasSuffix("being migrated") == true)
        #expect(report.activeFindings.map(\.type) == [.staleBackend])
        #expect(report.status("shop", "orders-db") == .drifted)
    }

    @Test func annotationTrueOnTheObjectIgnoresItsFindings() {
        let annotated = endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}", annotations: "endpoint-drift.io/ignore: \"true\"")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, annotated)],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        #expect(report.findings.count == 1)
        #expect(report.findings.allSatisfy { $0.isIgnored })
        #expect(report.findings.first?.ignoredBy == "annotation endpoint-drift.io/ignore on Endpoints/shop/orders-db")
    }

    @Test func annotationListOnTheServiceIgnoresThoseTypesForTheService() {
        let annotatedService = """
            apiVersion: v1
            kind: Service
            metadata:
              name: orders-db
              namespace: shop
              annotations:
                endpoint-drift.io/ignore: "readiness-drift, stale-backend, no-such-type"
            spec:
              ports: [{port: 5432}]
            """
        let git = DriftFixtures.endpoints(
            "orders-db",
            subsets: "- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.4}]\n  ports: [{port: 5432}]")
        let live = DriftFixtures.endpoints(
            "orders-db",
            subsets:
                "- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.3}]\n  notReadyAddresses: [{ip: 10.0.0.2}]\n  ports: [{port: 5432}]"
        )
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(annotatedService, git)],
            live: DriftFixtures.documents(service, live))
        #expect(report.findings.filter(\.isIgnored).map(\.type).sorted() == [.staleBackend, .readinessDrift])
        #expect(report.activeFindings.map(\.type) == [.missingBackend])
        #expect(report.notes.contains { $0.kind == "annotation" && $0.message.contains("no-such-type") })
    }

    /// An annotation on the live object silences an unmanaged Service: it is not listed at all.
    @Test func annotationOnALiveObjectIgnoresItAsUnmanaged() {
        let legacyService = """
            apiVersion: v1
            kind: Service
            metadata:
              name: legacy
              namespace: shop
              annotations: {endpoint-drift.io/ignore: "true"}
            spec: {ports: [{port: 21}]}
            """
        let legacy = DriftFixtures.endpoints("legacy", subsets: "- addresses: [{ip: 10.9.0.1}]\n  ports: [{port: 21}]")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"), legacyService, legacy))
        #expect(report.findings.count == 2)
        #expect(report.findings.allSatisfy { $0.isIgnored })
        #expect(report.services.map(\.key.name) == ["orders-db"])
    }

    @Test func excludedNamespacesAndServicesAreNotChecked() throws {
        let configuration = try DriftConfiguration.parse("namespaces: {exclude: [shop]}\n")
        let report = DriftFixtures.check(
            desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 127.0.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.2}")), configuration: configuration)
        #expect(report.findings.isEmpty)
        #expect(report.services.isEmpty)
        #expect(report.excludedServices == 1)

        let byService = try DriftConfiguration.parse("services: {include: [payments/*]}\n")
        #expect(
            DriftFixtures.check(
                desired: ["db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))],
                live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.2}")), configuration: byService
            ).findings.isEmpty)
    }

    @Test func namespacesToReadFollowTheFilter() throws {
        let configuration = try DriftConfiguration.parse("namespaces: {exclude: [payments]}\n")
        let records = DriftFixtures.desired([
            "a.yaml": DriftFixtures.documents(service, DriftFixtures.service("ledger", namespace: "payments"))
        ])
        #expect(DriftCheck.namespacesToRead(records, configuration: configuration) == ["shop"])
    }
}
