import Foundation
import Manifests
import Remediation
import TestSupport
import Testing

/// The cases of issue 17 seen on a real API server: `fix` writes only objects the API server
/// accepts, and says "fixed" only when the re-check is clean.
@Suite struct AcceptedEditsTests {
    /// Runs the fix and checks what every run must hold: the files it writes pass the API server's
    /// validation, and a service reported fixed has no drift left.
    func fix(_ files: [String: String], live: String) -> FixHarness.Result {
        let result = FixHarness(files: files, live: live).run()
        for (path, text) in result.edited {
            guard let text else { continue }
            #expect(FixHarness.validationProblems(text, path: path).isEmpty, "\(path):\n\(text)")
        }
        let drift = FixHarness.remainingDrift(files: files, edited: result.edited, live: live)
        for service in result.output.services where service.status == .fixed {
            #expect(!drift.contains(service.service), "\(service.service) reported fixed, but drift remains")
        }
        return result
    }

    static func slice(_ name: String, ports: String, endpoints: String, type: String = "IPv4") -> String {
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: \(name)
          namespace: default
          labels:
            kubernetes.io/service-name: db
        addressType: \(type)
        ports: \(ports)
        endpoints:
        \(endpoints)
        """
    }

    /// Git `[192.0.2.1, 192.0.2.2] × [6379]`; the cluster also serves both addresses on 9000 from a
    /// second subset. Two unnamed ports in one subset are refused: the fix adds a subset.
    @Test func aLiveOnlyPortSetOfUnnamedPortsBecomesANewSubset() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: db
            subsets:
              - addresses:
                  - ip: 192.0.2.1
                  - ip: 192.0.2.2
                ports:
                  - port: 6379

            """
        let live = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.1}, {ip: 192.0.2.2}]
              ports: [{port: 6379, protocol: TCP}]
            - addresses: [{ip: 192.0.2.1}, {ip: 192.0.2.2}]
              ports: [{port: 9000, protocol: TCP}]

            """
        let result = fix(["db.yaml": git], live: live)
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        let text = try #require(result.text("db.yaml"))
        let endpoints = try #require(
            FixHarness.records(text, path: "db.yaml", live: false).compactMap { record -> Endpoints? in
                if case .endpoints(let endpoints) = record.object { return endpoints }
                return nil
            }.first)
        #expect(endpoints.subsets.count == 2)
        #expect(endpoints.subsets.allSatisfy { $0.ports.count == 1 })
    }

    /// Two named ports in one subset are accepted: there the live-only port joins the subset.
    @Test func aNamedLiveOnlyPortJoinsItsSubset() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets:
              - addresses: [{ip: 192.0.2.1}]
                ports: [{name: redis, port: 6379}]

            """
        let live = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.1}]
              ports: [{name: redis, port: 6379}, {name: admin, port: 9000}]

            """
        let result = fix(["db.yaml": git], live: live)
        #expect(result.output.services.map(\.status) == [.fixed])
        #expect(result.text("db.yaml")?.contains("name: admin") == true)
        #expect(result.text("db.yaml")?.components(separatedBy: "addresses").count == 2)
    }

    /// Two slices both serve `rgw` 123/UDP; the cluster renumbered it to 5672 in one of them. The fix
    /// edits that slice's port in place, and touches neither the other slice nor makes a new one.
    @Test func aPortRenumberedInOneOfTwoSlicesIsEditedInPlace() throws {
        let a = Self.slice(
            "rgw-a", ports: "[{name: rgw, port: 123, protocol: UDP}]", endpoints: "  - addresses: [192.0.2.1]")
        let b = Self.slice(
            "rgw-b", ports: "[{name: rgw, port: 123, protocol: UDP}]", endpoints: "  - addresses: [192.0.2.2]")
        let liveB = Self.slice(
            "rgw-b", ports: "[{name: rgw, port: 5672, protocol: UDP}]", endpoints: "  - addresses: [192.0.2.2]")
        let result = fix(["a.yaml": a + "\n", "b.yaml": b + "\n"], live: a + "\n---\n" + liveB + "\n")
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        #expect(result.edited["a.yaml"] == nil)
        #expect(result.text("b.yaml") == b.replacingOccurrences(of: "port: 123", with: "port: 5672") + "\n")
        #expect(result.plan.services.flatMap(\.newObjects).isEmpty)
    }

    /// The same, when both slices list the same endpoint.
    @Test func aPortRenumberedInOneOfTwoSlicesSharingAnEndpoint() throws {
        let a = Self.slice(
            "rgw-a", ports: "[{name: rgw, port: 123, protocol: UDP}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.2]")
        let b = Self.slice(
            "rgw-b", ports: "[{name: rgw, port: 123, protocol: UDP}]",
            endpoints: "  - addresses: [192.0.2.2]\n  - addresses: [192.0.2.3]")
        let liveB = b.replacingOccurrences(of: "port: 123", with: "port: 5672")
        let result = fix(["a.yaml": a + "\n", "b.yaml": b + "\n"], live: a + "\n---\n" + liveB + "\n")
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        #expect(result.plan.services.flatMap(\.newObjects).isEmpty)
    }

    /// A hand-written live slice git lacks (`db-b`, ports `[admin 9000]`) beside git's `db-a`: the fix
    /// writes it under its live name, so the re-check finds no missing object.
    @Test func aLiveSliceAbsentFromGitIsWrittenUnderItsLiveName() throws {
        let a = Self.slice("db-a", ports: "[{name: http, port: 80}]", endpoints: "  - addresses: [192.0.2.1]")
        let liveB = Self.slice(
            "db-b", ports: "[{name: admin, port: 9000}]", endpoints: "  - addresses: [192.0.2.9]")
        let result = fix(["db.yaml": a + "\n"], live: a + "\n---\n" + liveB + "\n")
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        #expect(result.plan.services.flatMap(\.newObjects).map(\.object.metadata.name) == ["db-b"])
    }

    /// A new slice the cluster does not have (no live slice holds those backends) cannot be
    /// "fixed": the re-check would report it missing. The fix says so and exits 1.
    @Test func aNewSliceTheClusterLacksIsNotFixed() throws {
        let a = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.9]"
        )
        // The cluster serves 192.0.2.9 on another port from db-a itself (git has db-a's ports).
        let liveA = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.9]")
        let mirrored = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: "2001:db8::9"}]
              ports: [{name: http, port: 80}]
            """
        let result = fix(["db.yaml": a + "\n"], live: liveA + "\n---\n" + mirrored + "\n")
        let outcome = try #require(result.output.services.first)
        #expect(outcome.status == .partial, "\(outcome)")
        #expect(
            outcome.reasons.contains { $0.hasPrefix("not fixed: EndpointSlice default/db-ipv6") }, "\(outcome.reasons)")
        #expect(result.output.hasRemainingDrift)
    }

    /// A file that starts with a UTF-8 byte-order mark is edited after it, and keeps it.
    @Test func aFileWithAByteOrderMarkIsEdited() throws {
        let git =
            "\u{FEFF}apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\nsubsets:\n  - addresses:\n      - ip: 192.0.2.1\n    ports:\n      - port: 5432\n"
        let live = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.1}, {ip: 192.0.2.31}]
              ports: [{port: 5432}]

            """
        let result = fix(["db.yaml": git], live: live)
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        #expect(
            result.text("db.yaml")
                == git.replacingOccurrences(of: "- ip: 192.0.2.1\n", with: "- ip: 192.0.2.1\n      - ip: 192.0.2.31\n"))
    }

    /// A copied endpoint does not define its template's anchor again (legal YAML 1.2, but PyYAML and
    /// other strict parsers refuse a repeated anchor).
    @Test func aCopiedItemDropsItsAnchor() throws {
        let git = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: """
                  - addresses: [192.0.2.1]
                    conditions: &ok
                      ready: true
                  - addresses: [192.0.2.2]
                    conditions: *ok
                """)
        let live = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.2]\n  - addresses: [192.0.2.3]")
        let result = fix(["db.yaml": git + "\n"], live: live + "\n")
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        let text = try #require(result.text("db.yaml"))
        #expect(text.components(separatedBy: "&ok").count == 2, "\(text)")
        #expect(text.contains("192.0.2.3"))
    }

    /// An address served by a slice with ports and by a slice without (all ports), and an Endpoints
    /// subset without ports: plain edits work around them.
    @Test func portlessSlicesAndSubsetsAreEdited() throws {
        let ported = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.2]")
        let portless = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: db-b
              namespace: default
              labels:
                kubernetes.io/service-name: db
            addressType: IPv4
            endpoints:
              - addresses: [192.0.2.1]
            """
        let liveA = Self.slice(
            "db-a", ports: "[{name: http, port: 80}]",
            endpoints: "  - addresses: [192.0.2.1]\n  - addresses: [192.0.2.3]")
        let result = fix(["db.yaml": ported + "\n---\n" + portless + "\n"], live: liveA + "\n---\n" + portless + "\n")
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")

        let endpoints = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets:
              - addresses: [{ip: 192.0.2.1}]
              - addresses: [{ip: 192.0.2.5}]
                ports: [{port: 5432}]

            """
        let liveEndpoints = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.1}, {ip: 192.0.2.2}]
            - addresses: [{ip: 192.0.2.5}]
              ports: [{port: 5432}]

            """
        let second = fix(["e.yaml": endpoints], live: liveEndpoints)
        #expect(second.output.services.map(\.status) == [.fixed], "\(second.output.services)")
        #expect(second.text("e.yaml")?.contains("192.0.2.2") == true)
    }

    /// An IP both ready and not ready on one port is mirrored as one not-ready endpoint: git that
    /// writes it so matches a cluster where it is not ready, and a fix towards "ready" removes the
    /// not-ready copy instead of writing the address twice.
    @Test func anAddressBothReadyAndNotReadyIsNotReady() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets:
              - addresses: [{ip: 192.0.2.1}, {ip: 192.0.2.2}]
                notReadyAddresses: [{ip: 192.0.2.2}]
                ports: [{port: 5432}]

            """
        let notReadyLive = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.1}]
              notReadyAddresses: [{ip: 192.0.2.2}]
              ports: [{port: 5432}]

            """
        #expect(FixHarness.remainingDrift(files: ["db.yaml": git], edited: [:], live: notReadyLive).isEmpty)
        let readyLive = notReadyLive.replacingOccurrences(
            of: "[{ip: 192.0.2.1}]\n  notReadyAddresses: [{ip: 192.0.2.2}]", with: "[{ip: 192.0.2.1}, {ip: 192.0.2.2}]")
        let result = fix(["db.yaml": git], live: readyLive)
        #expect(result.output.services.map(\.status) == [.fixed], "\(result.output.services)")
        let text = try #require(result.text("db.yaml"))
        #expect(text.components(separatedBy: "192.0.2.2").count == 2, "\(text)")
    }

    /// A replaced address keeps the trailing comment that names the backend (issue 13).
    @Test func aReplacedAddressKeepsItsTrailingComment() throws {
        let git = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets:
              - addresses:
                  - ip: 192.0.2.12  # rgw-a1
                  - ip: 192.0.2.13  # rgw-b1
                ports: [{name: rgw, port: 8080}]

            """
        let live = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.12}, {ip: 192.0.2.23}]
              ports: [{name: rgw, port: 8080}]

            """
        let result = fix(["db.yaml": git], live: live)
        #expect(result.output.services.map(\.status) == [.fixed])
        #expect(
            result.text("db.yaml") == git.replacingOccurrences(of: "192.0.2.13  # rgw-b1", with: "192.0.2.23  # rgw-b1")
        )
    }

    /// `--adopt` adopts Services with their backends; an orphan (live Endpoints with no Service
    /// anywhere) is check's `orphan-live-object`, whose hint says to delete it: adopt leaves it.
    @Test func adoptLeavesOrphansAlone() {
        let git = Self.slice("db-a", ports: "[{name: http, port: 80}]", endpoints: "  - addresses: [192.0.2.1]")
        let orphan = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: gone, namespace: default}
            subsets:
            - addresses: [{ip: 192.0.2.7}]
              ports: [{port: 21}]
            """
        var harness = FixHarness(files: ["db.yaml": git + "\n"], live: git + "\n---\n" + orphan + "\n")
        harness.options = FixPlanner.Options(adoptDirectory: "adopted")
        let result = harness.run()
        #expect(result.plan.services.isEmpty, "\(result.plan.services)")
        #expect(result.edited.isEmpty)
    }

    /// Every refused case of the shared validation table, as the cluster's state: a fix towards it
    /// would have to write the refused object. Whatever it plans, every file it writes passes the
    /// validation; what it cannot write is reported, never written.
    @Test func aFixNeverWritesAnObjectTheAPIServerRefuses() {
        let endpoints = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db, namespace: shop}
            subsets:
              - addresses: [{ip: 192.0.2.1}]
                ports: [{port: 5432}]

            """
        let slice = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            endpoints:
              - addresses: ["192.0.2.1"]
            ports: [{name: pg, port: 5432}]

            """
        var refusals = 0
        let rows = APIValidationCases.all.filter { !$0.accepted && !$0.manifest.contains("kind: Service\n") }
        for row in rows {
            let git = row.manifest.contains("kind: Endpoints\n") ? endpoints : slice
            let result = FixHarness(files: ["case.yaml": git], live: row.manifest + "\n").run()
            for (path, text) in result.edited {
                guard let text else { continue }
                let problems = FixHarness.validationProblems(text, path: path)
                #expect(problems.isEmpty, "\(row.name): \(problems)\n\(text)")
            }
            let reasons = result.output.services.flatMap(\.reasons)
            if reasons.contains(where: { $0.contains("the API server would refuse") }) { refusals += 1 }
        }
        // The validation step, not only luck in planning, kept those files out.
        #expect(refusals >= 10, "\(refusals) of \(rows.count)")
    }
}
