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
        /// `serve --fix-branch`: the branch the commit is made for; the message then ends with the
        /// trailer that marks it as serve's own (see `isServeFix`).
        public var fixBranch: String?

        public init(
            liveSource: String, observedAt: String, scannedCommit: String, revision: String, version: String,
            fixBranch: String? = nil
        ) {
            self.liveSource = liveSource
            self.observedAt = observedAt
            self.scannedCommit = scannedCommit
            self.revision = revision
            self.version = version
            self.fixBranch = fixBranch
        }
    }

    /// The trailer of `serve --fix-branch` commits. serve replaces a commit that carries it for its
    /// branch, and refuses to move a branch whose tip does not: that branch is someone else's.
    public static let serveTrailer = "Endpoint-Drift-Fix-Branch"

    /// Whether `message` is that of a commit `serve --fix-branch branch` made (its trailer names the branch).
    public static func isServeFix(_ message: String, branch: String) -> Bool {
        let trailer = "\(serveTrailer): \(branch)"
        return message.split(separator: "\n").contains { $0 == trailer }
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
        if let branch = context.fixBranch {
            lines.append("Made by endpoint-drift \(context.version) (serve --fix-branch).")
            lines += ["", "\(serveTrailer): \(branch)"]
        } else {
            lines.append("Made by endpoint-drift \(context.version) (fix --to live).")
        }
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
