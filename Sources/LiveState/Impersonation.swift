/// `as`, `as-groups`, `as-uid` of a kubeconfig user: requests are made as someone else.
public struct Impersonation: Sendable, Hashable {
    public var user: String
    public var groups: [String]
    public var uid: String?

    public init(user: String, groups: [String] = [], uid: String? = nil) {
        self.user = user
        self.groups = groups
        self.uid = uid
    }
}
