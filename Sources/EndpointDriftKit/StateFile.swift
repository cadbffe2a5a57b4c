import Drift
import FileIO
import Foundation
import Manifests
import Reporting

/// `--state FILE`: what the last run found, so that the next one can tell what changed. JSON,
/// written atomically; `lastRun` also says what this run changed, for scripts (a CI job that
/// opens an issue on new drift reads `.lastRun.new`).
///
/// ```json
/// {"schemaVersion": 1, "updatedAt": "…",
///  "clusters": {"prod": {"error": null, "findings": [{"id": "…", "type": "missing-backend", …}]}},
///  "lastRun": {"at": "…", "changed": true, "notified": false, "new": […], "resolved": […],
///              "failing": […], "recovered": […]}}
/// ```
enum StateFile {
    static let schemaVersion = 1

    /// The remembered run; an empty one when the file does not exist (the first run).
    static func read(_ path: String) throws(RunError) -> RememberedRun {
        guard FileManager.default.fileExists(atPath: path) else { return RememberedRun() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunError(operation: "read state file", subject: path, message: "cannot read it")
        }
        let broken = RunError(
            operation: "read state file", subject: path,
            message: "it is not a state file written by endpoint-drift; move it away to start over")
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw broken }
        guard root["schemaVersion"] as? Int == schemaVersion else {
            throw RunError(
                operation: "read state file", subject: path,
                message: "it has schemaVersion \(root["schemaVersion"].map { "\($0)" } ?? "(none)"); "
                    + "this endpoint-drift reads \(schemaVersion)")
        }
        guard let clusters = root["clusters"] as? [String: Any] else { throw broken }
        var run = RememberedRun()
        for (name, value) in clusters {
            guard let fields = value as? [String: Any], let findings = fields["findings"] as? [[String: Any]] else {
                throw broken
            }
            var cluster = RememberedRun.Cluster(error: fields["error"] as? String)
            for finding in findings {
                guard let item = item(finding, cluster: name) else { throw broken }
                cluster.findings[item.id] = item
            }
            run.clusters[name] = cluster
        }
        return run
    }

    static func write(
        _ run: RememberedRun, changes: FleetChanges, notified: Bool, at time: String, to path: String
    ) throws(RunError) {
        let clusters: [(String, StructuredValue)] = run.clusters.sorted { $0.key < $1.key }.map { name, cluster in
            let findings = cluster.findings.values.sorted { ($0.service ?? "~", $0.id) < ($1.service ?? "~", $1.id) }
            return (
                name,
                .object([("error", .optional(cluster.error)), ("findings", .array(findings.map(value)))])
            )
        }
        let document: StructuredValue = .object([
            ("schemaVersion", .int(schemaVersion)),
            ("updatedAt", .string(time)),
            ("clusters", .object(clusters)),
            (
                "lastRun",
                .object([
                    ("at", .string(time)),
                    ("changed", .bool(!changes.isEmpty)),
                    ("notified", .bool(notified)),
                    ("new", .array(changes.new.map(value))),
                    ("resolved", .array(changes.resolved.map(value))),
                    (
                        "failing",
                        .array(
                            changes.failing.map {
                                .object([("cluster", .string($0.cluster)), ("error", .string($0.error))])
                            })
                    ),
                    ("recovered", .array(changes.recovered.map(StructuredValue.string))),
                ])
            ),
        ])
        do {
            try AtomicFile.write(SecretMask.apply(JSONWriter.write(document)), to: path)
        } catch {
            throw RunError(operation: "write state file", subject: path, message: error.message)
        }
    }

    private static func value(_ item: FleetChanges.Item) -> StructuredValue {
        .object([
            ("cluster", .string(item.cluster)), ("id", .string(item.id)), ("type", .string(item.type)),
            ("service", .optional(item.service)), ("text", .string(item.text)), ("location", .optional(item.location)),
            ("message", .optional(item.message)),
            (
                "backend",
                item.backend.map { key in
                    StructuredValue.object([
                        ("address", .string(key.address)), ("port", key.port.map(StructuredValue.int) ?? .null),
                        ("protocol", .string(key.protocol)), ("portName", .string(key.portName)),
                    ])
                } ?? .null
            ),
        ])
    }

    private static func item(_ fields: [String: Any], cluster: String) -> FleetChanges.Item? {
        guard let id = fields["id"] as? String, let type = fields["type"] as? String,
            let text = fields["text"] as? String
        else { return nil }
        // Files written before backends were remembered have neither field: their items are listed
        // one per line.
        var backend: BackendKey?
        if let fields = fields["backend"] as? [String: Any], let address = fields["address"] as? String,
            let `protocol` = fields["protocol"] as? String
        {
            backend = BackendKey(
                address: address, port: fields["port"] as? Int, protocol: `protocol`,
                portName: fields["portName"] as? String ?? "")
        }
        return FleetChanges.Item(
            cluster: cluster, id: id, type: type, service: fields["service"] as? String, text: text,
            location: fields["location"] as? String, backend: backend, message: fields["message"] as? String)
    }
}
