import Foundation

/// Finds and merges the kubeconfig files kubectl would use.
public enum KubeconfigLoader {
    /// Where the configuration came from, for messages.
    public enum Origin: Sendable, Equatable {
        case flag(String)
        case environment([String])
        case home(String)
    }

    /// `--kubeconfig FILE` (must exist); else every existing file of the colon-separated
    /// `KUBECONFIG` list (missing ones are skipped, as kubectl does); else `~/.kube/config` when it
    /// exists. `nil` when no file was found (the caller may then try in-cluster).
    public static func load(
        explicitPath: String?, environment: ConnectionEnvironment
    ) throws(LiveError) -> (config: Kubeconfig, origin: Origin)? {
        if let explicitPath {
            var config = Kubeconfig()
            try config.merge(contentsOf: explicitPath)
            return (config, .flag(explicitPath))
        }
        if let list = environment.variables["KUBECONFIG"], !list.isEmpty {
            var seen: Set<String> = []
            var files: [String] = []
            for entry in list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
            where seen.insert(entry).inserted && FileManager.default.fileExists(atPath: entry) {
                files.append(entry)
            }
            guard !files.isEmpty else { return nil }
            var config = Kubeconfig()
            for file in files { try config.merge(contentsOf: file) }
            return (config, .environment(files))
        }
        guard let home = environment.homeDirectory else { return nil }
        let path = URL(fileURLWithPath: home).appendingPathComponent(".kube/config").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config = Kubeconfig()
        try config.merge(contentsOf: path)
        return (config, .home(path))
    }

    /// The places looked at, for "no kubeconfig found" messages.
    public static func searchedPlaces(environment: ConnectionEnvironment) -> String {
        if let list = environment.variables["KUBECONFIG"], !list.isEmpty {
            return "KUBECONFIG=\(list)"
        }
        if let home = environment.homeDirectory { return "\(home)/.kube/config" }
        return "~/.kube/config (HOME is not set)"
    }
}
