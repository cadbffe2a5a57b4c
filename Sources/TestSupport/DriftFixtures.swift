import Drift
import Manifests

/// Builds records from YAML text the way the scanner and the live reader do, so that tests state
/// both sides as manifests and `kubectl get` output.
public enum DriftFixtures {
    public static let commit = "c0ffee0000000000000000000000000000000000"
    public static let revision = DriftReport.Revision(repository: "repo", revision: "HEAD", commit: commit)

    /// Desired records from files (path → text), with their source locations.
    public static func desired(_ files: [String: String], commit: String = commit) -> [ObjectRecord] {
        var records: [ObjectRecord] = []
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let output = ManifestFileReader.read(text, path: path)
            precondition(output.errors.isEmpty, "fixture \(path) does not parse: \(output.errors)")
            for object in output.objects {
                let namespace = object.object.metadata.namespace ?? "default"
                records.append(object.record(path: path, namespace: namespace, rule: .metadata, commitID: commit))
            }
        }
        return records
    }

    /// Live records from YAML documents (as `kubectl get -o yaml` prints them, one object each).
    public static func live(_ text: String) -> [ObjectRecord] {
        let output = ManifestFileReader.read(text, path: "live.yaml")
        precondition(output.errors.isEmpty, "live fixture does not parse: \(output.errors)")
        return output.objects.map { ObjectRecord(live: $0.object) }
    }

    public static func check(
        desired files: [String: String], live text: String, configuration: DriftConfiguration = DriftConfiguration(),
        namespaces: Set<String>? = nil, failedNamespaces: [String: String] = [:], failPolicy: FailPolicy = .bySeverity
    ) -> DriftReport {
        DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(revision: revision, records: desired(files)),
                live: DriftCheck.Observed(
                    records: live(text), source: "test", observedAt: "2026-01-01T00:00:00Z", namespaces: namespaces,
                    failedNamespaces: failedNamespaces),
                configuration: configuration, failPolicy: failPolicy))
    }

    public static func lint(
        _ files: [String: String], configuration: DriftConfiguration = DriftConfiguration()
    ) -> DriftReport {
        DriftCheck.run(
            DriftCheck.Input(
                desired: DriftCheck.Desired(revision: revision, records: desired(files)), configuration: configuration))
    }

    // MARK: Manifests

    public static func service(_ name: String, namespace: String = "shop", ports: String = "- port: 5432") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          ports:
        \(indent(ports, 4))
        """
    }

    public static func endpoints(
        _ name: String, namespace: String = "shop", labels: String? = nil, annotations: String? = nil, subsets: String
    ) -> String {
        var metadata = "  name: \(name)\n  namespace: \(namespace)"
        if let labels { metadata += "\n  labels:\n\(indent(labels, 4))" }
        if let annotations { metadata += "\n  annotations:\n\(indent(annotations, 4))" }
        return """
            apiVersion: v1
            kind: Endpoints
            metadata:
            \(metadata)
            subsets:
            \(indent(subsets, 2))
            """
    }

    public static func slice(
        _ name: String, service: String?, namespace: String = "shop", addressType: String = "IPv4",
        managedBy: String? = "gitops", endpoints: String, ports: String? = "- port: 5432"
    ) -> String {
        var labels: [String] = []
        if let service { labels.append("kubernetes.io/service-name: \(service)") }
        if let managedBy { labels.append("endpointslice.kubernetes.io/managed-by: \(managedBy)") }
        var text = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: \(name)
              namespace: \(namespace)
            """
        if !labels.isEmpty { text += "\n  labels:\n" + labels.map { "    " + $0 }.joined(separator: "\n") }
        text += "\naddressType: \(addressType)\nendpoints:\n\(indent(endpoints, 2))"
        if let ports { text += "\nports:\n\(indent(ports, 2))" }
        return text
    }

    public static func documents(_ parts: String...) -> String { parts.joined(separator: "\n---\n") + "\n" }

    static func indent(_ text: String, _ spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }
}

extension DriftReport {
    /// Findings that are not ignored, of one type.
    public func active(_ type: FindingType) -> [Finding] { findings.filter { $0.type == type && !$0.isIgnored } }

    public var activeFindings: [Finding] { findings.filter { !$0.isIgnored } }

    public func status(_ namespace: String, _ name: String) -> ServiceStatus? {
        services.first { $0.key == ServiceKey(namespace: namespace, name: name) }?.status
    }
}

extension DriftFixtures {
    /// The 1-based line of the first line of `text` containing `needle` (after `after`, if given).
    public static func line(of needle: String, in text: String, after: String? = nil) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var start = 0
        if let after, let index = lines.firstIndex(where: { $0.contains(after) }) { start = index }
        return (lines[start...].firstIndex { $0.contains(needle) } ?? -1) + 1
    }
}

extension DriftFixtures {
    /// Findings to group, for the grouping tests of the reports and of the webhook text:
    /// ceph-rgw (http 8080, admin 8081): git .11 .13, cluster .11 .23 → .13 replaced by .23;
    /// orders-db (pg 5432, repl 5433): git .1 .2, cluster .1 → .2 missing on both ports.
    public static func groupingReport() -> DriftReport {
        let rgwService = DriftFixtures.service(
            "ceph-rgw", namespace: "storage", ports: "- {name: http, port: 8080}\n- {name: admin, port: 8081}")
        func rgw(_ addresses: String) -> String {
            DriftFixtures.endpoints(
                "ceph-rgw", namespace: "storage",
                subsets: "- addresses: [\(addresses)]\n  ports: [{name: http, port: 8080}, {name: admin, port: 8081}]")
        }
        let dbService = DriftFixtures.service(
            "orders-db", ports: "- {name: pg, port: 5432}\n- {name: repl, port: 5433}")
        func db(_ addresses: String) -> String {
            DriftFixtures.endpoints(
                "orders-db",
                subsets: "- addresses: [\(addresses)]\n  ports: [{name: pg, port: 5432}, {name: repl, port: 5433}]")
        }
        return DriftFixtures.check(
            desired: [
                "storage/rgw.yaml": DriftFixtures.documents(rgwService, rgw("{ip: 192.0.2.11}, {ip: 192.0.2.13}")),
                "shop/db.yaml": DriftFixtures.documents(dbService, db("{ip: 10.0.0.1}, {ip: 10.0.0.2}")),
            ],
            live: DriftFixtures.documents(
                rgwService, rgw("{ip: 192.0.2.11}, {ip: 192.0.2.23}"), dbService, db("{ip: 10.0.0.1}")))
    }
}
