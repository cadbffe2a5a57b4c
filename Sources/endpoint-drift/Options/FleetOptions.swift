import ArgumentParser
import Drift
import EndpointDriftKit
import LiveState
import Reporting

/// What a scheduled `check` adds: clusters from the cluster map, metrics, Pushgateway,
/// notifications, the HTML report's links, progress.
struct FleetOptions: ParsableArguments {
    @Flag(
        name: .customLong("all-clusters"),
        help: "Check every cluster of the cluster map (`clusters:` in .endpoint-drift.yaml).")
    var allClusters = false

    @Option(
        name: .customLong("cluster"),
        help: ArgumentHelp("Check this cluster of the cluster map (repeatable).", valueName: "name"))
    var clusters: [String] = []

    @Option(name: .long, help: ArgumentHelp("Clusters checked at once.", valueName: "n"))
    var parallel = 4

    @Option(
        name: .customLong("metrics-file"),
        help: ArgumentHelp(
            "Write Prometheus metrics to this file, atomically (for node-exporter's textfile collector: name it *.prom).",
            valueName: "file"))
    var metricsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Push the metrics to this Pushgateway, one group per cluster (job, cluster). Credentials from ENDPOINT_DRIFT_PUSHGATEWAY_TOKEN, or _USERNAME and _PASSWORD.",
            valueName: "url"))
    var pushgateway: String?

    @Option(
        name: .customLong("pushgateway-job"),
        help: ArgumentHelp("The job label of the pushed groups.", valueName: "name"))
    var pushgatewayJob = "endpoint-drift"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "POST a JSON summary (with a Slack-compatible text field) when the findings changed since the run remembered in --state. Optional bearer token from ENDPOINT_DRIFT_WEBHOOK_TOKEN.",
            valueName: "url"))
    var webhook: Secret?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Remember this run's findings in this file, to tell new and resolved drift next time (needed by --webhook).",
            valueName: "file"))
    var state: String?

    @Option(
        name: .customLong("repo-url"),
        help: ArgumentHelp(
            "Link findings in the HTML report: a URL template with {commit}, {path} and {line}, e.g. https://git.example.com/org/repo/blob/{commit}/{path}#L{line}.",
            valueName: "template"))
    var repositoryURL: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Show progress on stderr (default: only when stderr is a terminal).")
    var progress: Bool?

    /// An empty value means "not set": a CI recipe passes `--pushgateway "$PUSHGATEWAY_URL"` whether or
    /// not the variable is defined.
    var pushgatewayURL: String? { Self.setValue(pushgateway) }
    var webhookURL: Secret? {
        guard let webhook, !webhook.revealText().allSatisfy(\.isWhitespace) else { return nil }
        return webhook
    }

    static func setValue(_ value: String?) -> String? {
        guard let value, !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    var selection: FleetJob.Selection? {
        if allClusters { return .all }
        return clusters.isEmpty ? nil : .named(clusters)
    }

    func validate(cluster: ClusterOptions) throws {
        if allClusters && !clusters.isEmpty {
            throw ValidationError("--all-clusters and --cluster exclude each other; pass one")
        }
        for name in clusters where !ClusterEntry.isValidName(name) {
            throw ValidationError("--cluster \(name): not a cluster name (letters, digits, '.', '_', '-')")
        }
        guard parallel >= 1 else { throw ValidationError("--parallel must be 1 or more") }
        guard ClusterEntry.isValidName(pushgatewayJob) else {
            throw ValidationError("--pushgateway-job \(pushgatewayJob): use letters, digits, '.', '_', '-'")
        }
        if webhookURL != nil && state == nil {
            throw ValidationError(
                "--webhook posts only when the findings changed since the last run: pass --state FILE to remember it")
        }
        if let repositoryURL, RepositoryLink(template: repositoryURL) == nil {
            throw ValidationError("--repo-url must contain {path} (and usually {commit} and {line})")
        }
        if selection != nil {
            let perCluster = [
                (cluster.context != nil, "--context"), (cluster.inCluster, "--in-cluster"),
                (cluster.liveFile != nil, "--live-file"), (cluster.saveLive != nil, "--save-live"),
            ].filter(\.0).map(\.1)
            if !perCluster.isEmpty && (allClusters || clusters.count != 1) {
                throw ValidationError(
                    "\(perCluster.joined(separator: ", ")) name one cluster's connection: use them with a single --cluster NAME, "
                        + "or set the connection per cluster in the cluster map")
            }
        }
    }
}
