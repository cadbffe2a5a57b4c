import Manifests

/// Pull-request mode: how the pull request changes one Service in git (base → head), and what the
/// cluster will serve for it once the merge is applied.
public struct DesiredChange: Sendable, Hashable {
    /// Whether the Service itself is new, gone, or changed in git.
    public enum Kind: String, Sendable, Hashable {
        case added
        case removed
        case changed
    }

    /// One backend before and after: the same backend with another readiness or appProtocol
    /// (`modified`), another port number or protocol on the same address (`portChanged`), or the same
    /// port on another address (`moved`).
    public struct Modified: Sendable, Hashable {
        public var before: Backend
        public var after: Backend

        public init(before: Backend, after: Backend) {
            self.before = before
            self.after = after
        }
    }

    public var service: ServiceKey
    public var kind: Kind
    public var added: [Backend]
    public var removed: [Backend]
    public var modified: [Modified]
    public var portChanged: [Modified]
    public var moved: [Modified]
    /// The head's backends: what the cluster serves once the merge is applied.
    public var after: [Backend]
    /// Backends the cluster serves now; `nil` in lint mode.
    public var liveNow: Int?
    /// Where the Service is in git at the head (`nil` when the pull request removes it).
    public var path: String?
    public var line: Int?

    public init(
        service: ServiceKey, kind: Kind = .changed, added: [Backend] = [], removed: [Backend] = [],
        modified: [Modified] = [], portChanged: [Modified] = [], moved: [Modified] = [], after: [Backend] = [],
        liveNow: Int? = nil
    ) {
        self.service = service
        self.kind = kind
        self.added = added
        self.removed = removed
        self.modified = modified
        self.portChanged = portChanged
        self.moved = moved
        self.after = after
        self.liveNow = liveNow
    }

    /// How many backend lines the change has.
    public var backendChanges: Int { added.count + removed.count + modified.count + portChanged.count + moved.count }

    /// Compares every Service at the base and at the head; only Services that changed (their
    /// backends, or the Service object appearing or going).
    public static func between(base: ServiceInventory, head: ServiceInventory) -> [DesiredChange] {
        var changes: [DesiredChange] = []
        for key in base.keys.union(head.keys).sorted() {
            let before = base[key]?.backends ?? BackendSet()
            let after = head[key]?.backends ?? BackendSet()
            let wasThere = base[key]?.records.isEmpty == false
            let isThere = head[key]?.records.isEmpty == false
            guard before != after || wasThere != isThere else { continue }
            var change = DesiredChange(
                service: key, kind: !wasThere ? .added : !isThere ? .removed : .changed, after: after.backends)
            if let source = head[key]?.records.first?.source {
                change.path = source.path
                change.line = source.line
            }
            var added: [Backend] = []
            for backend in after.backends {
                if let old = before[backend.key] {
                    if old != backend { change.modified.append(Modified(before: old, after: backend)) }
                } else {
                    added.append(backend)
                }
            }
            var removed = before.backends.filter { after[$0.key] == nil }
            change.portChanged = pair(&removed, &added) {
                [$0.address, $0.portName].joined(separator: "|")
            }
            change.moved = pair(&removed, &added) {
                [$0.port.map(String.init) ?? "-", $0.protocol, $0.portName].joined(separator: "|")
            }
            change.added = added
            change.removed = removed
            changes.append(change)
        }
        return changes
    }

    /// Pairs removed and added backends that share `group` when a group has as many of each (in
    /// address order), and takes them out of both lists: one renumbered gateway is one line, but two
    /// removed and one added stay what they are.
    private static func pair(
        _ removed: inout [Backend], _ added: inout [Backend], by group: (Backend) -> String
    ) -> [Modified] {
        let removedGroups = Dictionary(grouping: removed, by: group)
        let addedGroups = Dictionary(grouping: added, by: group)
        var pairs: [Modified] = []
        var paired = Set<BackendKey>()
        for (name, olds) in removedGroups {
            guard let news = addedGroups[name], news.count == olds.count else { continue }
            for (old, new) in zip(olds.sorted(), news.sorted()) {
                pairs.append(Modified(before: old, after: new))
                paired.insert(old.key)
                paired.insert(new.key)
            }
        }
        removed.removeAll { paired.contains($0.key) }
        added.removeAll { paired.contains($0.key) }
        return pairs.sorted { $0.before < $1.before }
    }
}
