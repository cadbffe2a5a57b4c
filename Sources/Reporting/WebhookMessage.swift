import Drift

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

    private func section(_ title: String, _ items: [FleetChanges.Item], mark: String) -> [String] {
        guard !items.isEmpty else { return [] }
        var lines = ["*\(title)*"]
        for item in items.prefix(Self.listedItems) {
            var line = "\(mark) `\(escape(item.cluster))`"
            if let service = item.service { line += " \(escape(service))" }
            line += " — \(escape(item.text))"
            if let location = item.location { line += " (\(escape(location)))" }
            lines.append(line)
        }
        if items.count > Self.listedItems { lines.append("… and \(items.count - Self.listedItems) more") }
        return lines
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
