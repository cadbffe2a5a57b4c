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

            Several clusters: list them under `clusters:` in .endpoint-drift.yaml (a name, a kubeconfig \
            context or inCluster, the repository paths of its desired state) and pass --all-clusters or \
            --cluster NAME. They are checked concurrently (--parallel) into one report with a section per \
            cluster; a cluster that cannot be reached is reported as an error and does not stop the others.

            Exit codes: 0 no drift and no lint errors; 1 drift or lint errors found (see --fail-on); \
            2 could not check (bad flags, unreadable repository or configuration, live state unreadable, \
            a cluster unreachable, metrics or a notification not delivered). \
            --exit-zero exits 0 whenever the check ran.
            """ + "\n\n" + Examples.check)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var clusterVariables: ClusterVariableOptions
    @OptionGroup var check: CheckOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var fleet: FleetOptions

    func validate() throws {
        try output.validate(formats: OutputFormat.allCases.map(\.rawValue))
        try fleet.validate(cluster: cluster)
        try clusterVariables.validate(liveFile: cluster.liveFile)
    }

    func run() async throws {
        let settings = cluster.settings
        let environment = ProcessInfo.processInfo.environment
        let selection = fleet.selection ?? .single(name: singleClusterName)
        let status = try await FleetJob.run(
            FleetJob.Configuration(
                check: configuration(liveSource: nil), live: settings, selection: selection,
                overrideConnection: fleet.selection != nil
                    && (cluster.context != nil || cluster.inCluster || cluster.liveFile != nil),
                parallel: fleet.parallel, metricsFile: fleet.metricsFile, pushgateway: fleet.pushgatewayURL,
                pushgatewayJob: fleet.pushgatewayJob, webhook: fleet.webhookURL, stateFile: fleet.state,
                repositoryURL: fleet.repositoryURL,
                progress: fleet.progress ?? (StandardStreams.stderrIsTerminal && (environment["CI"] ?? "").isEmpty)))
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    /// The `cluster` label of a plain check's metrics and notifications.
    private var singleClusterName: String {
        if let context = cluster.context { return context }
        if cluster.inCluster { return "in-cluster" }
        return cluster.liveFile != nil ? "snapshot" : "default"
    }

    func configuration(liveSource: (any LiveStateSource)?, liveScope: NamespaceScope? = nil) -> CheckJob.Configuration {
        var configuration = CheckJob.Configuration(
            repositoryPath: repository.repo, revision: repository.ref, baseRevision: check.base,
            scanOptions: repository.scanOptions, strict: repository.strict, configFile: check.config,
            failOn: check.failOn, appliedBy: check.appliedByValue, exitZero: check.exitZero, outputs: output.targets,
            color: output.colorEnabled,
            liveSource: liveSource, liveScope: liveScope, environment: ProcessInfo.processInfo.environment)
        configuration.variablesFromCluster = clusterVariables.variablesFromCluster
        return configuration
    }
}
