import Drift

/// `-o json` for several clusters: an envelope with the run's outcome and a per-cluster entry that
/// holds the cluster's usual report (docs/check-json.md) under `report`. `kind: "fleet"` tells the
/// two shapes apart.
public struct FleetJSONReporter: FleetReporter {
    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func render(_ fleet: FleetReport) -> String {
        JSONWriter.write(value(fleet))
    }

    func value(_ fleet: FleetReport) -> StructuredValue {
        let totals = FleetWording.Totals(fleet)
        return .object([
            ("schemaVersion", .int(ReportJSON.schemaVersion)),
            ("kind", .string("fleet")),
            ("tool", .object([("name", .string("endpoint-drift")), ("version", .string(toolVersion))])),
            ("outcome", .string(fleet.outcome.rawValue)),
            ("startedAt", .string(fleet.startedAt)),
            ("durationSeconds", .double(Self.milliseconds(fleet.duration))),
            (
                "summary",
                .object([
                    ("clusters", .int(fleet.clusters.count)),
                    ("pass", .int(fleet.count(.pass))),
                    ("fail", .int(fleet.count(.fail))),
                    ("error", .int(fleet.count(.error))),
                    ("services", .int(totals.services)),
                    ("notInSync", .int(totals.notInSync)),
                    ("findings", .int(totals.findings)),
                    ("failing", .int(totals.failing)),
                ])
            ),
            (
                "clusters",
                .array(
                    fleet.clusters.map { cluster in
                        .object([
                            ("name", .string(cluster.name)),
                            ("outcome", .string(cluster.outcome.rawValue)),
                            ("error", .optional(cluster.error)),
                            ("durationSeconds", .double(Self.milliseconds(cluster.duration))),
                            ("report", cluster.report.map { ReportJSON.value($0, toolVersion: toolVersion) } ?? .null),
                        ])
                    })
            ),
        ])
    }

    /// Seconds rounded to milliseconds, so that the output does not carry clock noise.
    static func milliseconds(_ seconds: Double) -> Double {
        (seconds * 1000).rounded() / 1000
    }
}
