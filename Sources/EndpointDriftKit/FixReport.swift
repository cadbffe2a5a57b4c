import Manifests
import Remediation

/// What a `fix` run found and did; rendered as text or JSON.
public struct FixReport: Sendable {
    /// The fix commit, when one was made (or built in memory for `--format-patch`).
    public struct CommitInfo: Sendable, Hashable {
        public var id: String
        public var parent: String
        /// `nil` when the commit was only built for `--format-patch`.
        public var branch: String?
        public var message: String
    }

    public var direction: FixDirection
    public var repositoryPath: String
    public var revision: String
    public var commitID: String
    public var liveSource: String
    public var observedAt: String
    public var services: [FixApplier.ServiceOutcome] = []
    /// Changed, new and deleted files (`--to live`).
    public var files: [ManifestEditor.FileResult] = []
    /// `--to git`: the objects to apply, and where they were written.
    public var apply: [ApplyObject] = []
    public var applyFiles: [String] = []
    /// Working-tree paths written or deleted by `--write`.
    public var written: [String] = []
    public var outDirectory: String?
    public var patchFile: String?
    public var formatPatchFile: String?
    public var commit: CommitInfo?
    public var scanErrors: [ManifestError] = []
    /// Namespaces the API server would not list (403): their services were not fixed, and the run exits 2.
    public var unreadNamespaces: [String] = []
    /// No output was asked for: the report shows what would be done.
    public var dryRun = false

    public var status: ExitStatus {
        if !unreadNamespaces.isEmpty { return .couldNotCheck }
        return services.contains { $0.status != .fixed } ? .findings : .ok
    }

    /// The commands to run next (push the branch, apply the patch…).
    public var nextCommands: [String] {
        var commands: [String] = []
        if let branch = commit?.branch { commands.append("git push origin \(branch)") }
        if let patchFile, patchFile != "-", commit == nil { commands.append("git apply \(patchFile)") }
        if let formatPatchFile, formatPatchFile != "-", commit?.branch == nil {
            commands.append("git am \(formatPatchFile)")
        }
        if !written.isEmpty && commit?.branch == nil { commands.append("git diff  # review, then commit") }
        if direction == .git {
            if let outDirectory, !applyFiles.isEmpty { commands.append("kubectl apply -R -f \(outDirectory)") }
        }
        return commands
    }
}
