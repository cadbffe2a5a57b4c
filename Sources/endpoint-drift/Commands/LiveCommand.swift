import ArgumentParser
import EndpointDriftKit
import Reporting

/// `endpoint-drift live`: print the live inventory read from the cluster (or a snapshot file).
struct LiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Print the external services the cluster has, in the same shape as `scan`.",
        discussion: """
            Reads Services, Endpoints (v1) and EndpointSlices (discovery.k8s.io/v1) from the API server with the \
            kubeconfig (or the pod's service account), in the namespaces the desired state uses unless -n or -A \
            say otherwise. An Endpoints object and the EndpointSlices the control plane mirrors from it count as \
            one backend set. Credentials are never printed.

            The least privilege it needs (kubectl apply -f, then bind it with a ClusterRoleBinding for -A, or \
            RoleBindings in the namespaces read):

              apiVersion: rbac.authorization.k8s.io/v1
              kind: ClusterRole
              metadata:
                name: endpoint-drift-reader
              rules:
                - apiGroups: [""]
                  resources: ["services", "endpoints"]
                  verbs: ["get", "list"]
                - apiGroups: ["discovery.k8s.io"]
                  resources: ["endpointslices"]
                  verbs: ["get", "list"]

            Exit codes: 0 read; 2 could not read (no kubeconfig, TLS or credential problems, 401/403 answers, \
            the API server failing after retries, an unreadable --live-file).
            """ + "\n\n" + Examples.live)

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.validate(formats: InventoryFormat.allCases.map(\.rawValue))
    }

    func run() async throws {
        let status = try await LiveJob.run(
            LiveJob.Configuration(
                settings: cluster.settings,
                repository: ScanJob.Configuration(
                    repositoryPath: repository.repo, revision: repository.ref, options: repository.scanOptions),
                outputs: output.targets, color: output.colorEnabled))
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
