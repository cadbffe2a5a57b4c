import Drift
import Manifests
import TestSupport

/// A pull-request check with one of everything: every drift type, lint errors and warnings, an
/// ignored finding, an unmanaged Service, a broken file, and findings introduced, pre-existing and
/// fixed. Fixed commits and times, so that the outputs are byte-for-byte stable.
enum Scenario {
    static let toolVersion = "0.0.0-test"
    static let headCommit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
    static let baseCommit = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c"

    static let ordersService = DriftFixtures.service("orders-db")
    static let cacheService = DriftFixtures.service("cache", ports: "- {name: redis, port: 6379}")

    static func orders(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    static var head: [String: String] {
        [
            "apps/shop/orders-db.yaml": DriftFixtures.documents(
                ordersService, orders("{ip: 203.0.113.20}, {ip: 203.0.113.21}, {ip: 203.0.113.23}")),
            "apps/shop/cache.yaml": DriftFixtures.documents(
                cacheService,
                DriftFixtures.endpoints(
                    "cache",
                    subsets: "- addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.2}]\n  ports: [{name: redis, port: 6379}]")),
            "apps/shop/legacy-ftp.yaml": DriftFixtures.documents(
                DriftFixtures.service("legacy-ftp", ports: "- port: 21"),
                DriftFixtures.endpoints(
                    "legacy-ftp", subsets: "- addresses: [{ip: 198.51.100.40}]\n  ports: [{port: 21}]")),
            "apps/payments/ledger.yaml": DriftFixtures.documents(
                DriftFixtures.service("ledger", namespace: "payments", ports: "- {name: grpc, port: 9090}"),
                DriftFixtures.slice(
                    "ledger-v6", service: "ledger", namespace: "payments", addressType: "IPv6",
                    endpoints: "- addresses: ['2001:db8::10']\n- addresses: ['2001:db8::11']",
                    ports: "- {name: grpc, port: 9090}")),
            "apps/payments/mainframe.yaml": DriftFixtures.documents(
                DriftFixtures.service("mainframe", namespace: "payments", ports: "- {name: mq, port: 1414}"),
                DriftFixtures.endpoints(
                    "mainframe", namespace: "payments",
                    subsets: "- addresses: [{ip: 192.0.2.50}, {ip: 127.0.0.1}]\n  ports: [{name: mq, port: 1414}]"),
                DriftFixtures.slice(
                    "stray", service: nil, namespace: "payments", endpoints: "- addresses: [192.0.2.99]",
                    ports: "- {name: mq, port: 1414}")),
        ]
    }

    static var base: [String: String] {
        var files = head
        files["apps/shop/orders-db.yaml"] = DriftFixtures.documents(
            ordersService, orders("{ip: 203.0.113.20}, {ip: 203.0.113.21}, {ip: 203.0.113.24}"))
        return files
    }

    static let live = DriftFixtures.documents(
        ordersService,
        DriftFixtures.endpoints(
            "orders-db",
            subsets:
                "- addresses: [{ip: 203.0.113.20}, {ip: 203.0.113.21}]\n  notReadyAddresses: [{ip: 203.0.113.22}]\n  ports: [{port: 5432, protocol: TCP}]"
        ),
        DriftFixtures.slice(
            "orders-db-zxhjp", service: "orders-db", managedBy: "endpointslicemirroring-controller.k8s.io",
            endpoints:
                "- {addresses: [203.0.113.20], conditions: {ready: true}}\n- {addresses: [203.0.113.21], conditions: {ready: true}}\n- {addresses: [203.0.113.22], conditions: {ready: false}}",
            ports: "- {name: '', port: 5432, protocol: TCP}"),
        cacheService,
        DriftFixtures.endpoints(
            "cache", subsets: "- addresses: [{ip: 10.1.0.2}, {ip: 10.1.0.1}]\n  ports: [{name: redis, port: 6380}]"),
        DriftFixtures.service("ledger", namespace: "payments", ports: "- {name: grpc, port: 9090}"),
        DriftFixtures.slice(
            "ledger-v6", service: "ledger", namespace: "payments", addressType: "IPv6",
            endpoints: "- addresses: ['2001:db8::10']\n- {addresses: ['2001:db8::11'], conditions: {ready: false}}",
            ports: "- {name: grpc, port: 9090}"),
        DriftFixtures.service("mainframe", namespace: "payments", ports: "- {name: mq, port: 1414}"),
        DriftFixtures.endpoints(
            "mainframe", namespace: "payments",
            subsets: "- addresses: [{ip: 192.0.2.50}]\n  ports: [{name: mq, port: 1414}]"),
        DriftFixtures.service("object-store", ports: "- {name: http, port: 80}"),
        DriftFixtures.slice(
            "object-store-rgw", service: "object-store", endpoints: "- addresses: [198.51.100.10]",
            ports: "- {name: http, port: 7480}"))

    static let configuration: DriftConfiguration = {
        do {
            return try DriftConfiguration.parse(
                """
                ignore:
                  findings:
                    - services: [payments/ledger]
                      types: [readiness-drift]
                      reason: the health check flaps
                """)
        } catch {
            preconditionFailure("scenario configuration: \(error)")
        }
    }()

    static func report(pullRequest: Bool = true) -> DriftReport {
        let headRevision = DriftReport.Revision(
            repository: "gitops", revision: "feature/new-replica", commit: headCommit)
        let baseRevision = DriftReport.Revision(repository: "gitops", revision: "main", commit: baseCommit)
        let brokenFile = ManifestError(
            kind: .syntax, path: "apps/shop/broken.yaml", line: 4, column: 9,
            message: "mapping values are not allowed in this context")
        return DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: headRevision, records: DriftFixtures.desired(head, commit: headCommit),
                    errors: [brokenFile]),
                base: pullRequest
                    ? DriftCheck.Desired(
                        revision: baseRevision, records: DriftFixtures.desired(base, commit: baseCommit),
                        errors: [brokenFile])
                    : nil,
                live: DriftCheck.Observed(
                    records: DriftFixtures.live(live), source: "file live.json", observedAt: "2026-11-21T11:40:00Z",
                    namespaces: ["payments", "shop"]),
                configuration: configuration))
    }

    /// Git and the cluster agree.
    static func inSync() -> DriftReport {
        let files = ["db.yaml": DriftFixtures.documents(ordersService, orders("{ip: 10.0.0.1}"))]
        return DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftReport.Revision(repository: "gitops", revision: "HEAD", commit: headCommit),
                    records: DriftFixtures.desired(files, commit: headCommit)),
                live: DriftCheck.Observed(
                    records: DriftFixtures.live(DriftFixtures.documents(ordersService, orders("{ip: 10.0.0.1}"))),
                    source: "file live.json", observedAt: "2026-11-21T11:40:00Z", namespaces: ["shop"])))
    }

    /// `lint` on the same head.
    static func lint() -> DriftReport {
        DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(
                    revision: DriftReport.Revision(repository: "gitops", revision: "HEAD", commit: headCommit),
                    records: DriftFixtures.desired(head, commit: headCommit)),
                configuration: configuration))
    }
}
