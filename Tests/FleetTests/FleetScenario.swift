import Drift
import Manifests
import TestSupport

/// A fleet of three: `prod` drifted (a missing and a stale backend, an ignored finding), `staging`
/// in sync, `lab` unreachable. Fixed times and durations, so that the outputs are stable.
enum FleetScenario {
    static let toolVersion = "0.0.0-test"
    static let service = DriftFixtures.service("orders-db")

    static func endpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    static let files = [
        "clusters/prod/orders-db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")),
        "clusters/prod/cache.yaml": DriftFixtures.documents(
            DriftFixtures.service("cache", ports: "- {name: redis, port: 6379}"),
            DriftFixtures.endpoints(
                "cache", subsets: "- addresses: [{ip: 10.1.0.1}]\n  ports: [{name: redis, port: 6379}]")),
    ]

    static let configuration: DriftConfiguration = {
        do {
            return try DriftConfiguration.parse(
                "ignore:\n  findings:\n    - {services: [shop/cache], types: [stale-backend], reason: being replaced}\n"
            )
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    static var prod: DriftReport {
        DriftFixtures.check(
            desired: files,
            live: DriftFixtures.documents(
                service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}"),
                DriftFixtures.service("cache", ports: "- {name: redis, port: 6379}"),
                DriftFixtures.endpoints(
                    "cache",
                    subsets: "- addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.9}]\n  ports: [{name: redis, port: 6379}]")),
            configuration: configuration, namespaces: ["shop"])
    }

    static var staging: DriftReport {
        DriftFixtures.check(
            desired: ["clusters/staging/orders-db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.9.0.1}"))],
            live: DriftFixtures.documents(service, endpoints("{ip: 10.9.0.1}")), namespaces: ["shop"])
    }

    static var lab: DriftReport {
        DriftFixtures.check(
            desired: ["clusters/lab/orders-db.yaml": DriftFixtures.documents(service, endpoints("{ip: 10.8.0.1}"))],
            live: "", namespaces: ["shop"],
            failedNamespaces: ["shop": "not compared: the live state could not be read"])
    }

    static let labError =
        "list services in namespace shop: https://lab.example:6443/api/v1/namespaces/shop/services: connection refused"

    static func fleet() -> FleetReport {
        FleetReport(
            startedAt: "2026-11-21T03:00:00Z", duration: 2.5,
            clusters: [
                ClusterReport(name: "prod", report: prod, duration: 1.25),
                ClusterReport(name: "staging", report: staging, duration: 0.5),
                ClusterReport(name: "lab", report: lab, error: labError, duration: 2.0),
            ])
    }
}
