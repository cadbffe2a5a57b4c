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
