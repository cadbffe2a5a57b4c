import ArgumentParser
import EndpointDriftKit
import Foundation
import LiveState
import Reporting

/// `endpoint-drift check`: compare git with the cluster and report drift and lint findings.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare the external services in git with the cluster; report drift and lint findings.",
        discussion: """
            Reads Services, Endpoints and EndpointSlices from the commit named by --ref, the live state \
            (the API server from the kubeconfig or the pod, or --live-file), and .endpoint-drift.yaml from the same commit (or --config). Mirrored slices, \
            subset order and repacking, defaulted fields and IPv6 spelling are normalized away before \
            comparing.

            Output formats (-o FORMAT[=FILE], repeatable): \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).

            Exit codes: 0 no drift and no lint errors; 1 drift or lint errors found (see --fail-on); \
            2 could not check (bad flags, unreadable repository or configuration, live state unreadable). \
            --exit-zero exits 0 whenever the check ran.
            """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var check: CheckOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.validate(formats: OutputFormat.allCases.map(\.rawValue))
    }

    func run() async throws {
        let settings = cluster.settings
        let status = try await CheckJob.run(
            configuration(liveSource: try settings.makeSource(), liveScope: settings.explicitScope))
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    func configuration(liveSource: (any LiveStateSource)?, liveScope: NamespaceScope? = nil) -> CheckJob.Configuration {
        CheckJob.Configuration(
            repositoryPath: repository.repo, revision: repository.ref, baseRevision: check.base,
            scanOptions: repository.scanOptions, strict: repository.strict, configFile: check.config,
            failOn: check.failOn, exitZero: check.exitZero, outputs: output.targets, color: output.colorEnabled,
            liveSource: liveSource, liveScope: liveScope, environment: ProcessInfo.processInfo.environment)
    }
}
