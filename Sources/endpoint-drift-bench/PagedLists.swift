import Foundation
import TestSupport

/// One resource's generated API items as the fake API server serves them: the cluster-wide list
/// and one list per namespace (sharing the same item bytes).
struct PagedLists {
    var all: PagedList
    var byNamespace: [String: PagedList]

    /// Reads `namespace<TAB>item` lines.
    static func load(_ path: String, resource: LiveObjects.Resource) throws -> PagedLists {
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
        // Each list is also served in protobuf, to a client that asks for it. Converting takes a
        // minute at 1× (JSON → protobuf JSON → message): done once and kept beside the JSON items.
        let json = PagedList(kind: listKind, apiVersion: resource.apiVersion, items: items)
        let protobufItems: [[UInt8]]
        if let kept = readProtobufItems("\(path).pb", count: items.count, newerThan: path) {
            protobufItems = kept
        } else {
            protobufItems = try json.withProtobuf(concurrently: true).protobufItems ?? []
            writeProtobufItems(protobufItems, to: "\(path).pb")
        }
        // Each namespace's items, in both encodings, in list order.
        var positions: [String: [Int]] = [:]
        for (index, namespace) in namespaces.enumerated() { positions[namespace, default: []].append(index) }
        return PagedLists(
            all: json.with(protobufItems: protobufItems),
            byNamespace: positions.mapValues { indices in
                PagedList(kind: listKind, apiVersion: resource.apiVersion, items: indices.map { items[$0] })
                    .with(protobufItems: indices.map { protobufItems[$0] })
            })
    }

    /// Items as 4-byte little-endian lengths, each followed by the item.
    private static func writeProtobufItems(_ items: [[UInt8]], to path: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.reduce(0) { $0 + $1.count + 4 })
        for item in items {
            withUnsafeBytes(of: UInt32(item.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: item)
        }
        try? Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The kept items, when the file is complete, holds `count` items and is newer than `source`.
    private static func readProtobufItems(_ path: String, count: Int, newerThan source: String) -> [[UInt8]]? {
        let files = FileManager.default
        guard let kept = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
            let written = (try? files.attributesOfItem(atPath: source))?[.modificationDate] as? Date, kept >= written,
            let data = try? Data(contentsOf: URL(fileURLWithPath: path))
        else { return nil }
        var items: [[UInt8]] = []
        items.reserveCapacity(count)
        let complete = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset + 4 <= buffer.count {
                let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                guard offset + length <= buffer.count else { return false }
                items.append(Array(buffer[offset..<(offset + length)]))
                offset += length
            }
            return offset == buffer.count
        }
        return complete && items.count == count ? items : nil
    }

    static func path(_ resource: LiveObjects.Resource, namespace: String?) -> String {
        let prefix = resource == .endpointSlices ? "/apis/discovery.k8s.io/v1" : "/api/v1"
        guard let namespace else { return "\(prefix)/\(resource.fileName)" }
        return "\(prefix)/namespaces/\(namespace)/\(resource.fileName)"
    }
}
