import Manifests
import NIOCore

/// One page of a list answer: its items reduced to records, and where the next page starts.
struct ListPage {
    /// Decoded items, each made a record as soon as it is read: the page never holds a list of
    /// bare objects beside the records made from them.
    var records: [ObjectRecord] = []
    /// The items as read (without `metadata.managedFields`), kept only for `--save-live`.
    var documents: [Node] = []
    /// Services read only for a check's digest (`ProtobufObjectReader.digestsThin`), each with the
    /// number of `records` read before it: the digest takes them in the list's order.
    var digestOnly: [(before: Int, service: ProtobufObjectReader.DigestOnly)] = []
    /// Items that could not be decoded: which one and why.
    var problems: [String] = []
    var continueToken: String?
    var resourceVersion: String?
    var remainingItemCount: Int?
    var itemCount = 0

    /// Reads a list answer with `JSONReader`'s cursor: the envelope is walked key by key and each
    /// item is decoded straight into the model (`LiveObjectReader`), skipping `managedFields` and
    /// every other field the model does not keep without building anything. For `--save-live`
    /// (`keepDocuments`) each item becomes a tree instead, without `metadata.managedFields`.
    /// `leavesOut`: items to leave out once their metadata is read (see `LiveObjectReader`); not
    /// used with `keepDocuments`.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, resource: APIResource, keepDocuments: Bool,
        leavesOut: ((KubeObject) -> Bool)? = nil
    ) throws(ManifestError) -> ListPage {
        var reader = JSONReader(bytes: bytes)
        var page = ListPage()
        try reader.beginObject()
        var first = true
        var sawItems = false
        while let key = try reader.nextKey(first: first) {
            first = false
            switch key {
            case "kind":
                let kind = try reader.readValue().scalar?.value ?? ""
                guard kind == resource.listKind || kind == "List" else {
                    throw reader.error("expected kind \(resource.listKind), found \"\(kind.prefix(60))\"")
                }
            case "metadata":
                try page.readListMetadata(&reader)
            case "items":
                sawItems = true
                if reader.peek() == UInt8(ascii: "n") {
                    try reader.skipValue()  // `null`: no items
                    continue
                }
                try reader.beginArray()
                var firstItem = true
                while try reader.nextElement(first: firstItem) {
                    firstItem = false
                    page.itemCount += 1
                    if !keepDocuments {
                        // The fast path: straight into the model. A malformed item is read again
                        // as a tree, to name it in the note, and left out.
                        var fast = LiveObjectReader(reader: reader, leavesOut: leavesOut)
                        do {
                            if let object = try fast.read(resource.kind) {
                                page.records.append(ObjectRecord(live: object))
                            }
                            reader = fast.reader
                            continue
                        } catch {
                            let item = try readItem(&reader)
                            page.problems.append("\(describe(item, resource: resource)): \(error.message)")
                            continue
                        }
                    }
                    let item = try readItem(&reader)
                    page.documents.append(item)
                    do {
                        page.records.append(
                            ObjectRecord(live: try ObjectDecoder.decodeItem(item, as: resource.kind).withoutLines()))
                    } catch {
                        page.problems.append("\(describe(item, resource: resource)): \(error.message)")
                    }
                }
            default:
                try reader.skipValue()
            }
        }
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("unexpected text after the JSON value") }
        guard sawItems else { throw reader.error("the answer has no items") }
        return page
    }

    /// The continue token, when the list's metadata comes before its items (as the API server
    /// writes it); nil when there is none or it comes later.
    static func continueTokenBeforeItems(_ body: ByteBuffer) -> String? {
        body.withUnsafeReadableBytes { bytes -> String? in
            var reader = JSONReader(bytes: bytes)
            var page = ListPage()
            do {
                try reader.beginObject()
                var first = true
                while let key = try reader.nextKey(first: first) {
                    first = false
                    switch key {
                    case "metadata":
                        try page.readListMetadata(&reader)
                        return page.continueToken
                    case "items":
                        return nil
                    default:
                        try reader.skipValue()
                    }
                }
            } catch {
                return nil
            }
            return nil
        }
    }

    private mutating func readListMetadata(_ reader: inout JSONReader) throws(ManifestError) {
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: first) {
            first = false
            switch key {
            case "continue": continueToken = try reader.readValue().scalar.flatMap { nonEmpty($0.value) }
            case "resourceVersion": resourceVersion = try reader.readValue().scalar?.value
            case "remainingItemCount": remainingItemCount = try reader.readValue().scalar.flatMap { Int($0.value) }
            default: try reader.skipValue()
            }
        }
    }

    /// One item as a tree, `metadata.managedFields` left out.
    private static func readItem(_ reader: inout JSONReader) throws(ManifestError) -> Node {
        guard reader.peek() == UInt8(ascii: "{") else { return try reader.readValue() }
        let start = reader.mark
        try reader.beginObject()
        var entries: [Mapping.Entry] = []
        var first = true
        while let (key, keySpan) = try keyWithSpan(&reader, first: first) {
            first = false
            let value: Node
            if key == "metadata" && reader.peek() == UInt8(ascii: "{") {
                value = try readMetadata(&reader)
            } else {
                value = try reader.readValue()
            }
            entries.append(
                Mapping.Entry(key: .scalar(Scalar(value: key, style: .doubleQuoted, span: keySpan)), value: value))
        }
        return .mapping(Mapping(entries: entries, style: .flow, span: SourceSpan(start: start, end: reader.mark)))
    }

    private static func readMetadata(_ reader: inout JSONReader) throws(ManifestError) -> Node {
        let start = reader.mark
        try reader.beginObject()
        var entries: [Mapping.Entry] = []
        var first = true
        while let (key, keySpan) = try keyWithSpan(&reader, first: first) {
            first = false
            if key == "managedFields" {
                try reader.skipValue()
                continue
            }
            entries.append(
                Mapping.Entry(
                    key: .scalar(Scalar(value: key, style: .doubleQuoted, span: keySpan)), value: try reader.readValue()
                ))
        }
        return .mapping(Mapping(entries: entries, style: .flow, span: SourceSpan(start: start, end: reader.mark)))
    }

    private static func keyWithSpan(
        _ reader: inout JSONReader, first: Bool
    ) throws(ManifestError) -> (String, SourceSpan)? {
        // `nextKey` consumes the separator and the colon; the span is for positions in errors only.
        let start = reader.mark
        guard let key = try reader.nextKey(first: first) else { return nil }
        return (key, SourceSpan(start: start, end: reader.mark))
    }

    /// `Endpoints/shop/orders-db`, or the item's position when it has no name.
    private static func describe(_ item: Node, resource: APIResource) -> String {
        let metadata = item.mapping?["metadata"]?.mapping
        let name = metadata?["name"]?.scalar?.value ?? "?"
        let namespace = metadata?["namespace"]?.scalar?.value ?? "?"
        return "\(resource.kind.rawValue)/\(namespace)/\(name)"
    }
}
