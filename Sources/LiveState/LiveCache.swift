import Manifests

/// The live state kept current by list + watch: the records of each object, replaced or removed as
/// events arrive, and the version each resource's watch resumes from. Only records are kept, never
/// whole answers. Tells which Services an event touched, so that a report is recomputed for them
/// only.
public struct LiveCache: Sendable {
    /// One list + watch: a resource in one namespace, or in all (`nil`).
    public struct Scope: Sendable, Hashable, CustomStringConvertible {
        public var resource: APIResource
        public var namespace: String?

        public init(_ resource: APIResource, namespace: String? = nil) {
            self.resource = resource
            self.namespace = namespace
        }

        public var description: String {
            resource.qualifiedName + (namespace.map { " in namespace \($0)" } ?? " in all namespaces")
        }
    }

    private var records: [ObjectRef: ObjectRecord] = [:]
    /// The version each scope's watch resumes from (the list's, then each event's or bookmark's).
    public private(set) var resourceVersions: [Scope: String] = [:]

    public init() {}

    public var count: Int { records.count }

    /// Every record, in a stable order.
    public var snapshot: [ObjectRecord] { records.values.sorted { $0.ref < $1.ref } }

    /// After a (re)list of one scope: its records replace all that were held in the scope. The
    /// Services whose records differ are returned.
    public mutating func replace(
        _ scope: Scope, with listed: [ObjectRecord], resourceVersion: String
    ) -> Set<ServiceKey> {
        var touched: Set<ServiceKey> = []
        let kind = scope.resource.kind
        var fresh: [ObjectRef: ObjectRecord] = [:]
        for record in listed { fresh[record.ref] = record }
        for (ref, old) in records where ref.kind == kind {
            if let namespace = scope.namespace, ref.namespace != namespace { continue }
            if fresh[ref] == nil {
                records[ref] = nil
                if let key = Self.serviceKey(old) { touched.insert(key) }
            }
        }
        for (ref, record) in fresh {
            if let old = records[ref], old.object == record.object { continue }
            records[ref] = record
            if let key = Self.serviceKey(record) { touched.insert(key) }
        }
        resourceVersions[scope] = resourceVersion
        return touched
    }

    /// Applies one watch event; returns the Services it touched (none for a bookmark or a change
    /// that leaves the record as it was).
    public mutating func apply(_ event: WatchEvent, in scope: Scope) -> Set<ServiceKey> {
        if let version = event.resourceVersion, !version.isEmpty { resourceVersions[scope] = version }
        switch event {
        case .added(let record, _), .modified(let record, _):
            let old = records[record.ref]
            if let old, old.object == record.object { return [] }
            records[record.ref] = record
            return Set([old.flatMap(Self.serviceKey), Self.serviceKey(record)].compactMap { $0 })
        case .deleted(let record, _):
            guard let old = records.removeValue(forKey: record.ref) else { return [] }
            return Set([Self.serviceKey(old)].compactMap { $0 })
        case .bookmark, .error:
            return []
        }
    }

    /// The Service a record backs: a Service itself, Endpoints of the same name, a slice's label.
    static func serviceKey(_ record: ObjectRecord) -> ServiceKey? {
        if record.ref.kind == .service { return ServiceKey(namespace: record.ref.namespace, name: record.ref.name) }
        return record.serviceKey
    }
}
