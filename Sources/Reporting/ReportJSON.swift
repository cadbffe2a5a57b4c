import Drift
import Manifests

/// The documented machine shape of a check or lint report (docs/check-json.md). Bump
/// `schemaVersion` on any change that removes or renames a field; adding fields keeps it. Version 2:
/// pull-request mode as a plan (`plan` replaced `desiredChanges`; `change` gained `planned`, and
/// `introduced` is lint only).
public enum ReportJSON {
    public static let schemaVersion = 2

    public static func value(_ report: DriftReport, toolVersion: String) -> StructuredValue {
        .object(members(report, toolVersion: toolVersion).map { ($0.0, $0.1.value) })
    }

    /// The document's members, its long lists (services, findings) made an element at a time, so
    /// that `JSONReporter` writes each element as it is made instead of building the whole tree.
    static func members(_ report: DriftReport, toolVersion: String) -> [(String, JSONWriter.Member)] {
        let summary = report.summary
        let byService = report.findingsByService
        var members: [(String, JSONWriter.Member)] = [
            ("schemaVersion", .value(.int(schemaVersion))),
            ("tool", .value(.object([("name", .string("endpoint-drift")), ("version", .string(toolVersion))]))),
            ("mode", .value(.string(report.mode.rawValue))),
            ("outcome", .value(.string(summary.outcome.rawValue))),
            ("desired", .value(revision(report.desired))),
            ("base", .value(report.base.map(revision) ?? .null)),
            ("live", .value(report.live.map(live) ?? .null)),
            ("summary", .value(self.summary(summary, pullRequest: report.isPullRequest))),
            (
                "services",
                .elements(count: report.services.count) {
                    service(report.services[$0], findings: byService[report.services[$0].key] ?? [])
                }
            ),
            (
                "findings",
                .elements(count: report.findings.count) {
                    finding(report.findings[$0], failing: report.fails(report.findings[$0]))
                }
            ),
            ("notes", .value(.array(report.notes.map(message)))),
            ("errors", .value(.array(report.errors.map(message)))),
        ]
        if report.isPullRequest {
            members.append(("fixed", .elements(count: report.fixed.count) { finding(report.fixed[$0]) }))
            members.append(
                (
                    "plan",
                    .value(
                        .object([
                            ("appliedBy", .string(report.appliedBy.rawValue)),
                            ("services", .array(report.desiredChanges.map(change))),
                        ]))
                ))
        }
        return members
    }

    static func revision(_ revision: DriftReport.Revision) -> StructuredValue {
        .object([
            ("repository", .string(revision.repository)), ("revision", .string(revision.revision)),
            ("commit", .string(revision.commit)),
        ])
    }

    static func live(_ live: DriftReport.LiveInfo) -> StructuredValue {
        .object([
            ("source", .string(live.source)), ("observedAt", .string(live.observedAt)),
            ("namespaces", live.namespaces.map { .array($0.map(StructuredValue.string)) } ?? .null),
        ])
    }

