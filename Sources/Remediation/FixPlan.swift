import Manifests

/// Which side gets corrected.
public enum FixDirection: String, Sendable, Hashable, CaseIterable {
    /// Git catches up with the cluster: the manifests are edited.
    case live
    /// The cluster catches up with git: objects to apply are written.
    case git
}

/// One backend that differs between git and the cluster.
public struct BackendChange: Sendable, Hashable, Comparable {
    /// How the backend differs.
    public enum Kind: Sendable, Hashable {
        /// In the cluster, not in git.
        case onlyLive
        /// In git, not in the cluster.
        case onlyGit
        case readiness(git: Bool, live: Bool)
        case appProtocol(git: String?, live: String?)
    }

    public var key: BackendKey
    public var kind: Kind

    public init(key: BackendKey, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    /// The backend and what differs, for messages: `+ 10.0.0.9:5432/TCP (in the cluster, not in git)`.
    public func describe(direction: FixDirection) -> String {
        switch (kind, direction) {
        case (.onlyLive, .live): "+ \(key): in the cluster, not in git"
        case (.onlyLive, .git): "- \(key): in the cluster, not in git"
        case (.onlyGit, .live): "- \(key): in git, not in the cluster"
        case (.onlyGit, .git): "+ \(key): in git, not in the cluster"
        case (.readiness(let git, let live), _):
            "~ \(key): \(Self.ready(git)) in git, \(Self.ready(live)) in the cluster"
        case (.appProtocol(let git, let live), _):
            "~ \(key): appProtocol \(git ?? "none") in git, \(live ?? "none") in the cluster"
        }
    }

    private static func ready(_ flag: Bool) -> String { flag ? "ready" : "not ready" }

    public static func < (lhs: BackendChange, rhs: BackendChange) -> Bool { lhs.key < rhs.key }

    /// Every difference between two backend sets, sorted.
    public static func differences(git: BackendSet, live: BackendSet) -> [BackendChange] {
        // Unsorted walks, one sort at the end: `BackendSet.backends` sorts by parsing addresses per comparison.
        var changes: [BackendChange] = []
        for key in live.keys {
            guard let backend = live[key] else { continue }
            guard let desired = git[backend.key] else {
                changes.append(BackendChange(key: backend.key, kind: .onlyLive))
                continue
            }
            if desired.ready != backend.ready {
                changes.append(
                    BackendChange(key: backend.key, kind: .readiness(git: desired.ready, live: backend.ready)))
            }
            if desired.appProtocol != backend.appProtocol {
                changes.append(
                    BackendChange(
                        key: backend.key, kind: .appProtocol(git: desired.appProtocol, live: backend.appProtocol)))
            }
        }
        for key in git.keys where live[key] == nil {
            changes.append(BackendChange(key: key, kind: .onlyGit))
        }
        let sortKeys = Dictionary(
            Set(changes.map(\.key.address)).map { ($0, AddressSortKey($0)) }, uniquingKeysWith: { first, _ in first })
        return changes.sorted { left, right in
            if left.key.address != right.key.address {
                return sortKeys[left.key.address, default: AddressSortKey(left.key.address)]
                    < sortKeys[right.key.address, default: AddressSortKey(right.key.address)]
            }
            return left.key < right.key
        }
    }
}

/// A port changed in place, for the commit message.
public struct PortRewrite: Sendable, Hashable {
    public var object: ObjectRef
    public var from: PortSpec
    public var to: PortSpec

    public init(object: ObjectRef, from: PortSpec, to: PortSpec) {
        self.object = object
        self.from = from
        self.to = to
    }
}

/// An object for `kubectl apply` (`--to git`), with the namespace it goes to.
public struct ApplyObject: Sendable, Hashable {
    public var object: KubeObject
    public var namespace: String

    public init(object: KubeObject, namespace: String) {
        self.object = object
        self.namespace = namespace
    }

    public var ref: ObjectRef { ObjectRef(kind: object.kind, namespace: namespace, name: object.metadata.name) }
}

/// What the fix does for one Service, and what it cannot do.
public struct ServicePlan: Sendable, Hashable {
    public var service: ServiceKey
    /// How git and the cluster differ for this service (backends only).
    public var changes: [BackendChange] = []
    /// `--to live`: edits to existing desired objects.
    public var edits: [ObjectEdit] = []
    /// `--to live`: new slices (another address family) and adopted objects.
    public var newObjects: [NewObject] = []
    /// `--to live --prune`: desired objects that do not exist in the cluster.
    public var removals: [ObjectLocation] = []
    /// `--to git`: objects to apply.
    public var apply: [ApplyObject] = []
    public var portRewrites: [PortRewrite] = []
    /// Why drift remains after the fix (each a sentence for the user).
    public var unresolved: [String] = []

    public init(service: ServiceKey) { self.service = service }

    /// Whether the fix writes anything for this service.
    public var hasActions: Bool { !edits.isEmpty || !newObjects.isEmpty || !removals.isEmpty || !apply.isEmpty }

    /// The files the fix touches for this service.
    public var paths: Set<String> {
        var paths = Set(edits.map(\.location.path)).union(removals.map(\.path))
        for object in newObjects {
            switch object.placement {
            case .after(let location): paths.insert(location.path)
            case .newFile(let path): paths.insert(path)
            }
        }
        return paths
    }
}

/// The plan for a run: one entry per service that differs (or that has objects to prune or adopt).
public struct FixPlan: Sendable, Hashable {
    public var direction: FixDirection
    public var services: [ServicePlan]

    public init(direction: FixDirection, services: [ServicePlan]) {
        self.direction = direction
        self.services = services
    }
}
