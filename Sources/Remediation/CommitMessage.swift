import Manifests

/// The fix commit's message: a one-line summary, then per service what changed and why, and where
/// the live state came from and when it was observed.
public enum CommitMessage {
    /// Where and when the run read its two sides.
    public struct Context: Sendable {
        public var liveSource: String
        public var observedAt: String
        public var scannedCommit: String
        public var revision: String
        public var version: String

        public init(liveSource: String, observedAt: String, scannedCommit: String, revision: String, version: String) {
            self.liveSource = liveSource
            self.observedAt = observedAt
            self.scannedCommit = scannedCommit
            self.revision = revision
            self.version = version
        }
    }

    public static func make(services: [FixApplier.ServiceOutcome], context: Context) -> String {
        let changed = services.filter { $0.status != .unfixed && $0.plan.hasActions }
        let subject: String
        if changed.count == 1, let only = changed.first {
            subject = "endpoint-drift: sync \(only.service) with the cluster"
        } else {
            subject = "endpoint-drift: sync \(changed.count) services with the cluster"
        }
        var lines = [subject, ""]
        for service in changed {
            lines.append("\(service.service):")
            lines += describe(service.plan).map { "  " + $0 }
            if service.status == .partial {
                lines += service.reasons.map { "  ! not fixed: " + $0 }
            }
            lines.append("")
        }
        lines.append("Live state observed at \(context.observedAt) from \(context.liveSource).")
        lines.append("Desired state read from \(context.revision) (\(String(context.scannedCommit.prefix(7)))).")
        lines.append("Made by endpoint-drift \(context.version) (fix --to live).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the plan does for a service, one line each: ports rewritten, backends added or removed
    /// (with why), objects pruned or adopted.
    public static func describe(_ plan: ServicePlan) -> [String] {
        var lines: [String] = []
        for rewrite in plan.portRewrites {
            lines.append("~ \(rewrite.object): port \(rewrite.from) -> \(rewrite.to)")
        }
        lines += plan.changes.map { $0.describe(direction: .live) }
        for removal in plan.removals {
            lines.append("x removed \(removal.ref) (\(removal.path)): it does not exist in the cluster")
        }
        for object in plan.newObjects {
            switch object.placement {
            case .newFile(let path): lines.append("+ adopted \(object.ref) from the cluster into \(path)")
            case .after(let location): lines.append("+ new \(object.ref) in \(location.path) (no existing slice fits)")
            }
        }
        return lines
    }
}
