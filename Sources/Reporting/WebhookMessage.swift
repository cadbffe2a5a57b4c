import Drift
import Manifests

/// `--webhook`: the JSON body posted when the findings changed. `text` is what Slack (and
/// Mattermost, Rocket.Chat, Google Chat…) show: mrkdwn, with `&`, `<`, `>` escaped as Slack asks;
/// the other fields are for programs.
public struct WebhookMessage: Sendable {
    /// Items listed per section in `text`; the rest are counted ("… and 12 more").
    public static let listedItems = 15

    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func body(_ changes: FleetChanges, fleet: FleetReport) -> String {
        let value: StructuredValue = .object([
            ("text", .string(text(changes, fleet: fleet))),
            ("schemaVersion", .int(1)),
            ("tool", .object([("name", .string("endpoint-drift")), ("version", .string(toolVersion))])),
            ("outcome", .string(fleet.outcome.rawValue)),
            ("startedAt", .string(fleet.startedAt)),
            ("commit", .optional(fleet.desired?.commit)),
            ("new", .array(changes.new.map(item))),
            ("resolved", .array(changes.resolved.map(item))),
            (
                "failing",
                .array(
                    changes.failing.map { .object([("cluster", .string($0.cluster)), ("error", .string($0.error))]) })
            ),
            ("recovered", .array(changes.recovered.map(StructuredValue.string))),
            (
                "clusters",
                .array(
                    fleet.clusters.map { cluster in
                        .object([
                            ("name", .string(cluster.name)),
                            ("outcome", .string(cluster.outcome.rawValue)),
                            ("findings", .int(cluster.report?.summary.findings ?? 0)),
                            ("error", .optional(cluster.error)),
                        ])
                    })
            ),
        ])
        return JSONWriter.write(value, pretty: false)
    }

    /// "endpoint-drift: 2 new findings, 1 resolved" and the lists.
    public func text(_ changes: FleetChanges, fleet: FleetReport) -> String {
        var parts: [String] = []
        if !changes.new.isEmpty { parts.append(ReportWording.plural(changes.new.count, "new finding")) }
        if !changes.resolved.isEmpty { parts.append("\(changes.resolved.count) resolved") }
        if !changes.failing.isEmpty {
            parts.append(ReportWording.plural(changes.failing.count, "cluster") + " could not be checked")
        }
        if !changes.recovered.isEmpty {
            parts.append(ReportWording.plural(changes.recovered.count, "cluster") + " back")
        }
        var lines = ["*endpoint-drift*: " + escape(parts.joined(separator: ", "))]
        lines += section("New findings", changes.new, mark: "🔴")
        lines += section("Resolved", changes.resolved, mark: "✅")
        if !changes.failing.isEmpty {
            lines.append("*Could not check*")
            lines += changes.failing.prefix(Self.listedItems).map { "• `\(escape($0.cluster))`: \(escape($0.error))" }
        }
        if !changes.recovered.isEmpty {
            lines.append("*Checked again*: " + changes.recovered.map { "`\(escape($0))`" }.joined(separator: ", "))
        }
        let now = fleet.clusters.map { cluster in
            "`\(escape(cluster.name))` \(cluster.outcome.rawValue.uppercased())"
                + (cluster.error != nil
                    ? " (could not check)"
                    : cluster.report.map { " (\(ReportWording.plural($0.summary.findings, "finding")))" } ?? "")
        }
        lines.append("*Now*: " + now.joined(separator: " · "))
        return lines.joined(separator: "\n")
    }

    /// One line per finding group, as in the text and Markdown reports: findings of one Service on
    /// one address are one line with its ports, a missing and a stale address on the same ports one
    /// "replaced" line (`FindingGroup`). The JSON lists stay one item per finding.
    private func section(_ title: String, _ items: [FleetChanges.Item], mark: String) -> [String] {
        guard !items.isEmpty else { return [] }
        var lines = ["*\(title)*"]
        let groups = Self.groups(items)
        for group in groups.prefix(Self.listedItems) {
            let head = group.items[0]
            var line = "\(mark) `\(escape(head.cluster))`"
            if let service = head.service { line += " \(escape(service))" }
            line += " — \(escape(group.text))"
            if let location = head.location { line += " (\(escape(location)))" }
            lines.append(line)
        }
        let unlisted = groups.dropFirst(Self.listedItems).reduce(0) { $0 + $1.items.count }
        if unlisted > 0 { lines.append("… and \(unlisted) more") }
        return lines
    }

    /// Items in `FindingGroup`s: per cluster and Service (adjacent, as `FleetChanges` sorts them),
    /// in the order of each group's first item.
    static func groups(_ items: [FleetChanges.Item]) -> [(text: String, items: [FleetChanges.Item])] {
        var result: [(text: String, items: [FleetChanges.Item])] = []
        var start = 0
        while start < items.count {
            var end = start + 1
            while end < items.count, items[end].cluster == items[start].cluster,
                items[end].service == items[start].service
            {
                end += 1
            }
            let run = Array(items[start..<end])
            // Items that carry their backend become findings again; the index rides in `hint`
            // (which the webhook does not print) to find each group's items.
            var findings: [Finding] = []
            for (index, item) in run.enumerated() {
                if let converted = Self.finding(item, index: index) { findings.append(converted) }
            }
            var placed: [(position: Int, text: String, items: [FleetChanges.Item])] = []
            var grouped = Set<Int>()
            for group in FindingGroup.group(findings) {
                let members = group.findings.compactMap { Int($0.hint) }
                guard let first = members.first else { continue }
                grouped.formUnion(members)
                // The group's first item names the location; for "replaced" that is git's address.
                placed.append((members.min() ?? first, group.line, members.sorted().map { run[$0] }))
            }
            for (index, item) in run.enumerated() where !grouped.contains(index) {
                placed.append((index, item.text, [item]))
            }
            result += placed.sorted { $0.position < $1.position }.map { (text: $0.text, items: $0.items) }
            start = end
        }
        return result
    }

    private static func finding(_ item: FleetChanges.Item, index: Int) -> Finding? {
        guard let backend = item.backend, let message = item.message, let type = FindingType(rawValue: item.type),
            let service = item.service, let slash = service.firstIndex(of: "/")
        else { return nil }
        return Finding(
            type: type,
            service: ServiceKey(
                namespace: String(service[..<slash]), name: String(service[service.index(after: slash)...])),
            address: backend.address, port: backend.port, protocol: backend.protocol, portName: backend.portName,
            message: message, hint: String(index))
    }

    private func item(_ item: FleetChanges.Item) -> StructuredValue {
        .object([
            ("cluster", .string(item.cluster)), ("id", .string(item.id)), ("type", .string(item.type)),
            ("service", .optional(item.service)), ("text", .string(item.text)), ("location", .optional(item.location)),
        ])
    }

    /// Slack's three control characters.
    private func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
