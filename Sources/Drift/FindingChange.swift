/// In pull-request mode (`--base`): how a finding at the head commit relates to the base.
public enum FindingChange: String, Sendable, Hashable, Codable, CaseIterable {
    /// A lint finding new in the pull request: the author must act on it.
    case introduced
    /// A difference with the cluster that exists only because git changed in this pull request:
    /// part of the plan, resolved when the merge is applied.
    case planned
    /// Present at the base too: drift (or lint) the pull request did not cause.
    case preExisting = "pre-existing"
}
