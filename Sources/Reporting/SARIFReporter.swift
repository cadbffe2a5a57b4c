import Drift
import Manifests

/// `-o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One rule per finding
/// type (every type, so rule indexes are stable), results located at the manifest file and line,
/// ignored findings as suppressed results, and a fingerprint that survives line moves.
///
/// GitHub rejects the whole file when one result lacks a file location, so findings that git has
/// no file for (an unmanaged live object) are tool notifications tied to their rule, not results.
public struct SARIFReporter: Reporter {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func render(_ report: DriftReport) -> String {
        JSONWriter.write(members: document(runs: [run(report, category: "endpoint-drift/\(report.mode.rawValue)/")]))
    }

    /// The SARIF log's members; written with `JSONWriter.write(members:)`.
    func document(runs: [JSONWriter.Member]) -> [(String, JSONWriter.Member)] {
        [
            ("$schema", .value(.string(Self.schemaURI))),
            ("version", .value(.string("2.1.0"))),
            ("runs", .array(runs)),
        ]
    }

    /// One run; `category` is its `automationDetails.id`, which GitHub uses to keep the results of
    /// different runs (clusters) apart. Results are made one at a time as they are written.
    func run(_ report: DriftReport, category: String, errors: [String] = []) -> JSONWriter.Member {
        let located = report.findings.indices.filter { report.findings[$0].source != nil }
        var members: [(String, JSONWriter.Member)] = [
            ("tool", .value(tool)),
            ("automationDetails", .value(.object([("id", .string(category))]))),
            ("invocations", .value(.array([invocation(report, errors: errors)]))),
            ("columnKind", .value(.string("unicodeCodePoints"))),
            (
                "results",
                .elements(count: located.count) {
                    result(report.findings[located[$0]], failing: report.fails(report.findings[located[$0]]))
                }
            ),
        ]
        if report.isPullRequest { members.append(("properties", .value(pullRequest(report)))) }
        return .object(members)
    }

    /// A run for a cluster that has no report: no results, the reason as an error notification.
    func failedRun(category: String, message: String) -> JSONWriter.Member {
        .value(
            .object([
                ("tool", tool),
                ("automationDetails", .object([("id", .string(category))])),
                (
                    "invocations",
                    .array([
                        .object([
                            ("executionSuccessful", .bool(false)),
                            (
                                "toolExecutionNotifications",
                                .array([
                                    .object([
                                        ("level", .string("error")), ("message", .object([("text", .string(message))])),
                                    ])
                                ])
                            ),
                        ])
                    ])
                ),
                ("columnKind", .string("unicodeCodePoints")),
                ("results", .array([])),
            ]))
    }

    private var tool: StructuredValue {
        .object([
            (
                "driver",
                .object([
                    ("name", .string("endpoint-drift")),
                    ("version", .string(toolVersion)),
                    ("semanticVersion", .string(toolVersion)),
                    ("rules", .array(FindingType.allCases.map(rule))),
                ])
            )
        ])
    }

    private func rule(_ type: FindingType) -> StructuredValue {
        .object([
            ("id", .string(type.rawValue)),
            ("name", .string(Self.ruleName(type))),
            ("shortDescription", .object([("text", .string(type.title))])),
            ("fullDescription", .object([("text", .string(type.explanation))])),
            ("help", .object([("text", .string("Fix: \(type.hint)"))])),
            ("defaultConfiguration", .object([("level", .string(Self.level(type.defaultSeverity)))])),
            ("properties", .object([("tags", .array([.string(type.category.rawValue), .string("kubernetes")]))])),
        ])
    }

