import Manifests

/// Compares what git defines with what the cluster serves, one Service at a time.
///
/// Both sides arrive as `ServiceInventory` entries whose `BackendSet`s are already normalized:
/// Endpoints subsets and every slice unioned and deduplicated, addresses in canonical form, the
/// default protocol applied, absent conditions read as ready. That makes subset order and
/// repacking, mirrored slices and endpoints repeated across slices compare equal by construction;
/// what is left here is deciding what a difference means.
public enum DriftDetector {
    /// The Service `default/kubernetes` is selector-less and its Endpoints are written by the API
    /// server itself: never an unmanaged external service.
    static let apiServerService = ServiceKey(namespace: "default", name: "kubernetes")

    /// Compares one Service; `nil` when there is nothing to say (a live-only Service that is not an
    /// external service).
    public static func compare(
        _ key: ServiceKey, desired: ServiceInventory.Entry?, live: ServiceInventory.Entry?
    ) -> ServiceComparison? {
        guard let desired else {
            guard let live else { return nil }
            return unmanaged(key, live: live)
        }
        let liveRecords = live?.records ?? []
        var comparison = ServiceComparison(
            key: key, outcome: .compared, desired: desired.backends, live: live?.backends ?? BackendSet(),
            desiredObjects: desired.records.map(\.ref), liveObjects: liveRecords.map(\.ref))

        if !isExternalService(desired: desired, live: live) {
            comparison.outcome = .notCompared
            comparison.findings = liveSelectorFindings(key, desired: desired, live: live)
            return comparison
        }

        let liveRefs = Set(liveRecords.map(\.ref))
        for record in desired.records where !liveRefs.contains(record.ref) {
            comparison.findings.append(
                Finding(
                    type: .missingLiveObject, service: key, object: record.ref, source: record.source,
                    message: "\(record.ref.kind.rawValue) \(record.ref.namespace)/\(record.ref.name) is in git "
                        + "but not in the cluster"))
        }
        if liveRecords.isEmpty {
            comparison.outcome = .missingLive
            return comparison
        }
        let backends = BackendComparison(key: key, desired: desired, live: live).findings()
        comparison.findings += backends.findings
        comparison.placeholderValues = backends.placeholderValues
        return comparison
    }

    // MARK: Services that are not external services

    /// Whether git and the cluster let this be an external service: a Service with a selector has
    /// its endpoints written by the endpoints controllers, and an ExternalName Service without
    /// Endpoints has none (DNS answers for it).
    private static func isExternalService(desired: ServiceInventory.Entry, live: ServiceInventory.Entry?) -> Bool {
        if let service = desired.service.flatMap(serviceObject) {
            if service.hasSelector { return false }
            if service.isExternalName && desired.endpoints.isEmpty && desired.slices.isEmpty { return false }
        }
        return live?.service.flatMap(serviceObject)?.hasSelector != true
    }

    /// Git writes Endpoints for a Service that git does not define but the cluster has with a
    /// selector: the controller overwrites them. (With the Service in git, the linter says so.)
    private static func liveSelectorFindings(
        _ key: ServiceKey, desired: ServiceInventory.Entry, live: ServiceInventory.Entry?
    ) -> [Finding] {
        guard desired.service == nil, let live, live.service.flatMap(serviceObject)?.hasSelector == true else {
            return []
        }
        return desired.endpoints.map { record in
            Finding(
                type: .selectorWithEndpoints, service: key, object: record.ref, source: record.source,
                message: "the live Service \(key) has a selector, so the endpoints controller overwrites these "
                    + "hand-written Endpoints")
        }
    }

    // MARK: Unmanaged

    private static func unmanaged(_ key: ServiceKey, live: ServiceInventory.Entry) -> ServiceComparison? {
        let objects = handWrittenObjects(key, live: live)
        guard !objects.isEmpty else { return nil }
        let count = live.backends.count
        // Without a Service nothing mirrors or serves these backends: an orphan, not a service git lacks.
        let orphan = live.service == nil
        let findings = objects.map { record in
            Finding(
                type: orphan ? .orphanLiveObject : .unmanagedLiveObject, service: key, object: record.ref,
                message: "\(record.ref.kind.rawValue) \(record.ref.namespace)/\(record.ref.name) is in the cluster "
                    + (orphan
                        ? "(\(plural(count, "backend"))) but no Service \(key) exists in git or in the cluster"
                        : "(\(plural(count, "backend")) for \(key)) but not in git"))
        }
        return ServiceComparison(
            key: key, outcome: .unmanaged, findings: findings, live: live.backends,
            liveObjects: live.records.map(\.ref))
    }

    /// The objects that make a live Service an unmanaged external service: a selector-less,
    /// non-ExternalName Service (if any) and its Endpoints and slices that no control-plane
    /// controller wrote. Empty when the Service is not an external service.
    static func handWrittenObjects(_ key: ServiceKey, live: ServiceInventory.Entry) -> [ObjectRecord] {
        guard key != apiServerService else { return [] }
        if let service = live.service.flatMap(serviceObject), service.isControllerBacked {
            return []
        }
        let slices = live.slices.filter { record in
            guard case .endpointSlice(let slice) = record.object else { return false }
            return !slice.isMirrored && !slice.isControllerManaged
        }
        let backing = live.endpoints + slices
        guard !backing.isEmpty else { return [] }
        return (live.service.map { [$0] } ?? []) + backing
    }

    static func serviceObject(_ record: ObjectRecord) -> Service? {
        if case .service(let service) = record.object { return service }
        return nil
    }
}
