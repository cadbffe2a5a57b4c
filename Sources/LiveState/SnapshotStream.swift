import Manifests

/// Reads a JSON snapshot item by item with a strict `JSONReader` cursor, each item straight into
/// the model (`LiveObjectReader`), building no tree: a snapshot of a large cluster is hundreds of
/// megabytes, and its tree ten times that.
///
/// Exactness comes first: the reader is strict (it checks what it skips as the tree reader
/// would, duplicate keys included), an item the fast decoder refuses is read again as a tree and
/// decoded by `ObjectDecoder`, and anything unusual or wrong makes it give up (`nil`), so that the
/// caller reads the document as a tree (`SnapshotFileSource.parse`), which gives the records or
/// the error exactly as before. What it streams: an object with `items` (`kubectl get … -o json`
/// output, whose items say their kind, or an API list whose `kind` comes before its items).
enum SnapshotStream {
    /// The records in document order, or nil (see above). `progress` is called with the offset
    /// reached after each item (to give back pages already read).
    static func records(_ bytes: UnsafeRawBufferPointer, progress: (Int) -> Void = { _ in }) -> [ObjectRecord]? {
        var records: [ObjectRecord] = []
        // Room for the objects of a kubectl snapshot (over a kilobyte each) at once: growing an array
        // of a million records copies it again and again into freshly zeroed pages. Room never used
        // is never touched, so never resident.
        records.reserveCapacity(bytes.count / 1024)
        guard stream(bytes, progress: progress, { item, _ in records += item }) != nil else { return nil }
        return records
    }

    /// How the items of a streamed list were read: an item's bytes read again with this gives the
    /// same records (`records(ofItem:as:)`).
    struct ItemContext: Sendable {
        /// The list's `kind` as known when its items were read (it decides the kind of items that
        /// do not say theirs).
        var listKind: String?
    }

    /// Reads the document as `records(_:progress:)` does, handing each item's records (none for an
    /// item of another kind, nearly always one otherwise) to `body` with the item's byte range, in
    /// document order. nil to give up, as `records` does: `body` may have been called by then, and
    /// the caller drops what it was given.
    static func stream(
        _ bytes: UnsafeRawBufferPointer, progress: (Int) -> Void = { _ in },
        _ body: ([ObjectRecord], Range<Int>) -> Void
    ) -> ItemContext? {
        var reader = JSONReader(bytes: bytes, strict: true)
        var item: [ObjectRecord] = []
        var emitted = 0
        var context = ItemContext()
        var listKind: String?
        var apiVersion: String?
        var sawItems = false
        // Items of other kinds, left out.
        var skipped = 0
        do {
            guard reader.peek() == UInt8(ascii: "{") else { return nil }
            try reader.beginObject()
            var first = true
            while let key = try reader.nextRawKey(first: first) {
                first = false
                switch key {
                case "kind":
                    guard let text = try stringValue(&reader) else { return nil }
                    listKind = text
                case "apiVersion":
                    guard let text = try stringValue(&reader) else { return nil }
                    apiVersion = text
                case "items":
                    guard reader.peek() == UInt8(ascii: "[") else { return nil }
                    sawItems = true
                    try reader.beginArray()
                    var firstItem = true
                    context.listKind = listKind
                    while try reader.nextElement(first: firstItem) {
                        firstItem = false
                        let start = reader.offset
                        guard try Self.item(&reader, listKind: listKind, into: &item) else { return nil }
                        if item.isEmpty { skipped += 1 }
                        emitted += item.count
                        body(item, start..<reader.offset)
                        item.removeAll(keepingCapacity: true)
                        progress(reader.offset)
                    }
                default:
                    try reader.skipValue()
                }
            }
            reader.skipWhitespace()
            guard reader.isAtEnd else { return nil }
        } catch {
            return nil
        }
        // The rules of `SnapshotShape`: a typed list, else a `List` with an apiVersion whose items
        // are not all of other kinds. Anything else is left to the tree reader, which names it.
        guard sawItems, let listKind else { return nil }
        if typedKind(listKind) != nil { return context }
        guard listKind == "List", apiVersion != nil, !(emitted == 0 && skipped > 0) else { return nil }
        return context
    }

