/// Objects grouped per Service, with the Service's backend set: the normalized value that both the
/// desired side (git) and the live side (cluster) end as.
public struct ServiceInventory: Sendable {
    /// How a Service's backends are written.
    public enum Backing: String, Sendable, Codable {
        case endpoints = "Endpoints"
        case endpointSlices = "EndpointSlice"
        case both = "Endpoints+EndpointSlice"
        case none = "none"
    }

    /// One Service and everything that backs it.
    public struct Entry: Sendable {
        public var key: ServiceKey
        public var service: ObjectRecord?
        public var endpoints: [ObjectRecord] = []
        public var slices: [ObjectRecord] = []
        public var backends = BackendSet()

        public init(key: ServiceKey) { self.key = key }

        public var backing: Backing {
            switch (endpoints.isEmpty, slices.isEmpty) {
            case (false, false): .both
            case (false, true): .endpoints
            case (true, false): .endpointSlices
            case (true, true): .none
            }
        }

        /// Every object of the entry, Service first.
        public var records: [ObjectRecord] { (service.map { [$0] } ?? []) + endpoints + slices }
    }

    private var byKey: [ServiceKey: Entry] = [:]
    /// Slices without a `kubernetes.io/service-name` label: they back nothing.
    public private(set) var unlinked: [ObjectRecord] = []

    public init() {}

    public init(records: [ObjectRecord]) {
        for record in records { add(record) }
    }

    public mutating func add(_ record: ObjectRecord) {
        guard let key = record.serviceKey else {
            unlinked.append(record)
            return
        }
        var entry = byKey[key] ?? Entry(key: key)
        switch record.object {
        case .service:
            entry.service = record
        case .endpoints(let endpoints):
            entry.endpoints.append(record)
            entry.backends.add(endpoints, ref: record.ref, path: record.source?.path)
        case .endpointSlice(let slice):
            entry.slices.append(record)
            entry.backends.add(slice, ref: record.ref, path: record.source?.path)
        }
        byKey[key] = entry
    }

    public subscript(key: ServiceKey) -> Entry? { byKey[key] }

    /// Changes the backend set of a service; a service without an entry gets one.
    public mutating func updateBackends(of key: ServiceKey, _ change: (inout BackendSet) -> Void) {
        var entry = byKey[key] ?? Entry(key: key)
        change(&entry.backends)
        byKey[key] = entry
    }

    /// Sorted by namespace and name.
    public var entries: [Entry] { byKey.keys.sorted().compactMap { byKey[$0] } }

    public var keys: Set<ServiceKey> { Set(byKey.keys) }

    public var count: Int { byKey.count }

    /// The namespaces any object is in.
    public var namespaces: Set<String> {
        Set(byKey.keys.map(\.namespace)).union(unlinked.map(\.ref.namespace))
    }
}
