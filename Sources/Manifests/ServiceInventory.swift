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

        mutating func add(_ record: ObjectRecord) {
            switch record.object {
            case .service:
                service = record
            case .endpoints(let object):
                endpoints.append(record)
                backends.add(object, ref: record.ref, path: record.source?.path)
            case .endpointSlice(let slice):
                slices.append(record)
                backends.add(slice, ref: record.ref, path: record.source?.path)
            }
        }

        /// Every object of the entry, Service first.
        public var records: [ObjectRecord] { (service.map { [$0] } ?? []) + endpoints + slices }
    }

    private var byKey: [ServiceKey: Entry] = [:]
    /// Slices without a `kubernetes.io/service-name` label: they back nothing.
    public var unlinked: [ObjectRecord] = []

    public init() {}

    public init(records: [ObjectRecord]) {
        for record in records { add(record) }
    }

    /// The inventory `init(records:)` builds, built on `parts` cores: each Service's records go to
    /// one part (by its key's hash), in their order, so every entry is the same; the unlinked
    /// slices keep their order too.
    public init(records: [ObjectRecord], parts: Int) {
        guard parts > 1, records.count >= 256 else {
            self.init(records: records)
            return
        }
        let built = Concurrently.map(parts) { part in Self.part(part, among: parts, of: records) }
        self.init(joining: built, unlinked: records.filter { $0.serviceKey == nil })
    }

    /// The entries of one of `parts` pieces of an inventory: the Services among `records` whose
    /// key falls in `part`, other than those `isLeftOut` names. A caller that has more to do
    /// beside builds the pieces on its cores itself and joins them with `init(joining:unlinked:)`.
    public struct Part: Sendable {
        fileprivate var byKey: [ServiceKey: Entry] = [:]
    }

    public static func part(
        _ part: Int, among parts: Int, of records: [ObjectRecord],
        leavingOut isLeftOut: (ServiceKey) -> Bool = { _ in false }
    ) -> Part {
        var inventory = ServiceInventory()
        for record in records {
            guard let key = record.serviceKey, Self.partIndex(of: key, among: parts) == part, !isLeftOut(key) else {
                continue
            }
            inventory.byKey[key, default: Entry(key: key)].add(record)
        }
        return Part(byKey: inventory.byKey)
    }

    /// The inventory of the pieces `part(_:among:of:leavingOut:)` built (a Service is in one piece
    /// only), and the slices that name no Service.
    public init(joining parts: [Part], unlinked: [ObjectRecord]) {
        self.init()
        byKey.reserveCapacity(parts.reduce(0) { $0 + $1.byKey.count })
        for part in parts { byKey.merge(part.byKey, uniquingKeysWith: { first, _ in first }) }
        self.unlinked = unlinked
    }

    private static func partIndex(of key: ServiceKey, among parts: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(key)
        return Int(UInt(bitPattern: hasher.finalize()) % UInt(parts))
    }

    public mutating func add(_ record: ObjectRecord) {
        guard let key = record.serviceKey else {
            unlinked.append(record)
            return
        }
        // Mutated in place: taking the entry out and storing it back would copy its arrays and
        // backend set on every add.
        byKey[key, default: Entry(key: key)].add(record)
    }

    public subscript(key: ServiceKey) -> Entry? { byKey[key] }

    /// Removes the entries of the Services `isRemoved` names.
    public mutating func removeEntries(where isRemoved: (ServiceKey) -> Bool) {
        byKey = byKey.filter { !isRemoved($0.key) }
    }

    /// Changes the backend set of a service; a service without an entry gets one.
    public mutating func updateBackends(of key: ServiceKey, _ change: (inout BackendSet) -> Void) {
        var entry = byKey[key] ?? Entry(key: key)
        change(&entry.backends)
        byKey[key] = entry
    }

    /// The live records that can matter next to `desired`: those of Services git defines, and those
    /// of Services that could be unmanaged external services. A live-only Service with a selector or
    /// of type ExternalName is neither (the endpoint controllers write its backends); in a cluster
    /// that is almost every Service, so leaving their records out spares building their backend sets.
    public static func comparableLiveRecords(_ records: [ObjectRecord], desired: ServiceInventory) -> [ObjectRecord] {
        comparableLiveRecords(records, isDesired: { desired[$0] != nil })
    }

    /// As `comparableLiveRecords(_:desired:)`, with git's Services given by their keys.
    public static func comparableLiveRecords(
        _ records: [ObjectRecord], isDesired: (ServiceKey) -> Bool
    ) -> [ObjectRecord] {
        comparableLiveRecords(records, backed: controllerBackedServices(records, desired: isDesired))
    }

    /// As `comparableLiveRecords(_:desired:)`, with the Services it leaves out given
    /// (`controllerBackedServices`, or a filtered read's `ServiceDigest.backed`).
    public static func comparableLiveRecords(_ records: [ObjectRecord], backed: Set<ServiceKey>) -> [ObjectRecord] {
        records.filter { record in
            guard let key = record.serviceKey else { return true }
            return !backed.contains(key)
        }
    }

    /// The live Services whose records `comparableLiveRecords` leaves out: not defined in git, and
    /// with a selector or of type ExternalName. The last Service record of a key decides, as in `add`.
    public static func controllerBackedServices<Records: Swift.Sequence<ObjectRecord>>(
        _ records: Records, desired: (ServiceKey) -> Bool
    ) -> Set<ServiceKey> {
        var services: [ServiceKey: Bool] = [:]
        for record in records {
            guard case .service(let service) = record.object, let key = record.serviceKey else { continue }
            services[key] = service.isControllerBacked
        }
        return Set(services.compactMap { key, backed in backed && !desired(key) ? key : nil })
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
