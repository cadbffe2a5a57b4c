import Manifests

/// Pull-request mode: how the pull request changes one Service's backends in git (base → head).
public struct DesiredChange: Sendable, Hashable {
    /// The same backend with another readiness or appProtocol.
    public struct Modified: Sendable, Hashable {
        public var before: Backend
        public var after: Backend

        public init(before: Backend, after: Backend) {
            self.before = before
            self.after = after
        }
    }

    public var service: ServiceKey
    public var added: [Backend]
    public var removed: [Backend]
    public var modified: [Modified]

    public init(service: ServiceKey, added: [Backend] = [], removed: [Backend] = [], modified: [Modified] = []) {
        self.service = service
        self.added = added
        self.removed = removed
        self.modified = modified
    }

    /// Compares the backends of every Service at the base and at the head; only Services that changed.
    public static func between(base: ServiceInventory, head: ServiceInventory) -> [DesiredChange] {
        var changes: [DesiredChange] = []
        for key in base.keys.union(head.keys).sorted() {
            let before = base[key]?.backends ?? BackendSet()
            let after = head[key]?.backends ?? BackendSet()
            guard before != after else { continue }
            var change = DesiredChange(service: key)
            for backend in after.backends {
                if let old = before[backend.key] {
                    if old != backend { change.modified.append(Modified(before: old, after: backend)) }
                } else {
                    change.added.append(backend)
                }
            }
            change.removed = before.backends.filter { after[$0.key] == nil }
            changes.append(change)
        }
        return changes
    }
}