    static func summary(_ summary: DriftSummary, pullRequest: Bool) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("services", .int(summary.services)),
            ("inSync", .int(summary.count(ServiceStatus.inSync))),
            ("drifted", .int(summary.count(ServiceStatus.drifted))),
            ("missingLive", .int(summary.count(ServiceStatus.missingLive))),
            ("unmanaged", .int(summary.count(ServiceStatus.unmanaged))),
            ("error", .int(summary.count(ServiceStatus.error))),
            ("excludedServices", .int(summary.excludedServices)),
            ("findings", .int(summary.findings)),
            ("ignored", .int(summary.ignored)),
            ("failing", .int(summary.failing)),
            ("bySeverity", .object(Severity.allCases.map { ($0.rawValue, .int(summary.count($0))) })),
            ("byType", .object(summary.byType.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int($0.value)) })),
            ("desiredBackends", .int(summary.desiredBackends)),
            ("liveBackends", .int(summary.liveBackends)),
            ("errors", .int(summary.errors)),
        ]
        if pullRequest {
            members.append(
                (
                    "pullRequest",
                    .object([
                        ("touchedServices", .optional(summary.touchedServices)),
                        ("planned", .optional(summary.planned)), ("introduced", .optional(summary.introduced)),
                        ("preExisting", .optional(summary.preExisting)), ("fixed", .optional(summary.fixed)),
                    ])
                ))
        }
        return .object(members)
    }

    static func service(_ service: ServiceResult, findings: [Finding]) -> StructuredValue {
        let refs = { (refs: [ObjectRef]) in
            StructuredValue.array(
                refs.map { .object([("kind", .string($0.kind.rawValue)), ("name", .string($0.name))]) })
        }
        return .object([
            ("namespace", .string(service.key.namespace)),
            ("name", .string(service.key.name)),
            ("status", service.status.map { .string($0.rawValue) } ?? .null),
            ("desiredBackends", .int(service.desired.count)),
            ("liveBackends", .int(service.live.count)),
            ("findings", .int(findings.filter { !$0.isIgnored }.count)),
            ("ignored", .int(findings.filter(\.isIgnored).count)),
            ("desiredObjects", refs(service.desiredObjects)),
            ("liveObjects", refs(service.liveObjects)),
            ("error", .optional(service.error)),
        ])
    }

    /// `failing`: whether the finding fails the run (left out for fixed findings).
    public static func finding(_ finding: Finding, failing: Bool? = nil) -> StructuredValue {
        var members: [(String, StructuredValue)] = [
            ("id", .string(finding.fingerprint)),
            ("type", .string(finding.type.rawValue)),
            ("category", .string(finding.type.category.rawValue)),
            ("severity", .string(finding.severity.rawValue)),
            ("namespace", .optional(finding.service?.namespace ?? finding.object?.namespace)),
            ("service", .optional(finding.service?.name)),
            (
                "object",
                finding.object.map { .object([("kind", .string($0.kind.rawValue)), ("name", .string($0.name))]) }
                    ?? .null
            ),
            ("address", .optional(finding.address)),
            ("port", .optional(finding.port)),
            ("protocol", .optional(finding.protocol)),
            ("portName", .optional(finding.portName)),
            ("desired", finding.desired.map(side) ?? .null),
            ("live", finding.live.map(side) ?? .null),
            ("source", finding.source.map(source) ?? .null),
            ("message", .string(finding.message)),
            ("hint", .string(finding.hint)),
            ("ignored", .bool(finding.isIgnored)),
        ]
        if let failing { members.append(("failing", .bool(failing))) }
        if finding.type == .portDrift {
            members.append(("addresses", .array(finding.addresses.map(StructuredValue.string))))
        }
        if let reason = finding.ignoredBy { members.append(("ignoredBy", .string(reason))) }
        if let change = finding.change { members.append(("change", .string(change.rawValue))) }
        return .object(members)
    }

    static func side(_ side: BackendSide) -> StructuredValue {
        .compactObject([
            ("port", .optional(side.port)), ("protocol", .string(side.protocol)), ("portName", .string(side.portName)),
            ("appProtocol", .optional(side.appProtocol)), ("ready", side.ready.map(StructuredValue.bool) ?? .null),
        ])
    }

    static func source(_ source: SourceLocation) -> StructuredValue {
        .object([("path", .string(source.path)), ("line", .int(source.line)), ("commit", .string(source.commitID))])
    }

    static func message(_ message: DriftReport.Message) -> StructuredValue {
        .compactObject([
            ("path", .optional(message.path)), ("line", .optional(message.line)), ("kind", .string(message.kind)),
            ("message", .string(message.message)),
        ])
    }

    static func change(_ change: DesiredChange) -> StructuredValue {
        let pairs = { (pairs: [DesiredChange.Modified]) in
            StructuredValue.array(
                pairs.map {
                    .object([("before", InventoryJSON.backend($0.before)), ("after", InventoryJSON.backend($0.after))])
                })
        }
        return .object([
            ("namespace", .string(change.service.namespace)),
            ("name", .string(change.service.name)),
            ("kind", .string(change.kind.rawValue)),
            ("added", .array(change.added.map(InventoryJSON.backend))),
            ("removed", .array(change.removed.map(InventoryJSON.backend))),
            ("moved", pairs(change.moved)),
            ("portChanged", pairs(change.portChanged)),
            ("modified", pairs(change.modified)),
            ("onceApplied", .array(change.kind == .removed ? [] : change.after.map(InventoryJSON.backend))),
            ("liveNow", .optional(change.liveNow)),
        ])
    }
}
