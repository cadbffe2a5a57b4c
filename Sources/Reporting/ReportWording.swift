import Drift
import Manifests

/// Sentences shared by the human formats (text, Markdown, GitHub), so that they say the same thing.
enum ReportWording {
    static func plural(_ count: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? word : plural ?? word + "s")"
    }

    static func status(_ status: ServiceStatus) -> String {
        switch status {
        case .inSync: "in sync"
        case .drifted: "drifted"
        case .missingLive: "missing live"
        case .unmanaged: "unmanaged"
        case .error: "error"
        }
    }

    /// "2 of 5 services drifted, 1 unmanaged" / "all 5 services in sync" / lint: "4 lint findings".
    static func headline(_ report: DriftReport, _ summary: DriftSummary) -> String {
        if report.mode == .lint {
            let count = summary.findings
            return count == 0
                ? "no lint findings in \(plural(summary.services, "service"))"
                : "\(plural(count, "lint finding")) in \(plural(summary.services, "service"))"
        }
        let notInSync = summary.services - summary.count(.inSync)
        if notInSync == 0 {
            switch summary.services {
            case 0: return "no external services to check"
            case 1: return "1 service, in sync"
            default: return "all \(summary.services) services in sync"
            }
        }
        var parts: [String] = []
        for status in [ServiceStatus.drifted, .missingLive, .unmanaged, .error] where summary.count(status) > 0 {
            parts.append("\(summary.count(status)) \(Self.status(status))")
        }
        return "\(notInSync) of \(plural(summary.services, "service")) not in sync: " + parts.joined(separator: ", ")
    }

    /// "This pull request fixes 2 findings and introduces 1; 3 were already there."
    static func pullRequest(_ summary: DriftSummary) -> String? {
        guard let introduced = summary.introduced, let fixed = summary.fixed else { return nil }
        let preExisting = summary.preExisting ?? 0
        var text: String
        switch (fixed, introduced) {
        case (0, 0): text = "This pull request fixes no finding and introduces none"
        case (_, 0): text = "This pull request fixes \(plural(fixed, "finding")) and introduces none"
        case (0, _): text = "This pull request introduces \(plural(introduced, "finding")) and fixes none"
        default: text = "This pull request fixes \(plural(fixed, "finding")) and introduces \(introduced)"
        }
        if preExisting > 0 { text += "; \(preExisting) \(preExisting == 1 ? "was" : "were") already there" }
        return text + "."
    }

    /// "12 findings (10 errors, 2 warnings), 1 ignored; 10 fail the run".
    static func findings(_ summary: DriftSummary) -> String {
        var text = plural(summary.findings, "finding")
        let severities = Severity.allCases.filter { summary.count($0) > 0 }.map {
            plural(summary.count($0), $0.rawValue)
        }
        if !severities.isEmpty { text += " (\(severities.joined(separator: ", ")))" }
        if summary.ignored > 0 { text += ", \(summary.ignored) ignored" }
        text +=
            summary.failing == 0
            ? "; none fails the run" : "; \(summary.failing) fail\(summary.failing == 1 ? "s" : "") the run"
        return text
    }

    /// `path:line`, or the path, or nothing.
    static func location(_ source: SourceLocation?) -> String? {
        guard let source else { return nil }
        return source.line > 0 ? "\(source.path):\(source.line)" : source.path
    }

    /// "missing-backend: 10.0.0.1:5432/TCP is in git but not served by the cluster".
    static func line(_ finding: Finding) -> String { "\(finding.type.rawValue): \(finding.message)" }

    /// "+1 −2 ~1" for a desired change.
    static func change(_ change: DesiredChange) -> String {
        var parts: [String] = []
        if !change.added.isEmpty { parts.append("+\(change.added.count)") }
        if !change.removed.isEmpty { parts.append("−\(change.removed.count)") }
        if !change.modified.isEmpty { parts.append("~\(change.modified.count)") }
        return parts.joined(separator: " ")
    }

    /// "ready", "not ready, appProtocol=h2" for a changed backend.
    static func backendState(_ backend: Backend) -> String {
        var text = backend.ready ? "ready" : "not ready"
        if let app = backend.appProtocol { text += ", appProtocol=\(app)" }
        return text
    }
}
