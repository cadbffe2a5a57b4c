/// Who applies the merged desired state to the cluster. In pull-request mode this decides whether a
/// difference the pull request makes between git and the cluster is a plan or drift.
public enum AppliedBy: String, Sendable, Hashable, CaseIterable {
    /// A GitOps controller applies every object of the checked paths after the merge and prunes
    /// removed ones (Flux Kustomization with `prune: true`, Argo CD with automated sync and prune and
    /// Endpoints/EndpointSlices not excluded): planned changes do not fail the pull request.
    case controller
    /// Nobody applies these objects on merge (Argo CD 3.x excludes Endpoints and EndpointSlices by
    /// default, or changes are applied by hand): a planned change not live yet is drift.
    case manual
}
