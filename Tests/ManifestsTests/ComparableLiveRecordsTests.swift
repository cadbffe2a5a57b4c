import Manifests
import Testing

@Suite("Live records that can be compared with git")
struct ComparableLiveRecordsTests {
    static func records(_ text: String) -> [ObjectRecord] {
        ManifestFileReader.read(text, path: "live.yaml").objects.map { ObjectRecord(live: $0.object) }
    }

    static let live = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: web, namespace: shop}
        subsets: [{addresses: [{ip: 10.1.0.1}], ports: [{port: 80}]}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-abcde
          namespace: shop
          labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
        addressType: IPv4
        endpoints: [{addresses: [10.1.0.1]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: mail, namespace: shop}
        spec: {type: ExternalName, externalName: mail.example.com}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: mail, namespace: shop}
        subsets: [{addresses: [{ip: 10.1.0.9}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: legacy, namespace: shop}
        spec: {ports: [{port: 7000}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: legacy, namespace: shop}
        subsets: [{addresses: [{ip: 10.1.0.2}]}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: orphan, namespace: shop}
        subsets: [{addresses: [{ip: 10.1.0.3}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec: {selector: {app: db}}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db, namespace: shop}
        subsets: [{addresses: [{ip: 10.1.0.4}]}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: twice, namespace: shop}
        spec: {selector: {app: twice}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: twice, namespace: shop}
        spec: {ports: [{port: 1}]}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: loose, namespace: shop}
        addressType: IPv4
        endpoints: [{addresses: [10.1.0.5]}]
        """

    @Test("live-only Services with a selector or ExternalName are left out; everything else stays, in order")
    func filter() {
        let live = Self.records(Self.live)
        let desired = ServiceInventory(
            records: Self.records(
                """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: db, namespace: shop}
                subsets: [{addresses: [{ip: 10.1.0.4}]}]
                """))
        let kept = ServiceInventory.comparableLiveRecords(live, desired: desired)
        #expect(
            kept.map(\.ref.description)
                == live.map(\.ref.description).filter {
                    !$0.contains("/web") && !$0.contains("/mail")
                })
        #expect(kept.map(\.ref.name).contains("db"))
        #expect(kept.filter { $0.ref.name == "twice" }.count == 2)
        #expect(kept.contains { $0.ref.name == "loose" })
    }
}
