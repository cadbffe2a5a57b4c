/// A desired object that is built from git but cannot be compared honestly: a placeholder left in a
/// field other than an address, or a kustomize/Flux feature this tool does not reproduce. Its
/// Service is not compared (no guess), and the reason is reported.
public struct UncomparableObject: Sendable, Hashable, Codable {
    public var ref: ObjectRef
    /// The Service it is or backs, when that can be told.
    public var service: ServiceKey?
    public var source: SourceLocation
    /// Why, e.g. "kustomize replacements (overlays/prd/kustomization.yaml:9) decide it; not reproduced".
    public var reason: String
    /// Values left unresolved (each is an `unresolved-variable` finding).
    public var values: [ValueOrigin]

    public init(ref: ObjectRef, service: ServiceKey?, source: SourceLocation, reason: String, values: [ValueOrigin]) {
        self.ref = ref
        self.service = service
        self.source = source
        self.reason = reason
        self.values = values
    }
}
