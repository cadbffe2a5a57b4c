import Manifests
import Testing

/// The pre-filter must let lone EndpointSlices through ("EndpointSlice" does not contain "Endpoints").
@Suite struct EndpointSlicePrefilterTests {
    @Test func aJSONSliceAloneIsRead() {
        let text = """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "a", "labels": {"kubernetes.io/service-name": "a"}},
             "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}]}
            """
        let output = ManifestFileReader.read(text, path: "a.json")
        #expect(output.objects.count == 1)
        #expect(output.objects.first?.object.kind == .endpointSlice)
    }

    @Test func aFlowYAMLSliceWithoutAKindLineIsRead() {
        let text = """
            {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: a, labels: {kubernetes.io/service-name: a}},
             addressType: IPv4, endpoints: [{addresses: [10.0.0.1]}]}
            """
        #expect(ManifestFileReader.read(text, path: "a.yaml").objects.count == 1)
    }
}