    private func invocation(_ report: DriftReport, errors: [String]) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("executionSuccessful", .bool(report.errors.isEmpty && errors.isEmpty))
        ]
        var notifications: [StructuredValue] = (errors + report.errors.map(\.located)).map { text in
            .object([("level", .string("error")), ("message", .object([("text", .string(text))]))])
        }
        for finding in report.findings where finding.source == nil && !finding.isIgnored {
            notifications.append(
                .object([
                    ("level", .string(Self.level(finding.severity))),
                    ("message", .object([("text", .string("\(finding.message). Hint: \(finding.hint)"))])),
                    ("associatedRule", .object([("id", .string(finding.type.rawValue))])),
                    ("locations", .array([location(finding)])),
                ]))
        }
        if !notifications.isEmpty { members.append(("toolExecutionNotifications", .array(notifications))) }
        return .object(members)
    }

    /// Pull-request mode: the three parts as run properties (code scanning shows results; the plan
    /// and what was fixed are for other readers of the file).
    private func pullRequest(_ report: DriftReport) -> StructuredValue {
        let summary = report.summary
        return .object([
            (
                "pullRequest",
                .object([
                    ("appliedBy", .string(report.appliedBy.rawValue)),
                    (
                        "plan",
                        .array(
                            report.desiredChanges.map {
                                .object([
                                    ("service", .string($0.service.description)), ("kind", .string($0.kind.rawValue)),
                                    ("change", .string(ReportWording.change($0))),
                                    ("onceApplied", .string(ReportWording.onceApplied($0))),
                                ])
                            })
                    ),
                    ("planned", .int(summary.planned ?? 0)), ("preExisting", .int(summary.preExisting ?? 0)),
                    ("introduced", .int(summary.introduced ?? 0)),
                    ("fixed", .array(report.fixed.map { .string($0.fingerprint) })),
                ])
            )
        ])
    }

    /// A planned difference that does not fail the run is a note: the merge resolves it.
    private func result(_ finding: Finding, failing: Bool) -> StructuredValue {
        let level = finding.change == .planned && !failing ? "note" : Self.level(finding.severity)
        var members: [(String, StructuredValue)] = [
            ("ruleId", .string(finding.type.rawValue)),
            ("ruleIndex", .int(FindingType.allCases.firstIndex(of: finding.type) ?? 0)),
            ("level", .string(level)),
            ("message", .object([("text", .string("\(finding.message). Hint: \(finding.hint)"))])),
            ("locations", .array([location(finding)])),
            ("partialFingerprints", .object([("endpointDriftFinding/v1", .string(finding.fingerprint))])),
        ]
        if let reason = finding.ignoredBy {
            let kind = reason.hasPrefix("annotation") ? "inSource" : "external"
            members.append(
                ("suppressions", .array([.object([("kind", .string(kind)), ("justification", .string(reason))])])))
        }
        if let change = finding.change {
            members.append(("baselineState", .string(change == .preExisting ? "unchanged" : "new")))
        }
        var properties: [(String, StructuredValue)] = [("category", .string(finding.type.category.rawValue))]
        if let change = finding.change { properties.append(("change", .string(change.rawValue))) }
        if let service = finding.service {
            properties += [("namespace", .string(service.namespace)), ("service", .string(service.name))]
        }
        if let address = finding.address { properties.append(("address", .string(address))) }
        if let port = finding.port { properties.append(("port", .int(port))) }
        members.append(("properties", .object(properties)))
        return .object(members)
    }

    /// The file and line in git, and the Kubernetes object as a logical location.
    private func location(_ finding: Finding) -> StructuredValue {
        var members: [(String, StructuredValue)] = []
        if let source = finding.source {
            var physical: [(String, StructuredValue)] = [
                ("artifactLocation", .object([("uri", .string(Self.uriReference(source.path)))]))
            ]
            if source.line > 0 { physical.append(("region", .object([("startLine", .int(source.line))]))) }
            members.append(("physicalLocation", .object(physical)))
        }
        if let object = finding.object {
            members.append(
                (
                    "logicalLocations",
                    .array([
                        .object([("fullyQualifiedName", .string(object.description)), ("kind", .string("resource"))])
                    ])
                ))
        }
        return .object(members)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// `missing-backend` → `MissingBackend`.
    static func ruleName(_ type: FindingType) -> String {
        type.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A repository path as a relative URI reference (`RepositoryLink.encode`: RFC 3986's unreserved
    /// characters and `/` kept, every other byte percent-encoded).
    static func uriReference(_ path: String) -> String { RepositoryLink.encode(path) }
}
