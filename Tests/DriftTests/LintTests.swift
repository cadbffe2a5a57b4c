import Drift
import Manifests
import TestSupport
import Testing

/// Every lint rule, each with file:line and a hint, from `lint` (no cluster).
@Suite struct LintTests {
    let service = DriftFixtures.service("db")

    func endpoints(_ subsets: String, name: String = "db") -> String { DriftFixtures.endpoints(name, subsets: subsets) }

    func lint(_ text: String, path: String = "db.yaml") -> DriftReport { DriftFixtures.lint([path: text]) }

    func only(_ report: DriftReport, _ type: FindingType) throws -> Finding {
        #expect(report.findings.map(\.type) == [type], "all findings: \(report.findings.map(\.message))")
        let finding = try #require(report.findings.first)
        #expect(!finding.hint.isEmpty)
        #expect(finding.source != nil)
        return finding
    }

    @Test func invalidAddress() throws {
        for bad in ["10.0.0.256", "10.0.0.0/24", "10.0.0.1:5432", "db.example.com", "fe80::1%eth0"] {
            let file = DriftFixtures.documents(
                service, endpoints("- addresses: [{ip: '\(bad)'}]\n  ports: [{port: 5432}]"))
            let finding = try only(lint(file), .invalidAddress)
            #expect(finding.address == bad)
            #expect(finding.source?.line == DriftFixtures.line(of: bad, in: file))
            #expect(finding.severity == .error)
        }
    }

    @Test func reservedAddresses() throws {
        for reserved in ["127.0.0.1", "169.254.10.1", "224.0.0.5", "0.0.0.0", "::1", "fe80::10", "ff02::1", "::"] {
            let file = DriftFixtures.documents(
                service, endpoints("- addresses: [{ip: '\(reserved)'}]\n  ports: [{port: 5432}]"))
            let finding = try only(lint(file), .reservedAddress)
            #expect(finding.message.contains("rejects"))
        }
    }

    /// The API server rejects another Service's cluster IP: known from git, or from the cluster.
    @Test func anotherServicesClusterIP() throws {
        let dns = """
            apiVersion: v1
            kind: Service
            metadata: {name: dns, namespace: kube-system}
            spec: {clusterIP: 10.96.0.10, ports: [{port: 53}]}
            """
        let backing = endpoints("- addresses: [{ip: 10.96.0.10}]\n  ports: [{port: 5432}]")
        let file = DriftFixtures.documents(service, backing)
        let finding = try only(lint(DriftFixtures.documents(dns, service, backing)), .reservedAddress)
        #expect(finding.message.contains("cluster IP of Service kube-system/dns"))

        let report = DriftFixtures.check(desired: ["db.yaml": file], live: DriftFixtures.documents(dns, service))
        #expect(report.active(.reservedAddress).map(\.address) == ["10.96.0.10"])
    }

    @Test func addressTypeMismatch() throws {
        let slice = DriftFixtures.slice("db-v4", service: "db", endpoints: "- addresses: ['2001:db8::1']")
        let file = DriftFixtures.documents(service, slice)
        let finding = try only(lint(file), .addressTypeMismatch)
        #expect(finding.source?.line == DriftFixtures.line(of: "2001:db8::1", in: file))

        let unknown = DriftFixtures.slice(
            "db-x", service: "db", addressType: "ipv4", endpoints: "- addresses: [10.0.0.1]")
        _ = try only(lint(DriftFixtures.documents(service, unknown)), .addressTypeMismatch)

        // FQDN slices are deprecated and hold names: no address rules.
        let fqdn = DriftFixtures.slice(
            "db-f", service: "db", addressType: "FQDN", endpoints: "- addresses: [db.example.com]")
        #expect(lint(DriftFixtures.documents(service, fqdn)).findings.isEmpty)
    }

