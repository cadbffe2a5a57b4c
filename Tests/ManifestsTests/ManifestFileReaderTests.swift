import Testing

@testable import Manifests

@Suite struct ManifestFileReaderTests {
    static let multiDocument = """
        # External Postgres
        apiVersion: v1
        kind: Service
        metadata:
          name: orders-db
        spec:
          ports:
            - name: postgres
              port: 5432
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: notes
        data:
          example: |
            kind: Endpoints
            apiVersion: v1
            metadata: {name: fake}
        ---
        # the backends
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: orders-db
          namespace: shop
        subsets:
          - addresses:
              - ip: 10.0.1.10
            ports:
              - name: postgres
                port: 5432
        ...
        """

    @Test func readsObjectsWithTheirLinesAndDocumentIndexes() {
        let output = ManifestFileReader.read(Self.multiDocument, path: "shop/db.yaml")
        #expect(output.errors.isEmpty)
        #expect(output.objects.map(\.object.kind) == [.service, .endpoints])
        #expect(output.objects.map(\.line) == [2, 22])
        #expect(output.objects.map(\.documentIndex) == [0, 2])
        guard case .endpoints(let endpoints) = output.objects[1].object else {
            Issue.record("not Endpoints")
            return
        }
        #expect(endpoints.metadata.namespace == "shop")
        #expect(endpoints.subsets.first?.addresses.first?.line == 29)
    }

    @Test func aConfigMapThatMentionsEndpointsIsNeitherParsedNorTakenForOne() {
        let output = ManifestFileReader.read(Self.multiDocument, path: "shop/db.yaml")
        #expect(!output.objects.contains { $0.object.metadata.name == "fake" })
        #expect(output.parsedDocuments == 2)
        #expect(output.skippedDocuments == 1)
    }

    @Test func readsListItems() {
        let text = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: a}
              - apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: a-1
                  labels: {kubernetes.io/service-name: a}
                addressType: IPv4
                endpoints:
                  - addresses: ["10.0.0.1"]
                    conditions: {ready: false}
            """
        let output = ManifestFileReader.read(text, path: "list.yaml")
        #expect(output.errors.isEmpty)
        #expect(output.objects.map(\.object.kind) == [.service, .endpointSlice])
        #expect(output.objects.map(\.itemIndex) == [0, 1])
        #expect(output.objects.map(\.line) == [4, 7])
        guard case .endpointSlice(let slice) = output.objects[1].object else { return }
        #expect(slice.serviceName == "a")
        #expect(slice.endpoints.first?.conditions.isReady == false)
    }

    @Test func readsJSONFiles() {
        let text = """
            {
              "apiVersion": "v1",
              "kind": "Endpoints",
              "metadata": {"name": "ledger"},
              "subsets": [{"addresses": [{"ip": "2001:DB8::10"}], "ports": [{"port": 443}]}]
            }
            """
        let output = ManifestFileReader.read(text, path: "ledger.json")
        #expect(output.errors.isEmpty)
        #expect(output.objects.count == 1)
        #expect(output.objects.first?.line == 1)
    }

    @Test func ignoresDocumentsThatAreNotKubernetesObjectsOrOtherKinds() {
        let text =
            "just: data\n---\n- a\n- b\n---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\n"
        let output = ManifestFileReader.read(text, path: "x.yaml")
        #expect(output.objects.isEmpty)
        #expect(output.errors.isEmpty)
    }

    @Test func wrongTypesAreErrorsWithFieldPathAndPosition() {
        let text = """
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: orders-db
            subsets:
              - addresses:
                  - ip: 10.0.0.1
                ports:
                  - port: http
            """
        let output = ManifestFileReader.read(text, path: "bad.yaml")
        #expect(output.objects.isEmpty)
        let error = output.errors.first
        #expect(error?.kind == .wrongType)
        #expect(error?.path == "bad.yaml")
        #expect(error?.line == 9)
        #expect(error?.column == 15)
        #expect(error?.message == "subsets[0].ports[0].port: expected a number, found the string \"http\"")
    }

    @Test func oneBrokenDocumentDoesNotHideTheOthers() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata: {name: [}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ok}\n"
        let output = ManifestFileReader.read(text, path: "mixed.yaml")
        #expect(output.objects.map(\.object.metadata.name) == ["ok"])
        #expect(output.errors.count == 1)
        #expect(output.errors.first?.line == 3)
    }

    @Test func templatesLFSPointersBinaryAndNonUTF8AreNotesNotErrors() {
        let template = ManifestFileReader.read(
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: {{ .Values.name }}\n", path: "chart/templates/ep.yaml")
        #expect(template.notes.map(\.reason) == [.template])
        #expect(template.errors.isEmpty)

        let lfs = ManifestFileReader.read(
            "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", path: "big.yaml")
        #expect(lfs.notes.map(\.reason) == [.lfsPointer])

        let binary = [UInt8]([0x6b, 0x69, 0x00, 0x01])
        let binaryOutput = binary.withUnsafeBytes { ManifestFileReader.read($0, path: "x.yaml") }
        #expect(binaryOutput.notes.map(\.reason) == [.binary])

        let latin1 = [UInt8]("kind: Service # caf".utf8) + [0xE9, 0x0A]
        let latin1Output = latin1.withUnsafeBytes { ManifestFileReader.read($0, path: "x.yaml") }
        #expect(latin1Output.notes.map(\.reason) == [.notUTF8])
    }

    @Test func v1beta1SlicesGetANote() {
        let text = "apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\n"
        let output = ManifestFileReader.read(text, path: "old.yaml")
        #expect(output.objects.isEmpty)
        #expect(output.notes.map(\.reason) == [.unsupportedAPIVersion])
    }

    @Test func crlfFilesReadLikeLFFiles() {
        let text = Self.multiDocument.replacingOccurrences(of: "\n", with: "\r\n")
        let output = ManifestFileReader.read(text, path: "crlf.yaml")
        #expect(output.errors.isEmpty)
        #expect(output.objects.map(\.line) == [2, 22])
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
