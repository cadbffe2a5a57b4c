/// The stable name of what a finding says. The raw values are part of the JSON, SARIF and JUnit
/// outputs and of `--fail-on` and ignore rules: never rename one, only add.
public enum FindingType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    // Drift: git and the cluster differ.
    case missingBackend = "missing-backend"
    case staleBackend = "stale-backend"
    case portDrift = "port-drift"
    case readinessDrift = "readiness-drift"
    case missingLiveObject = "missing-live-object"
    case unmanagedLiveObject = "unmanaged-live-object"

    // Lint: the manifests themselves are wrong, whatever the cluster has.
    case invalidManifest = "invalid-manifest"
    case invalidAddress = "invalid-address"
    case reservedAddress = "reserved-address"
    case addressTypeMismatch = "address-type-mismatch"
    case duplicateBackend = "duplicate-backend"
    case endpointsWithoutService = "endpoints-without-service"
    case sliceWithoutServiceName = "slice-without-service-name"
    case sliceWithoutService = "slice-without-service"
    case selectorWithEndpoints = "selector-with-endpoints"
    case externalNameWithEndpoints = "external-name-with-endpoints"
    case unknownPortName = "unknown-port-name"
    case unnamedPort = "unnamed-port"
    case tooManyEndpoints = "too-many-endpoints"
    case reservedManagedBy = "reserved-managed-by"
    case invalidField = "invalid-field"
    /// Drift, declared last to keep the order (and SARIF rule indexes) of the others.
    case orphanLiveObject = "orphan-live-object"
    case unresolvedVariable = "unresolved-variable"

    /// Drift needs the cluster; lint needs only the repository.
    public enum Category: String, Sendable, Hashable, Codable {
        case drift
        case lint
    }

    public var category: Category {
        switch self {
        case .missingBackend, .staleBackend, .portDrift, .readinessDrift, .missingLiveObject, .unmanagedLiveObject,
            .orphanLiveObject:
            .drift
        default:
            .lint
        }
    }

    /// Warnings are for things that work but are probably not meant, or that git may rightly not own
    /// (an unmanaged object can belong to another repository).
    public var defaultSeverity: Severity {
        switch self {
        case .unmanagedLiveObject, .duplicateBackend, .endpointsWithoutService, .sliceWithoutService,
            .externalNameWithEndpoints, .orphanLiveObject, .unresolvedVariable:
            .warning
        default:
            .error
        }
    }

    /// Short title: SARIF rule names, GitHub annotation titles, Markdown tables.
    public var title: String {
        switch self {
        case .missingBackend: "Backend missing live"
        case .staleBackend: "Stale live backend"
        case .portDrift: "Port changed"
        case .readinessDrift: "Readiness differs"
        case .missingLiveObject: "Object missing live"
        case .unmanagedLiveObject: "Live object not in git"
        case .invalidManifest: "Invalid manifest"
        case .invalidAddress: "Invalid IP address"
        case .reservedAddress: "Address the API server rejects"
        case .addressTypeMismatch: "Address does not match addressType"
        case .duplicateBackend: "Duplicate backend"
        case .endpointsWithoutService: "Endpoints without a Service"
        case .sliceWithoutServiceName: "EndpointSlice without service-name label"
        case .sliceWithoutService: "EndpointSlice names a missing Service"
        case .selectorWithEndpoints: "Hand-written Endpoints for a selector Service"
        case .externalNameWithEndpoints: "Endpoints for an ExternalName Service"
        case .unknownPortName: "Port name matches no Service port"
        case .unnamedPort: "Unnamed port on a multi-port Service"
        case .tooManyEndpoints: "Over 1000 endpoints in one object"
        case .reservedManagedBy: "EndpointSlice claims a controller's managed-by"
        case .invalidField: "Field the API server rejects"
        case .orphanLiveObject: "Live backends of no Service"
        case .unresolvedVariable: "Unresolved variable"
        }
    }

    /// One sentence on what the rule checks (SARIF `fullDescription`, docs).
    public var explanation: String {
        switch self {
        case .missingBackend:
            "A backend (address, port, protocol, port name) in git is not served by the cluster."
        case .staleBackend:
            "The cluster serves a backend that git does not list."
        case .portDrift:
            "The same addresses are served, but a port's number, name, protocol or appProtocol differs from git."
        case .readinessDrift:
            "A backend is ready on one side and not ready on the other."
        case .missingLiveObject:
            "A Service, Endpoints or EndpointSlice defined in git does not exist in the cluster."
        case .unmanagedLiveObject:
            "A selector-less Service with hand-written backends exists in the cluster but not in git."
        case .invalidManifest:
            "A manifest could not be read as a Service, Endpoints or EndpointSlice."
        case .invalidAddress:
            "An Endpoints or EndpointSlice address is not a valid IP address."
        case .reservedAddress:
            "Unspecified, loopback, link-local and link-local multicast addresses, and other Services' cluster IPs, are rejected by the API server."
        case .addressTypeMismatch:
            "An EndpointSlice address is not of the slice's addressType."
        case .duplicateBackend:
            "The same backend is written more than once in one object."
        case .endpointsWithoutService:
            "Endpoints are linked to the Service of the same name, and git has no such Service."
        case .sliceWithoutServiceName:
            "An EndpointSlice without the kubernetes.io/service-name label backs no Service."
        case .sliceWithoutService:
            "The Service named by an EndpointSlice's kubernetes.io/service-name label is not in git."
        case .selectorWithEndpoints:
            "The endpoints controller overwrites hand-written Endpoints of a Service that has a selector."
        case .externalNameWithEndpoints:
            "An ExternalName Service is answered by DNS; its Endpoints are never used."
        case .unknownPortName:
            "Endpoint ports are matched to Service ports by name; this name matches no port of the Service."
        case .unnamedPort:
            "A Service with several ports needs every endpoint port named after one of them."
        case .tooManyEndpoints:
            "Endpoints over 1000 addresses are truncated; an EndpointSlice over 1000 endpoints is rejected."
        case .reservedManagedBy:
            "The endpointslice.kubernetes.io/managed-by value belongs to a control-plane controller, which deletes or overwrites the slice."
        case .orphanLiveObject:
            "Endpoints or a hand-written EndpointSlice exists in the cluster for a Service that neither git nor the cluster has; nothing uses it."
        case .invalidField:
            "A name, namespace, port, port name, protocol, label or count that the API server's validation (v1.23) refuses."
        case .unresolvedVariable:
            "A value is a Flux variable or argocd-vault-plugin placeholder whose value is not in git; it is not compared."
        }
    }

    /// A one-line fix, printed with the finding.
    public var hint: String {
        switch self {
        case .missingBackend:
            "apply the manifest, or remove the backend from git if it was retired (`endpoint-drift fix`)"
        case .staleBackend:
            "add the backend to git if it is real, or delete it from the cluster by applying the manifest"
        case .portDrift:
            "make the port in git and in the cluster the same (`endpoint-drift fix` edits it in place)"
        case .readinessDrift:
            "move the address between addresses/notReadyAddresses (or set conditions.ready) to match"
        case .missingLiveObject:
            "apply the manifest (`kubectl apply -f`), or delete it from git"
        case .unmanagedLiveObject:
            "add the objects to git (`endpoint-drift fix --adopt`), delete them, or ignore them in .endpoint-drift.yaml"
        case .invalidManifest:
            "fix the YAML/JSON at this line"
        case .invalidAddress:
            "write a plain IPv4 or IPv6 address, without prefix length, port or zone"
        case .reservedAddress:
            "use the backend's routable address"
        case .addressTypeMismatch:
            "move the address to a slice of its family, or fix addressType"
        case .duplicateBackend:
            "remove the repeated address"
        case .endpointsWithoutService:
            "add the Service, or rename the Endpoints to the Service's name"
        case .sliceWithoutServiceName:
            "add the label kubernetes.io/service-name: <service>"
        case .sliceWithoutService:
            "add the Service, or fix the kubernetes.io/service-name label"
        case .selectorWithEndpoints:
            "remove the selector from the Service, or delete the hand-written Endpoints"
        case .externalNameWithEndpoints:
            "delete the Endpoints, or change the Service to ClusterIP without a selector"
        case .unknownPortName:
            "name the port after a port of the Service"
        case .unnamedPort:
            "give the port the name of the Service port it serves"
        case .tooManyEndpoints:
            "split the backends over several EndpointSlices"
        case .reservedManagedBy:
            "set endpointslice.kubernetes.io/managed-by to your own value, e.g. gitops"
        case .orphanLiveObject:
            "delete it (`kubectl delete`), or add its Service to git and the cluster; `fix --adopt` does not adopt objects without a Service"
        case .invalidField:
            "correct the field as the message says; `kubectl apply` refuses the object as it is"
        case .unresolvedVariable:
            "pass the value with --vars FILE (YAML, JSON or KEY=value lines), or define it in git"
        }
    }

    /// Declaration order: drift first, then lint.
    public static func < (lhs: FindingType, rhs: FindingType) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
