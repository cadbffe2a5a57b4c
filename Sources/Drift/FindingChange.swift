/// In pull-request mode (`--base`): whether a finding at the head commit was already there at the base.
public enum FindingChange: String, Sendable, Hashable, Codable {
    /// New in the pull request.
    case introduced
    /// Present at the base too.
    case preExisting = "pre-existing"
}
