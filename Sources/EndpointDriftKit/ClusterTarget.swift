import DesiredState
import Drift
import Foundation
import LiveState
import Scanner

/// One cluster of a run, resolved: its name, the check to run (repository paths, namespaces) and
/// where its live state comes from.
struct ClusterTarget: Sendable {
    var name: String
    var check: CheckJob.Configuration
    var live: LiveSettings
    /// The entry's `vars:` files, read when the cluster is checked (a file that cannot be read is
    /// that cluster's error, not the run's).
    var variableFiles: [String] = []
    /// The entry's `variables:`.
    var variables: VariableFile?

    /// The target for an entry of the cluster map: the entry's connection, paths and namespaces,
    /// falling back to what the command line says for what the entry leaves out. With
    /// `overrideConnection`, the command line's connection (`--context`, `--in-cluster`,
    /// `--live-file`) replaces the entry's: a CronJob checks "cluster prod as the map describes it"
    /// with the pod's service account.
    init(entry: ClusterEntry, base: CheckJob.Configuration, live: LiveSettings, overrideConnection: Bool) {
        name = entry.name
        check = base
        if !entry.paths.isEmpty {
            let filter = base.scanOptions.filter
            check.scanOptions.filter = PathFilter(
                prefixes: entry.paths, includes: filter.includes.map(\.pattern),
                excludes: filter.excludes.map(\.pattern))
        }
        self.live = live
        if !overrideConnection {
            self.live.connection = ConnectionRequest(
                kubeconfigPath: entry.kubeconfig.map(Self.expandingHome) ?? live.connection.kubeconfigPath,
                context: entry.context, inCluster: entry.inCluster)
            self.live.liveFile = entry.liveFile
        }
        if !entry.namespaces.isEmpty {
            self.live.namespaces = entry.namespaces
            self.live.allNamespaces = false
        }
        check.liveScope = self.live.explicitScope
        variableFiles = entry.variableFiles.map(Self.expandingHome)
        if !entry.variables.isEmpty {
            variables = VariableFile(
                path: "\(DriftConfiguration.fileName) clusters[\(entry.name)].variables", values: entry.variables)
        }
        if let fromCluster = entry.variablesFromCluster { check.variablesFromCluster = fromCluster }
    }

    /// The check with the entry's `vars:` files read, before the command line's `--vars`.
    func resolvedCheck() throws(RunError) -> CheckJob.Configuration {
        var resolved = check
        // The entry's values win over its files, which win over the command line's.
        var files = variables.map { [$0] } ?? []
        for path in variableFiles {
            files.append(try VariableFileLoader.load(path, for: "clusters[\(name)].vars"))
        }
        resolved.scanOptions.variableFiles = files + resolved.scanOptions.variableFiles
        return resolved
    }

    /// The one cluster of a plain `check` (no cluster map): named for metrics and notifications.
    init(name: String, base: CheckJob.Configuration, live: LiveSettings) {
        self.name = name
        check = base
        self.live = live
        check.liveScope = live.explicitScope
    }

    /// `~/x` → `$HOME/x`, as kubectl does for paths in its configuration.
    static func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
