import Manifests

/// One Service's comparison: status, the two normalized backend sets, and the objects on each side.
public struct ServiceResult: Sendable {
    public var key: ServiceKey
    /// `nil` in lint mode, where nothing is compared.
    public var status: ServiceStatus?
    /// The backends git defines (with the file and line of each in `origins(of:)`).
    public var desired: BackendSet
    /// The backends the cluster serves: Endpoints and all slices, mirrored ones included, deduplicated.
    public var live: BackendSet
    public var desiredObjects: [ObjectRef]
    /// Every live object of the service, mirrored slices included.
    public var liveObjects: [ObjectRef]
    /// Why the service could not be compared, for status `error`.
    public var error: String?

    public init(
        key: ServiceKey, status: ServiceStatus?, desired: BackendSet = BackendSet(), live: BackendSet = BackendSet(),
        desiredObjects: [ObjectRef] = [], liveObjects: [ObjectRef] = [], error: String? = nil
    ) {
        self.key = key
        self.status = status
        self.desired = desired
        self.live = live
        self.desiredObjects = desiredObjects
        self.liveObjects = liveObjects
        self.error = error
    }
}
