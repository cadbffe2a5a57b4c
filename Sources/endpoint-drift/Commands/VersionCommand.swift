import ArgumentParser
import EndpointDriftKit

/// `endpoint-drift version [-o json]`: what `--version` prints, or the same as JSON for scripts.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, the git commit it was built from and the libgit2 version.",
        discussion: """
            Output formats (-o FORMAT): text (as --version), json ({"version", "commit", "libgit2"}).

            Examples:
              # The version, as --version prints it
              endpoint-drift version

              # For scripts
              endpoint-drift version -o json
            """)

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: text or json.")
    var output: VersionFormat = .text

    func run() throws {
        let info = BuildInfo.current
        try StandardStreams.emit(output == .json ? info.json : info.line + "\n")
    }
}

enum VersionFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
