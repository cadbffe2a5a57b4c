import Manifests
import Remediation
import Testing

/// `fix` builds the live inventory only from the records that can matter, and passes the slice
/// names of every live record: the plan must be the one the whole inventory gives.
@Suite struct SliceNameTests {
    static func records(_ text: String, path: String? = nil) -> [ObjectRecord] {
        ManifestFileReader.read(text, path: path ?? "live.yaml").objects.map { object in
            var record = ObjectRecord(live: object.object)
            if let path { record.source = SourceLocation(path: path, line: object.line) }
            return record
        }
    }

    static let desired = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {ports: [{name: pg, port: 5432}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          namespace: shop
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        ports: [{name: pg, port: 5432}]
        endpoints:
          - addresses: [10.0.0.1]
        """

    /// The cluster also serves db on an IPv6 address from its hand-written slice `db-v6` (which git
    /// writes under that live name), and another Service's controller made a slice `db-ipv6`.
    static let live = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {ports: [{name: pg, port: 5432}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          namespace: shop
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        ports: [{name: pg, port: 5432}]
        endpoints:
          - addresses: [10.0.0.1]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-v6
          namespace: shop
          labels: {kubernetes.io/service-name: db}
        addressType: IPv6
        ports: [{name: pg, port: 5432}]
        endpoints:
          - addresses: ["2001:db8::1"]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: cache, namespace: shop}
        spec: {selector: {app: cache}, ports: [{port: 6379}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-ipv6
          namespace: shop
          labels: {kubernetes.io/service-name: cache, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
        addressType: IPv4
        endpoints:
          - addresses: [10.9.0.1]
        """

    @Test("the filtered live inventory with every slice name plans what the whole inventory plans")
    func sameplan() {
        let desiredRecords = Self.records(Self.desired, path: "db.yaml")
        let liveRecords = Self.records(Self.live)
        let desired = ServiceInventory(records: desiredRecords)
        let planner = FixPlanner()
        let whole = planner.plan(desired: desired, live: ServiceInventory(records: liveRecords))
        let filtered = planner.plan(
            desired: desired,
            live: ServiceInventory(records: ServiceInventory.comparableLiveRecords(liveRecords, desired: desired)),
            takenSliceNames: FixPlanner.sliceNames(of: [desiredRecords, liveRecords].joined()))
        #expect(filtered == whole)
        let names = whole.services.flatMap(\.newObjects).map(\.object.metadata.name)
        #expect(names == ["db-v6"])
    }
}
