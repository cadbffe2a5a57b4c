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

    /// "This pull request changes 2 services, fixes 1 finding and introduces no lint finding. 3
    /// findings were already there."
    static func pullRequest(_ summary: DriftSummary) -> String? {
        guard let introduced = summary.introduced, let fixed = summary.fixed else { return nil }
        let touched = summary.touchedServices ?? 0
        let preExisting = summary.preExisting ?? 0
        let parts = [
            touched == 0 ? "changes no external service" : "changes \(plural(touched, "service"))",
            fixed == 0 ? "fixes no finding" : "fixes \(plural(fixed, "finding"))",
            introduced == 0 ? "introduces no lint finding" : "introduces \(plural(introduced, "lint finding"))",
        ]
        var text = "This pull request \(parts[0]), \(parts[1]) and \(parts[2])."
        if preExisting > 0 {
            text += " \(plural(preExisting, "finding")) \(preExisting == 1 ? "was" : "were") already there."
        }
        return text
    }

    /// The pull request's headline: "plan for 2 services · 1 finding already there · 1 fails the run".
    static func pullRequestHeadline(_ summary: DriftSummary) -> String {
        var parts = ["plan for \(plural(summary.touchedServices ?? 0, "service"))"]
        if let introduced = summary.introduced, introduced > 0 {
            parts.append("\(plural(introduced, "lint finding")) introduced")
        }
        if let preExisting = summary.preExisting, preExisting > 0 {
            parts.append("\(plural(preExisting, "finding")) already there")
        }
        if let fixed = summary.fixed, fixed > 0 { parts.append("\(fixed) fixed") }
        parts.append(
            summary.failing == 0
                ? "nothing fails" : "\(summary.failing) fail\(summary.failing == 1 ? "s" : "") the run")
        return parts.joined(separator: " · ")
    }

    /// Who applies the plan, for the Plan section's first line.
    static func appliedBy(_ appliedBy: AppliedBy) -> String {
        switch appliedBy {
        case .controller:
            "Applied after the merge by the GitOps controller, which also prunes what git removes "
                + "(assumed; `--applied-by manual` if nobody applies these objects)."
        case .manual:
            "Nobody applies these objects on merge (`--applied-by manual`): until someone applies them, "
                + "every planned change is drift and fails the run."
        }
    }

    /// "new Service", "removed from git", "changed", with "+1 −2 →1 ~1".
    static func planKind(_ change: DesiredChange) -> String {
        let kind: String
        switch change.kind {
        case .added: kind = "new Service"
        case .removed: kind = "removed from git"
        case .changed: kind = "changed"
        }
        let counts = self.change(change)
        return counts.isEmpty ? kind : "\(kind)  \(counts)"
    }

    /// One line per backend change, with a leading symbol: `+` added, `-` removed, `→` moved to
    /// another address, `~` another port or readiness.
    static func planLines(_ change: DesiredChange) -> [(symbol: String, text: String)] {
        var lines: [(String, String)] = []
        lines += change.added.map { ("+", $0.key.description) }
        lines += change.removed.map { ("-", $0.key.description) }
        lines += change.moved.map {
            ("→", "\(host($0.before.address)) → \(host($0.after.address)) on \(port($0.after.key))")
        }
        lines += change.portChanged.map {
            ("~", "\(host($0.after.address)): port \(port($0.before.key)) → \(port($0.after.key))")
        }
        lines += change.modified.map {
            ("~", "\($0.after.key): \(backendState($0.before)) → \(backendState($0.after))")
        }
        return lines
    }

    /// What the cluster serves for the Service once the plan is applied: "3 backends: 10.0.0.1,
    /// 10.0.0.2 on 5432/TCP; 10.0.0.3 on 5433/TCP".
    static func onceApplied(_ change: DesiredChange) -> String {
        if change.kind == .removed { return "deleted from the cluster (pruned)" }
        guard !change.after.isEmpty else { return "no backends" }
        var byPort: [String: [String]] = [:]
        var order: [String] = []
        for backend in change.after.sorted(by: { ($0.port ?? -1, $0.key) < ($1.port ?? -1, $1.key) }) {
            let name = port(backend.key)
            if byPort[name] == nil { order.append(name) }
            byPort[name, default: []].append(host(backend.address))
        }
        let groups = order.map { name -> String in
            let addresses = byPort[name] ?? []
            let shown = addresses.prefix(4).joined(separator: ", ")
            let more = addresses.count > 4 ? " and \(addresses.count - 4) more" : ""
            return "\(shown)\(more) on \(name)"
        }
        return "\(plural(change.after.count, "backend")): " + groups.joined(separator: "; ")
    }

    /// "5432/TCP (postgres)": a backend's port without its address.
    static func port(_ key: BackendKey) -> String {
        var text = key.port.map { "\($0)/\(key.protocol)" } ?? "all ports"
        if !key.portName.isEmpty { text += " (\(key.portName))" }
        return text
    }

    static func host(_ address: String) -> String { address.contains(":") ? "[\(address)]" : address }

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
        if !change.moved.isEmpty { parts.append("→\(change.moved.count)") }
        let modified = change.modified.count + change.portChanged.count
        if modified > 0 { parts.append("~\(modified)") }
        return parts.joined(separator: " ")
    }

    /// "ready", "not ready, appProtocol=h2" for a changed backend.
    static func backendState(_ backend: Backend) -> String {
        var text = backend.ready ? "ready" : "not ready"
        if let app = backend.appProtocol { text += ", appProtocol=\(app)" }
        return text
    }
}
