import Drift

/// `-o json`: the report as documented JSON (sorted keys, stable between runs).
public struct JSONReporter: Reporter {
    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func render(_ report: DriftReport) -> String {
        JSONWriter.write(members: ReportJSON.members(report, toolVersion: toolVersion))
    }
}
