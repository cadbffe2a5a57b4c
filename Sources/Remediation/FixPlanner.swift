import Manifests

/// Turns the desired and the live inventories into a plan: per service, which edits make git's
/// backends equal the cluster's (`--to live`), or which objects to apply so that the cluster's equal
/// git's (`--to git`). Pure: no files, no git, no cluster.
///
/// The planner works per service from the two `ServiceInventory.Entry` values. A caller that already
/// knows which services drift (from `DriftDetector` findings) passes their keys as `services`; the
/// per-service planning does not change.
public struct FixPlanner: Sendable {
    /// `--to`, `--prune` and `--adopt`.
    public struct Options: Sendable, Hashable {
        public var direction: FixDirection
        /// `--to live`: remove desired objects that do not exist in the cluster.
        public var prune: Bool
        /// `--to live`: write unmanaged live objects into new files under this repository folder.
        public var adoptDirectory: String?

        public init(direction: FixDirection = .live, prune: Bool = false, adoptDirectory: String? = nil) {
            self.direction = direction
            self.prune = prune
            self.adoptDirectory = adoptDirectory
        }
    }

    public let options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Plans every service that differs. `services` limits the plan to these keys (for example the
    /// services a drift report names); `nil` plans all of them. `takenSliceNames` are the names of
    /// the slices that back a Service, per namespace (see `sliceNames(of:)`); `nil` takes them from
    /// the two inventories, which is right when `live` has every live record.
    public func plan(
        desired: ServiceInventory, live: ServiceInventory, services: Set<ServiceKey>? = nil,
        takenSliceNames: [String: Set<String>]? = nil
    ) -> FixPlan {
        let managedNamespaces = desired.namespaces
        var keys = desired.keys
        // Live services in namespaces git manages can be unmanaged (for --adopt, or as drift that remains).
        for key in live.keys where managedNamespaces.contains(key.namespace) { keys.insert(key) }
        if let services { keys.formIntersection(services) }
        let sliceNames =
            takenSliceNames ?? Self.sliceNames(of: (desired.entries + live.entries).lazy.flatMap(\.slices))
        var plans: [ServicePlan] = []
        for key in keys.sorted() {
            let plan = planService(
                key, desired: desired[key], live: live[key], takenSliceNames: sliceNames[key.namespace] ?? [])
            if plan.hasActions || !plan.unresolved.isEmpty || !plan.changes.isEmpty { plans.append(plan) }
        }
        return FixPlan(direction: options.direction, services: plans)
    }

    /// The names of the slices among `records` that back a Service (a `kubernetes.io/service-name`
    /// label), per namespace: a new slice must not take one.
    public static func sliceNames<Records: Swift.Sequence<ObjectRecord>>(of records: Records) -> [String: Set<String>] {
        var names: [String: Set<String>] = [:]
        for record in records where record.ref.kind == .endpointSlice && record.serviceKey != nil {
            names[record.ref.namespace, default: []].insert(record.ref.name)
        }
        return names
    }

    /// Plans one service. `takenSliceNames` are the slice names already used in its namespace (a new
    /// slice must not take one).
    public func planService(
        _ key: ServiceKey, desired: ServiceInventory.Entry?, live: ServiceInventory.Entry?,
        takenSliceNames: Set<String> = []
    ) -> ServicePlan {
        var plan = ServicePlan(service: key)
        let desiredBackends = desired?.backends ?? BackendSet()
        let liveBackends = live?.backends ?? BackendSet()
        plan.changes = BackendChange.differences(git: desiredBackends, live: liveBackends)
        guard let desired, !(desired.endpoints.isEmpty && desired.slices.isEmpty && desired.service == nil) else {
            planUnmanaged(key, live: live, into: &plan)
            return plan
        }
        // A Service with a selector (or of type ExternalName) gets its backends from the controllers,
        // not from git: nothing to fix, whatever the cluster shows.
        if case .service(let service)? = desired.service?.object, service.isControllerBacked {
            plan.changes = []
            return plan
        }
        switch options.direction {
        case .live:
            planToLive(desired: desired, live: live, takenSliceNames: takenSliceNames, into: &plan)
        case .git:
            planToGit(desired: desired, live: live, into: &plan)
        }
        return plan
    }

    // MARK: Unmanaged live services

    /// A live external service that git does not have at all.
    private func planUnmanaged(_ key: ServiceKey, live: ServiceInventory.Entry?, into plan: inout ServicePlan) {
        guard let live, Self.isUnmanagedExternal(live) else {
            plan.changes = []
            return
        }
        let objects = Self.adoptable(live)
        switch options.direction {
        case .live:
            if let directory = options.adoptDirectory {
                plan.newObjects += Self.adopted(
                    [live.service].compactMap({ $0 }) + objects, directory: directory, key: key)
            } else {
                plan.unresolved.append(
                    "\(objects.map(\.ref.description).joined(separator: ", ")) in the cluster \(objects.count == 1 ? "is" : "are") not in git; --adopt DIR writes \(objects.count == 1 ? "it" : "them") into new files"
                )
            }
        case .git:
            plan.unresolved.append(
                "\(objects.map(\.ref.description).joined(separator: ", ")) in the cluster \(objects.count == 1 ? "is" : "are") not in git; delete with `kubectl delete` or adopt with --to live --adopt DIR"
            )
        }
    }

    /// A selector-less Service (not ExternalName, not the API server's own `default/kubernetes`) with
    /// hand-written backing objects.
    static func isUnmanagedExternal(_ entry: ServiceInventory.Entry) -> Bool {
        guard case .service(let service)? = entry.service?.object, !service.hasSelector, !service.isExternalName,
            entry.key != ServiceKey(namespace: "default", name: "kubernetes")
        else { return false }
        return !adoptable(entry).isEmpty
    }

    /// The live objects that are written by people: Endpoints, and slices that no controller manages.
    static func adoptable(_ entry: ServiceInventory.Entry) -> [ObjectRecord] {
        entry.endpoints
            + entry.slices.filter { record in
                guard case .endpointSlice(let slice) = record.object else { return false }
                return !slice.isMirrored && !slice.isControllerManaged
            }
    }

    /// Live objects written, cleaned, into the new file for `key` under `directory` (`--adopt`).
    static func adopted(_ records: [ObjectRecord], directory: String, key: ServiceKey) -> [NewObject] {
        let path = adoptPath(directory: directory, key: key)
        return records.map { record in
            NewObject(
                object: cleaned(record.object), namespace: record.ref.namespace, writesNamespace: true,
                placement: .newFile(path))
        }
    }

    static func adoptPath(directory: String, key: ServiceKey) -> String {
        var folder = directory
        while folder.hasSuffix("/") { folder.removeLast() }
        while folder.hasPrefix("./") { folder.removeFirst(2) }
        let prefix = folder.isEmpty || folder == "." ? "" : folder + "/"
        return "\(prefix)\(key.namespace)/\(key.name).yaml"
    }

    /// A live object without what the server fills in (resource version, uid, timestamps, the
    /// last-applied annotation, cluster IPs).
    static func cleaned(_ object: KubeObject) -> KubeObject {
        var copy = object
        var metadata = copy.metadata
        metadata.resourceVersion = nil
        metadata.uid = nil
        metadata.creationTimestamp = nil
        metadata.annotations = metadata.annotations.filter { key, _ in
            key != "kubectl.kubernetes.io/last-applied-configuration"
                && key != "endpoints.kubernetes.io/last-change-trigger-time"
                && key != WellKnown.overCapacityAnnotation
        }
        copy.metadata = metadata
        if case .service(var service) = copy {
            service.clusterIPs = service.clusterIPs.filter { $0 == "None" }
            copy = .service(service)
        }
        return copy
    }

    // MARK: --to live

    private func planToLive(
        desired: ServiceInventory.Entry, live: ServiceInventory.Entry?, takenSliceNames: Set<String>,
        into plan: inout ServicePlan
    ) {
        let liveRefs = Set(live?.records.map(\.ref) ?? [])
        let absent = desired.records.filter { !liveRefs.contains($0.ref) }
        let absentRefs = Set(absent.map(\.ref))
        if !absent.isEmpty {
            if options.prune {
                plan.removals = absent.compactMap(ObjectLocation.init)
            } else if !(absent.count == 1 && absent[0].object.kind == .service && live != nil) {
                let names = absent.map(\.ref.description).joined(separator: ", ")
                plan.unresolved.append(
                    "\(names) \(absent.count == 1 ? "does" : "do") not exist in the cluster; --prune removes \(absent.count == 1 ? "it" : "them") from git"
                )
            }
        }
        let editable = (desired.endpoints + desired.slices).filter { !absentRefs.contains($0.ref) }
        let target = live?.backends ?? BackendSet()
        if editable.isEmpty {
            guard !target.isEmpty, let live else { return }
            if let directory = options.adoptDirectory {
                // The live Service too when git has none (or is pruning it).
                let gitHasService = desired.service.map { !absentRefs.contains($0.ref) } ?? false
                let service = gitHasService ? nil : live.service
                plan.newObjects += Self.adopted(
                    [service].compactMap({ $0 }) + Self.adoptable(live), directory: directory, key: desired.key)
            } else {
                plan.unresolved.append(
                    "no Endpoints or EndpointSlice in git holds the cluster's backends of \(desired.key); --adopt DIR writes the cluster's objects into git"
                )
            }
            return
        }
        // Hand-written live slices git does not have: a new slice for their backends takes their name.
        let desiredRefs = Set(desired.records.map(\.ref))
        let liveOnlySlices = Set(
            (live.map(Self.adoptable) ?? []).filter { $0.ref.kind == .endpointSlice && !desiredRefs.contains($0.ref) }
                .map(\.ref.name))
        var placer = BackendPlacer(
            records: editable, target: target, takenSliceNames: takenSliceNames, liveOnlySliceNames: liveOnlySlices)
        placer.run()
        plan.edits = placer.objectEdits
        plan.newObjects += placer.newObjects
        plan.portRewrites = placer.portRewrites
        plan.unresolved += placer.unresolved
    }

    // MARK: --to git

    private func planToGit(desired: ServiceInventory.Entry, live: ServiceInventory.Entry?, into plan: inout ServicePlan)
    {
        guard !plan.changes.isEmpty else { return }
        let backing = desired.endpoints + desired.slices
        plan.apply = backing.map { ApplyObject(object: Self.cleaned($0.object), namespace: $0.ref.namespace) }
        // What the cluster will hold after `kubectl apply`: the applied objects, plus live objects that
        // are not replaced (mirrored slices of an applied Endpoints object are rewritten by the controller).
        let appliedRefs = Set(backing.map(\.ref))
        let mirrorsReplaced = !desired.endpoints.isEmpty
        var predicted = ServiceInventory.Entry(key: desired.key)
        var leftovers: [ObjectRecord] = []
        for record in backing { Self.add(record, to: &predicted) }
        for record in live?.records ?? [] where !appliedRefs.contains(record.ref) && record.object.kind != .service {
            if case .endpointSlice(let slice) = record.object, slice.isMirrored, mirrorsReplaced { continue }
            Self.add(record, to: &predicted)
            leftovers.append(record)
        }
        if predicted.backends != desired.backends {
            let names = leftovers.map(\.ref.description).joined(separator: ", ")
            plan.unresolved.append(
                leftovers.isEmpty
                    ? "applying git's objects does not make the cluster's backends equal git's"
                    : "\(names) in the cluster \(leftovers.count == 1 ? "is" : "are") not in git and still add backends; delete with `kubectl delete` after applying"
            )
        }
    }

    private static func add(_ record: ObjectRecord, to entry: inout ServiceInventory.Entry) {
        switch record.object {
        case .endpoints(let endpoints): entry.backends.add(endpoints, ref: record.ref)
        case .endpointSlice(let slice): entry.backends.add(slice, ref: record.ref)
        case .service: break
        }
    }
}
