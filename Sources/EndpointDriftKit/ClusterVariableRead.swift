import DesiredState
import LiveState
import Scanner

/// `--vars-from-cluster`: the ConfigMaps and Secrets that Flux Kustomizations substitute from and
/// that git does not hold readably are read from the API server, and the commit is built again
/// with their values. Only objects an unresolved variable may come from are asked for, one GET
/// each (RBAC: `get` on those configmaps and secrets, by name). Values from Secrets are secrets:
/// they decide the desired state, and no report, log or patch shows them (`VariableOrigin.isSecret`).
enum ClusterVariableRead {
    /// What the cluster answered for every request of `scans`, or `nil` when nothing was asked.
    static func read(
        for scans: [ScanResult], source: (any LiveStateSource)?
    ) async throws(RunError) -> [ClusterVariableSource]? {
        let requests = Set(scans.flatMap(\.variableSourceRequests)).sorted()
        guard !requests.isEmpty else { return nil }
        guard let api = source as? KubernetesAPISource else {
            throw RunError(
                operation: "read", subject: "--vars-from-cluster",
                message:
                    "reads the ConfigMaps and Secrets Flux substitutes from through the API server; it cannot be "
                    + "combined with --live-file (pass the values with --vars FILE instead)")
        }
        let asked = requests.compactMap { request -> NamedObjectRequest? in
            guard let kind = NamedObjectRequest.Kind(rawValue: request.kind) else { return nil }
            return NamedObjectRequest(kind: kind, namespace: request.namespace, name: request.name)
        }
        let answers = await api.readObjects(asked)
        var sources: [ClusterVariableSource] = []
        for (request, answer) in zip(requests, answers) {
            switch answer {
            case .values(let values):
                sources.append(ClusterVariableSource(request: request, answer: .values(values)))
            case .notFound:
                if !request.optional {
                    StandardStreams.writeError(
                        "endpoint-drift: warning: --vars-from-cluster: \(request.title) does not exist in the "
                            + "cluster (Flux stops the Kustomization when a substituteFrom object is missing and "
                            + "not optional)\n")
                }
                sources.append(ClusterVariableSource(request: request, answer: .notFound))
            case .failed(let error):
                StandardStreams.writeError("endpoint-drift: warning: --vars-from-cluster: \(error)\n")
                let reason = error.message.split(separator: "\n").first.map(String.init) ?? error.message
                sources.append(ClusterVariableSource(request: request, answer: .failed(reason)))
            }
        }
        return sources
    }
}
