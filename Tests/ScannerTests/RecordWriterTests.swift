import BinaryCoding
import Manifests
import Testing

@testable import Scanner

/// The hand-written writer of cold scans writes byte for byte what `BinaryEncoder` writes from the
/// synthesized `Encodable` conformances, so that every reader of the caches reads it as before.
@Suite struct RecordWriterTests {
    @Test("records: every field of every type, set and left out, written as BinaryEncoder writes them")
    func recordsAsTheGenericEncoder() throws {
        let records = RecordReaderTests.records
        let written = try #require(RecordWriter.records(records))
        #expect(written == (try BinaryEncoder().encode(records)))
        #expect(try RecordReader.records(written) == records)
        // A slice of the records (a chunk of the scan cache) as the array of those records.
        let chunk = records[3..<9]
        #expect(RecordWriter.records(chunk) == (try BinaryEncoder().encode(Array(chunk))))
        #expect(RecordWriter.records([ObjectRecord]()) == (try BinaryEncoder().encode([ObjectRecord]())))
    }

    static let file = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop, labels: {team: a}}
        spec: {ports: [{name: pg, port: 5432, targetPort: 5432}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db, namespace: shop}
        subsets:
        - addresses: [{ip: 10.0.0.1, hostname: a}, {ip: "${DB_IP}"}]
          notReadyAddresses: [{ip: 10.0.0.3}]
          ports: [{name: pg, port: 5432, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
        addressType: IPv4
        endpoints:
        - addresses: [10.0.0.1]
          conditions: {ready: false}
          zone: z
        ports: [{port: 5432}]
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: cache}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec: {path: ./apps, targetNamespace: shop}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: vars}
        data: {DB_IP: 10.0.0.2}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: [broken}
        """

    @Test("a file's reader output, in each mode, written as BinaryEncoder writes it", arguments: [false, true])
    func outputAsTheGenericEncoder(documents: Bool) throws {
        let output = ManifestFileReader.read(Self.file, path: "apps/db.yaml", mode: documents ? .documents : .objects)
        #expect(documents ? !output.documents.isEmpty : output.objects.count >= 4)
        #expect(!output.errors.isEmpty)
        #expect(!output.gitOpsDocuments.isEmpty)
        #expect(output.mayHoldVariables)
        #expect(RecordWriter.output(output) == (try BinaryEncoder().encode(output)))
        #expect(
            RecordWriter.output(ManifestFileReader.Output())
                == (try BinaryEncoder().encode(ManifestFileReader.Output())))
    }
}
