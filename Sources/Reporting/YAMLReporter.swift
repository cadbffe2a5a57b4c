import Drift

/// `-o yaml`: the JSON report (docs/check-json.md) as YAML, as `kubectl -o yaml` is `-o json` in
/// another syntax; the same keys, values and schema version.
public struct YAMLReporter: Reporter, FleetReporter {
    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func render(_ report: DriftReport) -> String {
        YAMLWriter.write(ReportJSON.value(report, toolVersion: toolVersion))
    }

    public func render(_ fleet: FleetReport) -> String {
        YAMLWriter.write(FleetJSONReporter(toolVersion: toolVersion).value(fleet))
    }
}
