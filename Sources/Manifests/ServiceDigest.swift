/// What a filtered live read keeps of the cluster's Services in place of most of their records.
///
/// Almost every Service of a cluster has a selector (the endpoint controllers write its backends)
/// and is not in git: a check compares none of them, nor their Endpoints and slices. Of those it
/// needs only which they are (`comparableLiveRecords` leaves their objects out) and their cluster
/// IPs (git's endpoint addresses are linted against them). A read that keeps this digest can leave
/// their records out, Services included, and the check's report is the same.
public struct ServiceDigest: Sendable, Equatable {
    /// The controller-backed Services git does not define (`ServiceInventory.controllerBackedServices`
    /// of every Service read), whether or not their records were kept.
    public private(set) var backed: Set<ServiceKey>
    /// The cluster IPs of every Service read, canonical, to their Service (`clusterIPs(of:)`).
    public private(set) var clusterIPs: [String: ServiceKey]

    /// The digest of every Service among `records`; `desired` says which Services git defines.
    /// One pass, as `controllerBackedServices` and `clusterIPs(of:)` would each make (the last
    /// Service record of a key decides).
    public init<Records: Swift.Sequence<ObjectRecord>>(services records: Records, desired: (ServiceKey) -> Bool) {
        self.init(backed: [], clusterIPs: [:])
        reserveCapacity(records.underestimatedCount)
        for record in records { add(record, desired: desired) }
    }

    /// Room for `count` Services more, when the read knows how many are coming.
    public mutating func reserveCapacity(_ count: Int) {
        backed.reserveCapacity(backed.count + count)
        clusterIPs.reserveCapacity(clusterIPs.count + count)
    }

    /// Takes in one more record of the Services read (in the order read: a later record of a key
    /// overrides an earlier one); what is not a Service is passed over. Says whether the Service is
    /// backed now, and whether that changed.
    @discardableResult
    public mutating func add(
        _ record: ObjectRecord, desired: (ServiceKey) -> Bool
    ) -> (backed: Bool, changed: Bool) {
        guard case .service(let service) = record.object, let key = record.serviceKey else { return (false, false) }
        return add(key, controllerBacked: service.isControllerBacked, clusterIPs: service.clusterIPs, desired: desired)
    }

    /// `add(_:desired:)` for a Service given by what the digest takes of it (a read that makes no
    /// record of it): its key, whether the controllers back it, its cluster IPs as written.
    @discardableResult
    public mutating func add(
        _ key: ServiceKey, controllerBacked: Bool, clusterIPs addresses: [String], desired: (ServiceKey) -> Bool
    ) -> (backed: Bool, changed: Bool) {
        let change: (backed: Bool, changed: Bool)
        if controllerBacked && !desired(key) {
            change = (true, backed.insert(key).inserted)
        } else {
            change = (false, !backed.isEmpty && backed.remove(key) != nil)
        }
        Self.addClusterIPs(addresses, key: key, to: &clusterIPs)
        return change
    }

    public init(backed: Set<ServiceKey>, clusterIPs: [String: ServiceKey]) {
        self.backed = backed
        self.clusterIPs = clusterIPs
    }

    /// Whether a read with this digest may leave `record` out: an object (the Service too) of a
    /// backed Service that carries no ignore annotation (the annotation index reads every live
    /// object). It looks at the kind, name, namespace, the `kubernetes.io/service-name` label and the
    /// ignore annotation only: a live read decides on items whose other labels and annotations it
    /// has not read (`ProtobufObjectReader.leavesOut`).
    public func leavesOut(_ record: ObjectRecord) -> Bool {
        leavesOut(record.object, of: record.serviceKey)
    }

    /// As `leavesOut(_:)` for the record `ObjectRecord(live: object)` would make, without making it
    /// (a read asks this of nearly every item it lists).
    public func leavesOut(_ object: KubeObject) -> Bool {
        leavesOut(
            object,
            of: object.serviceName.map { ServiceKey(namespace: object.metadata.namespace ?? "default", name: $0) })
    }

    /// As `leavesOut(_:)` with the object's Service key already made (nil: it names no Service).
    public func leavesOut(_ object: KubeObject, of key: ServiceKey?) -> Bool {
        guard let key, backed.contains(key) else { return false }
        return object.metadata.annotations[WellKnown.ignoreAnnotation] == nil
    }

    /// The digest of the namespaces `isKept` admits only: what reading only those would have kept.
    public func keeping(namespaces isKept: (String) -> Bool) -> ServiceDigest {
        ServiceDigest(
            backed: backed.filter { isKept($0.namespace) }, clusterIPs: clusterIPs.filter { isKept($0.value.namespace) }
        )
    }

    /// Cluster IPs of the Services among `records`, canonical, to their Service; the last Service
    /// with an address has it (`None` and empty ones are not addresses).
    public static func clusterIPs<Records: Swift.Sequence<ObjectRecord>>(of records: Records) -> [String: ServiceKey] {
        var owners: [String: ServiceKey] = [:]
        for record in records {
            guard case .service(let service) = record.object else { continue }
            addClusterIPs(
                service.clusterIPs, key: ServiceKey(namespace: record.ref.namespace, name: record.ref.name),
                to: &owners)
        }
        return owners
    }

    private static func addClusterIPs(_ addresses: [String], key: ServiceKey, to owners: inout [String: ServiceKey]) {
        for text in addresses {
            guard let address = IPAddress.canonical(of: text) else { continue }
            owners[address] = key
        }
    }
}
