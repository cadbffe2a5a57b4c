import ArgumentParser
import EndpointDriftKit

/// `endpoint-drift completion bash|zsh|fish`: the shell completion script swift-argument-parser
/// generates from the same definitions as the help.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Examples:
              # bash, for this shell
              source <(endpoint-drift completion bash)

              # zsh, installed for every shell
              endpoint-drift completion zsh > "${fpath[1]}/_endpoint-drift"

              # fish
              endpoint-drift completion fish > ~/.config/fish/completions/endpoint-drift.fish
            """)

    @Argument(help: "The shell: bash, zsh or fish.")
    var shell: CompletionShellName

    func run() throws {
        let script = EndpointDriftCommand.completionScript(for: shell.completionShell)
        try StandardStreams.emit(script.hasSuffix("\n") ? script : script + "\n")
    }
}

enum CompletionShellName: String, ExpressibleByArgument, CaseIterable {
    case bash, zsh, fish

    var completionShell: CompletionShell {
        switch self {
        case .bash: .bash
        case .zsh: .zsh
        case .fish: .fish
        }
    }
}