    /// The records of one item of a list `stream` read, from the item's bytes alone; nil if they
    /// no longer read as an item.
    static func records(ofItem bytes: UnsafeRawBufferPointer, as context: ItemContext) -> [ObjectRecord]? {
        var reader = JSONReader(bytes: bytes, strict: true)
        var records: [ObjectRecord] = []
        do {
            guard try item(&reader, listKind: context.listKind, into: &records) else { return nil }
        } catch {
            return nil
        }
        reader.skipWhitespace()
        return reader.isAtEnd ? records : nil
    }

    /// `EndpointsList` → `.endpoints`: lists whose items need not say their kind.
    private static func typedKind(_ listKind: String) -> ObjectKind? {
        ObjectKind.allCases.first { "\($0.rawValue)List" == listKind }
    }

    /// Reads one item into `records`; false to give up on streaming.
    private static func item(
        _ reader: inout JSONReader, listKind: String?, into records: inout [ObjectRecord]
    ) throws(ManifestError) -> Bool {
        let start = reader.position
        guard reader.peek() == UInt8(ascii: "{") else { return false }
        do {
            guard let kind = try objectKind(&reader, listKind: listKind) else { return false }
            reader.restore(start)
            guard let kind else { return try skip(&reader) }
            // The reader is moved in and out, not copied: a copy would share its key log's storage,
            // and the first key would then copy it.
            var fast = LiveObjectReader(reader: JSONReader(bytes: UnsafeRawBufferPointer(start: nil, count: 0)))
            swap(&fast.reader, &reader)
            defer { swap(&fast.reader, &reader) }
            if let object = try fast.read(kind) { records.append(ObjectRecord(live: object)) }
            return true
        } catch {
            // The tree decoder is the reference: it accepts some things the fast one refuses.
            reader.restore(start)
            return slowItem(try reader.readValue(), listKind: listKind, into: &records)
        }
    }

    /// What to read an item as, from its `kind` and `apiVersion` (written first by kubectl and the
    /// API server): `.some(nil)` for an item to leave out, nil to give up.
    private static func objectKind(
        _ reader: inout JSONReader, listKind: String?
    ) throws(ManifestError) -> ObjectKind?? {
        var hasKind = false
        var kind: String?
        var apiVersion: String?
        var hasAPIVersion = false
        try reader.beginObject()
        var first = true
        while !(hasKind && hasAPIVersion), let key = try reader.nextRawKey(first: first) {
            first = false
            switch key {
            case "kind":
                hasKind = true
                kind = try stringValue(&reader)
            case "apiVersion":
                hasAPIVersion = true
                apiVersion = try stringValue(&reader)
            default:
                try reader.skipValue()
            }
        }
        if hasKind {
            guard let kind else { return .some(nil) }
            if kind.hasSuffix("List") { return nil }
            switch (kind, apiVersion) {
            case ("Service", "v1"): return .service
            case ("Endpoints", "v1"): return .endpoints
            case ("EndpointSlice", "discovery.k8s.io/v1"): return .endpointSlice
            default: return .some(nil)
            }
        }
        // Without a kind the list's kind decides; when it comes after the items, give up.
        guard let listKind else { return nil }
        return .some(typedKind(listKind))
    }

    /// An item read as a tree, decoded as `SnapshotFileSource.parse` decodes it; false to give up
    /// (an error, or a shape whose meaning depends on what follows).
    private static func slowItem(_ node: Node, listKind: String?, into records: inout [ObjectRecord]) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        if let kind = mapping["kind"] {
            if kind.stringValue?.hasSuffix("List") == true { return false }
            let decoded = ObjectDecoder.decode(node)
            guard decoded.errors.isEmpty else { return false }
            records += decoded.objects.map { ObjectRecord(live: $0.object.withoutLines()) }
            return true
        }
        guard let listKind else { return false }
        guard let typed = typedKind(listKind) else { return true }
        guard let object = try? ObjectDecoder.decodeItem(node, as: typed) else { return false }
        records.append(ObjectRecord(live: object.withoutLines()))
        return true
    }

    private static func skip(_ reader: inout JSONReader) throws(ManifestError) -> Bool {
        try reader.skipValue()
        return true
    }

    /// A string value, or nil (having read the value) for anything else.
    private static func stringValue(_ reader: inout JSONReader) throws(ManifestError) -> String? {
        guard reader.peek() == UInt8(ascii: "\"") else {
            try reader.skipValue()
            return nil
        }
        return try reader.readString()
    }
}
