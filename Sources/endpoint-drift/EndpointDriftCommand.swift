import ArgumentParser
import EndpointDriftKit
import Manifests
import Scanner

#if canImport(Glibc)
    import Glibc
#endif

/// The root command: only lists the subcommands.
struct EndpointDriftCommand: AsyncParsableCommand {
    /// Computed: the name is how the binary was invoked (`kubectl endpoint-drift` as kubectl's plugin).
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: ProgramName.current,
            abstract:
                "Keep Kubernetes external services (selector-less Services with hand-written Endpoints or EndpointSlices) in git and in the cluster in step.",
            discussion: """
                The desired state is read from a git commit (never from the working tree or the index).

                Exit codes: 0 in sync / success; 1 drift or lint errors found; 2 could not check (bad flags, unreadable repository, API error).
                """ + "\n\n" + Examples.root,
            version: BuildInfo.current.line,
            subcommands: [
                ScanCommand.self, LiveCommand.self, CheckCommand.self, LintCommand.self, FixCommand.self,
                ServeCommand.self, VersionCommand.self, CompletionCommand.self,
            ])
    }

    /// Runs the command line; returns the process exit code.
    static func execute(_ arguments: [String]) async -> Int32 {
        if let first = arguments.first, let message = unknownSubcommand(first) {
            StandardStreams.writeError(message)
            return ExitStatus.couldNotCheck.rawValue
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as RunError {
            // Messages quote file names, object names and server answers: no control characters.
            StandardStreams.writeError("\(ProgramName.current): error: \(SafeText.escapeKeepingLines("\(error)"))\n")
            return ExitStatus.couldNotCheck.rawValue
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                StandardStreams.writeOut(message.hasSuffix("\n") ? message : message + "\n")
                return 0
            }
            StandardStreams.writeError(message.hasSuffix("\n") ? message : message + "\n")
            return ExitStatus.couldNotCheck.rawValue
        }
    }
}

extension EndpointDriftCommand {
    /// "Error: unknown subcommand 'chek'. Did you mean 'check'?" for a first argument that is not an
    /// option and names no subcommand; `nil` otherwise (ArgumentParser already suggests flags).
    static func unknownSubcommand(_ argument: String) -> String? {
        guard !argument.hasPrefix("-"), argument != "help" else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        guard !names.contains(argument) else { return nil }
        var text = "Error: unknown subcommand '\(argument)'."
        if let nearest = EditDistance.suggestion(for: argument, among: names) { text += " Did you mean '\(nearest)'?" }
        return text
            + "\nSubcommands: \(names.joined(separator: ", ")).\n  See '\(ProgramName.current) --help' for more information.\n"
    }
}

/// The version printed by `--version` and sent as the User-Agent.
enum Version {
    static let current = EndpointDriftKit.Version.current
}
