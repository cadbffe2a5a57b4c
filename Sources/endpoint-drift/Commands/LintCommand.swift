import ArgumentParser
import EndpointDriftKit
import Foundation
import Reporting

/// `endpoint-drift lint`: the manifest checks of `check`, without a cluster.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check the manifests alone (no cluster): invalid or reserved addresses, orphan objects, port names.",
        discussion: """
            Every rule that `check` applies to the manifests, each finding with file:line and a one-line fix hint.

            Output formats (-o FORMAT[=FILE], repeatable): \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).

            Exit codes: 0 no lint errors; 1 lint errors found (see --fail-on); 2 could not check.
            """ + "\n\n" + Examples.lint)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var check: CheckOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.validate(formats: OutputFormat.allCases.map(\.rawValue))
    }

    func run() async throws {
        let status = try await LintJob.run(
            CheckJob.Configuration(
                repositoryPath: repository.repo, revision: repository.ref, baseRevision: check.base,
                scanOptions: repository.scanOptions, strict: repository.strict, configFile: check.config,
                failOn: check.failOn, appliedBy: check.appliedByValue, exitZero: check.exitZero,
                outputs: output.targets, color: output.colorEnabled,
                environment: ProcessInfo.processInfo.environment))
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
