import LiveState
import Manifests
import Remediation

/// Stops `fix --prune` from deleting most of git because the live state was incomplete (a wrong
/// context or namespace, a truncated snapshot): an empty cluster looks exactly like one where
/// everything was deleted.
enum PruneGuard {
    /// The share of the desired objects `--prune` may delete without `--prune-all`.
    static let maximumShare = 0.5

    /// Throws when the plan deletes a kind of which the live state has no object at all (never
    /// believed, even with `--prune-all`: delete such files by hand), or more than `maximumShare` of
    /// the desired objects without `pruneAll`.
    static func check(
        _ plan: FixPlan, desiredCount: Int, live: LiveSnapshot, pruneAll: Bool
    ) throws(RunError) {
        let removals = plan.services.flatMap(\.removals)
        guard !removals.isEmpty else { return }
        let liveKinds = Set(live.records.map(\.object.kind))
        let emptyKinds = Set(removals.map(\.ref.kind)).subtracting(liveKinds)
        if let kind = ObjectKind.allCases.first(where: emptyKinds.contains) {
            let count = removals.filter { $0.ref.kind == kind }.count
            throw RunError(
                operation: "--prune", subject: live.source,
                message:
                    "the live state has no \(kind.rawValue) at all in the namespaces read, so --prune would delete all \(count) from git; that looks like an incomplete live state (wrong context, namespace or snapshot), and is never pruned: delete those files by hand if they are really gone"
            )
        }
        guard !pruneAll, Double(removals.count) > maximumShare * Double(max(desiredCount, 1)) else { return }
        let percent = removals.count * 100 / max(desiredCount, 1)
        throw RunError(
            operation: "--prune", subject: live.source,
            message:
                "--prune would delete \(removals.count) of the \(desiredCount) desired objects (\(percent)%), more than half; that looks like an incomplete live state (wrong context, namespace or snapshot): check it, or pass --prune-all to delete them"
        )
    }
}