    @Test func duplicateBackendInOneObject() throws {
        let file = DriftFixtures.documents(
            service,
            endpoints(
                """
                - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
                  notReadyAddresses: [{ip: 10.0.0.1}]
                  ports: [{port: 5432}]
                """))
        let finding = try only(lint(file), .duplicateBackend)
        #expect(finding.address == "10.0.0.1")
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("2 times"))
    }

    @Test func theSameBackendInTwoObjectsIsNotADuplicate() {
        let first = DriftFixtures.slice("db-1", service: "db", endpoints: "- addresses: [10.0.0.1]")
        let second = DriftFixtures.slice("db-2", service: "db", endpoints: "- addresses: [10.0.0.1]")
        #expect(lint(DriftFixtures.documents(service, first, second)).findings.isEmpty)
    }

    @Test func endpointsWithoutService() throws {
        let finding = try only(
            lint(endpoints("- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]")), .endpointsWithoutService)
        #expect(finding.source?.line == 1)
        #expect(finding.severity == .warning)
    }

    @Test func sliceWithoutServiceNameLabel() throws {
        let slice = DriftFixtures.slice("stray", service: nil, endpoints: "- addresses: [10.0.0.1]")
        let finding = try only(lint(DriftFixtures.documents(service, slice)), .sliceWithoutServiceName)
        #expect(finding.service == nil)
        #expect(finding.object?.name == "stray")
    }

    @Test func sliceNamingAMissingService() throws {
        let slice = DriftFixtures.slice("db-1", service: "nothing", endpoints: "- addresses: [10.0.0.1]")
        let finding = try only(lint(DriftFixtures.documents(service, slice)), .sliceWithoutService)
        #expect(finding.service == ServiceKey(namespace: "shop", name: "nothing"))
    }

    @Test func selectorServiceWithHandWrittenEndpoints() throws {
        let web = """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {selector: {app: db}, ports: [{port: 5432}]}
            """
        _ = try only(
            lint(DriftFixtures.documents(web, endpoints("- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]"))),
            .selectorWithEndpoints)
    }

    @Test func externalNameServiceWithEndpoints() throws {
        let external = """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {type: ExternalName, externalName: db.example.com}
            """
        _ = try only(
            lint(
                DriftFixtures.documents(external, endpoints("- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]"))),
            .externalNameWithEndpoints)
    }

    @Test func portNameMatchingNoServicePort() throws {
        let svc = DriftFixtures.service("db", ports: "- {name: pg, port: 5432}\n- {name: metrics, port: 9187}")
        let file = DriftFixtures.documents(
            svc,
            endpoints(
                "- addresses: [{ip: 10.0.0.1}]\n  ports:\n    - {name: postgres, port: 5432}\n    - {name: metrics, port: 9187}"
            ))
        let finding = try only(lint(file), .unknownPortName)
        #expect(finding.portName == "postgres")
        #expect(finding.port == 5432)
        #expect(finding.source?.line == DriftFixtures.line(of: "name: postgres", in: file))

        // A single named Service port and an unnamed endpoint port do not match either.
        let single = DriftFixtures.service("db", ports: "- {name: pg, port: 5432}")
        _ = try only(
            lint(DriftFixtures.documents(single, endpoints("- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]"))),
            .unknownPortName)
    }

    @Test func unnamedPortOnAMultiPortService() throws {
        let svc = DriftFixtures.service("db", ports: "- {name: pg, port: 5432}\n- {name: metrics, port: 9187}")
        let slice = DriftFixtures.slice(
            "db-1", service: "db", endpoints: "- addresses: [10.0.0.1]", ports: "- port: 5432")
        _ = try only(lint(DriftFixtures.documents(svc, slice)), .unnamedPort)
    }

    @Test func overAThousandEndpoints() throws {
        let addresses = (0..<1001).map { "{ip: 10.0.\($0 / 256).\($0 % 256)}" }.joined(separator: ", ")
        _ = try only(
            lint(DriftFixtures.documents(service, endpoints("- addresses: [\(addresses)]\n  ports: [{port: 5432}]"))),
            .tooManyEndpoints)
        let endpointsList = (0..<1001).map { "- addresses: [10.1.\($0 / 256).\($0 % 256)]" }.joined(separator: "\n")
        let slice = DriftFixtures.slice("db-big", service: "db", endpoints: endpointsList)
        _ = try only(lint(DriftFixtures.documents(service, slice)), .tooManyEndpoints)
        // Exactly 1000 is allowed.
        let thousand = (0..<1000).map { "{ip: 10.0.\($0 / 256).\($0 % 256)}" }.joined(separator: ", ")
        #expect(
            lint(DriftFixtures.documents(service, endpoints("- addresses: [\(thousand)]\n  ports: [{port: 5432}]")))
                .findings
                .isEmpty)
    }

    @Test func sliceClaimingTheControllersManagedBy() throws {
        let slice = DriftFixtures.slice(
            "db-1", service: "db", managedBy: "endpointslice-controller.k8s.io", endpoints: "- addresses: [10.0.0.1]")
        _ = try only(lint(DriftFixtures.documents(service, slice)), .reservedManagedBy)
    }

    @Test func unreadableManifestIsAFinding() throws {
        let report = DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftFixtures.revision, records: [],
                    errors: [
                        ManifestError(
                            kind: .syntax, path: "bad.yaml", line: 3, column: 7,
                            message: "mapping values are not allowed here")
                    ])))
        let finding = try only(report, .invalidManifest)
        #expect(finding.source?.path == "bad.yaml")
        #expect(finding.source?.line == 3)
        #expect(finding.source?.commitID == DriftFixtures.commit)
        #expect(report.summary.outcome == .fail)

        let strict = DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftFixtures.revision, records: [],
                    errors: [ManifestError(kind: .syntax, path: "bad.yaml", line: 3, column: 7, message: "broken")]),
                strict: true))
        #expect(strict.findings.isEmpty)
        #expect(strict.summary.outcome == .error)
    }

    @Test func aBlobThatCannotBeReadMeansTheCheckIsIncomplete() {
        let report = DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftFixtures.revision, records: [],
                    errors: [
                        ManifestError(
                            kind: .unreadable, path: "x.yaml", line: 0, column: 0, message: "cannot read blob")
                    ])))
        #expect(report.errors.map(\.kind) == ["unreadable"])
        #expect(report.summary.outcome == .error)
    }

    @Test func cleanManifestsHaveNoFindings() {
        let report = lint(
            DriftFixtures.documents(service, endpoints("- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]")))
        #expect(report.findings.isEmpty)
        #expect(report.mode == .lint)
        #expect(report.services.map(\.key.description) == ["shop/db"])
        #expect(report.services.first?.status == nil)
        #expect(report.summary.outcome == .pass)
    }
}
