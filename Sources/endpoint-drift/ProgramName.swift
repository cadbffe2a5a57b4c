/// The name the help and the messages use: `endpoint-drift`, or `kubectl endpoint-drift` when kubectl
/// runs the binary as its plugin (installed as `kubectl-endpoint_drift`, found by kubectl on PATH).
enum ProgramName {
    static let pluginBinary = "kubectl-endpoint_drift"

    static let current: String = name(invokedAs: CommandLine.arguments.first ?? "")

    /// From argv[0]: only its last path component counts, so `/usr/local/bin/kubectl-endpoint_drift`
    /// and a krew symlink named so both read as the plugin.
    static func name(invokedAs path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base == pluginBinary ? "kubectl endpoint-drift" : "endpoint-drift"
    }

    /// `text` with a leading `endpoint-drift ` spelled as this invocation's name.
    static func spelled(_ text: String) -> String {
        guard current != "endpoint-drift", text.hasPrefix("endpoint-drift ") else { return text }
        return current + text.dropFirst("endpoint-drift".count)
    }
}
