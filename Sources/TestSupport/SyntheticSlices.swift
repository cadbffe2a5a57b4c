import Foundation

/// Large, realistic EndpointSlice lists made up on the fly (for paging and throughput): compact
/// JSON as the API server sends to non-curl clients, `managedFields` included, three endpoints per
/// slice, spread over 50 namespaces.
public enum SyntheticSlices {
    public static let namespaceCount = 50

    /// The name, namespace and first address of slice `index`.
    public static func identity(_ index: Int) -> (namespace: String, service: String, address: String) {
        (
            "ns-\(String(format: "%02d", index % namespaceCount))", "svc-\(String(format: "%05d", index))",
            "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)"
        )
    }

    /// One item (no `kind`/`apiVersion`, as in a list answer).
    public static func item(_ index: Int) -> String {
        let (namespace, service, address) = identity(index)
        let octets = address.split(separator: ".")
        let next = "10.\(octets[1]).\(octets[2])"
        return """
            {"metadata":{"name":"\(service)-x7k2p","generateName":"\(service)-","namespace":"\(namespace)",\
            "uid":"5c7e3a4b-\(String(format: "%04x", index % 65536))-4c1d-9a7e-0242ac120002","resourceVersion":"\(100000 + index)",\
            "generation":1,"creationTimestamp":"2026-11-21T11:35:44Z","labels":{"endpointslice.kubernetes.io/managed-by":"gitops",\
            "kubernetes.io/service-name":"\(service)","team":"platform"},"annotations":{"example.com/owner":"storage-team"},\
            "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"discovery.k8s.io/v1",\
            "time":"2026-11-21T11:35:44Z","fieldsType":"FieldsV1","fieldsV1":{"f:addressType":{},"f:endpoints":{},\
            "f:metadata":{"f:annotations":{".":{},"f:example.com/owner":{}},"f:labels":{".":{},\
            "f:endpointslice.kubernetes.io/managed-by":{},"f:kubernetes.io/service-name":{},"f:team":{}}},"f:ports":{}}}]},\
            "addressType":"IPv4","endpoints":[{"addresses":["\(address)"],"conditions":{"ready":true,"serving":true,"terminating":false},\
            "zone":"zone-a"},{"addresses":["\(next).\(200 + index % 50)"],"conditions":{"ready":true,"serving":true,\
            "terminating":false},"zone":"zone-b"},{"addresses":["\(next).\(250 + index % 5)"],"conditions":{"ready":false,\
            "serving":false,"terminating":false},"zone":"zone-c"}],"ports":[{"name":"https","protocol":"TCP","port":443},\
            {"name":"metrics","protocol":"TCP","port":9100}]}
            """
    }

    /// Items `offset..<offset+limit` of `total` as an `EndpointSliceList` page, with a continue
    /// token and `remainingItemCount` while more remain.
    public static func page(offset: Int, limit: Int, total: Int) -> [UInt8] {
        let end = limit > 0 ? min(total, offset + limit) : total
        var text =
            "{\"kind\":\"EndpointSliceList\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"200000\""
        if end < total { text += ",\"continue\":\"\(token(for: end))\",\"remainingItemCount\":\(total - end)" }
        text += "},\"items\":["
        for index in offset..<end {
            if index > offset { text += "," }
            text += item(index)
        }
        text += "]}"
        return Array(text.utf8)
    }

    /// Continue tokens are opaque to clients; here they carry the next offset.
    public static func token(for offset: Int) -> String {
        Data("{\"v\":\"meta.k8s.io/v1\",\"start\":\(offset)}".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    static func offset(of token: String) -> Int? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let range = text.range(of: "\"start\":")
        else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// Serves `total` slices at `/apis/discovery.k8s.io/v1/endpointslices`, paged as asked.
    public static func response(total: Int) -> FakeResponse {
        PagedList.response { page(offset: $0, limit: $1, total: total) }
    }
}
