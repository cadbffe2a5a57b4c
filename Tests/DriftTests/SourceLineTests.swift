import Drift
import Manifests
import TestSupport
import Testing

/// docs/check-json.md: a backend finding points at the line of its address, whatever the shape of
/// the file (YAML block or flow, JSON, a `kind: List`, Endpoints or slices), and a port finding at
/// the port's line.
@Suite struct SourceLineTests {
    static let service = DriftFixtures.service("db", ports: "- {name: pg, port: 5432}")
    static let live = DriftFixtures.documents(
        service,
        DriftFixtures.endpoints("db", subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{name: pg, port: 5432}]"))

    /// Files in which git also lists 10.0.0.2, which the cluster does not serve.
    static let shapes: [(name: String, path: String, text: String)] = [
        (
            "endpoints, block", "db.yaml",
            DriftFixtures.documents(
                service,
                DriftFixtures.endpoints(
                    "db",
                    subsets: "- addresses:\n    - ip: 10.0.0.1\n    - ip: 10.0.0.2\n  ports: [{name: pg, port: 5432}]"))
        ),
        (
            "endpoints, multi-line flow items", "db.yaml",
            DriftFixtures.documents(
                service,
                DriftFixtures.endpoints(
                    "db",
                    subsets:
                        "- addresses: [\n    {ip: 10.0.0.1},\n    {\n      hostname: b,\n      ip: 10.0.0.2\n    }\n  ]\n  ports: [{name: pg, port: 5432}]"
                ))
        ),
        (
            "endpoints, JSON", "db.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "shop"},
               "spec": {"ports": [{"name": "pg", "port": 5432}]}},
              {
                "apiVersion": "v1", "kind": "Endpoints",
                "metadata": {"name": "db", "namespace": "shop"},
                "subsets": [{
                  "addresses": [
                    {"ip": "10.0.0.1"},
                    {
                      "hostname": "b",
                      "ip": "10.0.0.2"
                    }
                  ],
                  "ports": [{"name": "pg", "port": 5432}]
                }]
              }
            ]}

            """
        ),
        (
            "endpoints in a YAML List", "db.yaml",
            """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec: {ports: [{name: pg, port: 5432}]}
              - apiVersion: v1
                kind: Endpoints
                metadata: {name: db, namespace: shop}
                subsets:
                  - addresses:
                      - hostname: b
                        ip: 10.0.0.2
                      - ip: 10.0.0.1
                    ports: [{name: pg, port: 5432}]

            """
        ),
        (
            "slice, block", "db.yaml",
            DriftFixtures.documents(
                service,
                DriftFixtures.slice(
                    "db-1", service: "db",
                    endpoints: "- addresses: [10.0.0.1]\n- nodeName: n1\n  addresses:\n    - 10.0.0.2",
                    ports: "- {name: pg, port: 5432}"))
        ),
        (
            "slice, JSON", "db.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "shop"},
               "spec": {"ports": [{"name": "pg", "port": 5432}]}},
              {
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": "db-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "db"}},
                "addressType": "IPv4",
                "ports": [{"name": "pg", "port": 5432}],
                "endpoints": [
                  {"addresses": ["10.0.0.1"]},
                  {
                    "nodeName": "n1",
                    "addresses": [
                      "10.0.0.2"
                    ]
                  }
                ]
              }
            ]}

            """
        ),
    ]

    @Test(arguments: shapes.indices)
    func aBackendFindingPointsAtItsAddressLine(_ index: Int) throws {
        let shape = Self.shapes[index]
        let report = DriftFixtures.check(desired: [shape.path: shape.text], live: Self.live)
        let finding = try #require(report.active(.missingBackend).first, "\(shape.name): \(report.findings)")
        #expect(finding.source?.line == DriftFixtures.line(of: "10.0.0.2", in: shape.text), "\(shape.name)")
    }

    @Test func aPortFindingPointsAtThePortLine() throws {
        let text = DriftFixtures.documents(
            Self.service,
            DriftFixtures.endpoints(
                "db",
                subsets:
                    "- addresses: [{ip: 10.0.0.1}]\n  ports: [\n    {\n      name: pg,\n      port: 5433\n    }\n  ]"))
        let report = DriftFixtures.check(desired: ["db.yaml": text], live: Self.live)
        let finding = try #require(report.active(.portDrift).first, "\(report.findings)")
        #expect(finding.source?.line == DriftFixtures.line(of: "name: pg", in: text, after: "kind: Endpoints"))
    }
}
