import Foundation
import TestSupport

/// One resource's generated API items as the fake API server serves them: the cluster-wide list
/// and one list per namespace (sharing the same item bytes).
struct PagedLists {
    var all: PagedList
    var byNamespace: [String: PagedList]

    /// Reads `namespace<TAB>item` lines.
    static func load(_ path: String, resource: LiveObjects.Resource) -> PagedLists {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        var items: [[UInt8]] = []
        var namespaces: [String] = []
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
                if let tab = buffer[start..<end].firstIndex(of: UInt8(ascii: "\t")) {
                    namespaces.append(String(decoding: buffer[start..<tab], as: UTF8.self))
                    items.append(Array(buffer[(tab + 1)..<end]))
                }
                start = end + 1
            }
        }
        let listKind = "\(resource.kind)List"
        var grouped: [String: [[UInt8]]] = [:]
        for (namespace, item) in zip(namespaces, items) { grouped[namespace, default: []].append(item) }
        return PagedLists(
            all: PagedList(kind: listKind, apiVersion: resource.apiVersion, items: items),
            byNamespace: grouped.mapValues { PagedList(kind: listKind, apiVersion: resource.apiVersion, items: $0) })
    }

    static func path(_ resource: LiveObjects.Resource, namespace: String?) -> String {
        let prefix = resource == .endpointSlices ? "/apis/discovery.k8s.io/v1" : "/api/v1"
        guard let namespace else { return "\(prefix)/\(resource.fileName)" }
        return "\(prefix)/namespaces/\(namespace)/\(resource.fileName)"
    }
}
