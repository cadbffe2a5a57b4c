import FileIO
import Foundation
import Manifests

/// Reads `kubectl get endpoints,endpointslices,services -A -o json` (or `-o yaml`) output from a
/// file or stdin (`-`) instead of calling the API server.
public struct SnapshotFileSource: LiveStateSource {
    public let path: String

    public init(path: String) { self.path = path }

    /// The whole file is read for any scope; the scope filters the records.
    public var scopeOnlyFilters: Bool { true }

    public func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot {
        let records: [ObjectRecord]
        // A regular file is mapped and read front to back, giving back the pages read; a pipe or
        // stdin is read into memory.
        if path != "-", let mapped = MappedFile(path: path) {
            records = try Self.records(mapped.bytes, name: name, progress: mapped.release(below:))
        } else {
            let data: Data
            do {
                // stdin, a FIFO, `<(kubectl get …)`: read as a stream, up to the snapshot limit.
                data = Data(try InputFile.read(path == "-" ? "/dev/stdin" : path, limit: Self.maximumBytes))
            } catch {
                let message =
                    path == "-" ? error.message.replacingOccurrences(of: "/dev/stdin", with: "stdin") : error.message
                throw LiveError(
                    kind: .snapshotFile, operation: "read", resource: name, message: "\(message); \(Self.hint)")
            }
            let result: Result<[ObjectRecord], LiveError> = data.withUnsafeBytes { bytes in
                Result { () throws(LiveError) in try Self.records(bytes, name: name) }
            }
            records = try result.get()
        }
        return LiveSnapshot(records: scope.filter(records), observedAt: observedAt, source: source, scope: scope)
    }

    /// The file's name in messages.
    private var name: String { path == "-" ? "stdin" : path }
    /// The snapshot's `source`.
    private var source: String { path == "-" ? "stdin" : "file \(path)" }
    /// When the file was written (kubectl wrote it then), or now for stdin.
    private var observedAt: String {
        Self.modificationTime(path) ?? ISO8601DateFormatter().string(from: Date())
    }

    /// As `read(scope:)`, leaving out the objects of the Services `filter` says a check never
    /// compares, with the digest that stands for them (as the API server's filtered read).
    public func read(scope: NamespaceScope, keeping filter: LiveRecordFilter) async throws(LiveError) -> LiveSnapshot {
        try await index().snapshot(keeping: filter).narrowed(to: scope)
    }

    /// The file read through, most of its objects kept as where they are (`SnapshotIndex`): what
    /// `check` reads while it scans git, before it knows what to keep.
    public func index() async throws(LiveError) -> SnapshotIndex {
        guard path != "-", let mapped = MappedFile(path: path) else {
            let whole = try await read(scope: .all)
            return SnapshotIndex(whole: whole.records, name: name, observedAt: whole.observedAt, source: source)
        }
        let observedAt = observedAt
        if let index = SnapshotIndex(mapped: mapped, name: name, observedAt: observedAt, source: source) {
            return index
        }
        // YAML, or a shape the stream gave up on: read as a tree from the same mapping, once.
        let records = try Self.treeRecords(mapped.bytes, name: name)
        return SnapshotIndex(whole: records, name: name, observedAt: observedAt, source: source)
    }

    /// The most a snapshot read from a pipe (held in memory) may hold: `kubectl get -o json` of a
    /// cluster of over two million objects. A regular file is mapped, not held, and has no limit.
    static let maximumBytes = 4 << 30

    static let hint = "pass the output of `kubectl get endpoints,endpointslices,services -A -o json`"

    /// The objects of a snapshot document: streamed when it is JSON that `SnapshotStream` reads,
    /// else (YAML, or anything it gives up on) read as a tree by `parse`, which is the reference.
    static func records(
        _ bytes: UnsafeRawBufferPointer, name: String, progress: (Int) -> Void = { _ in }
    ) throws(LiveError) -> [ObjectRecord] {
        if bytes.first(where: { !isSpace($0) }) == UInt8(ascii: "{"),
            let streamed = SnapshotStream.records(bytes, progress: progress)
        {
            return streamed
        }
        return try treeRecords(bytes, name: name)
    }

    /// The objects of a snapshot document read by `parse`, refusing an empty one: it would say "the
    /// cluster has nothing", which `check` would report as everything missing.
    private static func treeRecords(_ bytes: UnsafeRawBufferPointer, name: String) throws(LiveError) -> [ObjectRecord] {
        guard bytes.contains(where: { !isSpace($0) }) else {
            throw LiveError(kind: .snapshotFile, operation: "read", resource: name, message: "it is empty; \(hint)")
        }
        return try parse(bytes, name: name)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || (9...13).contains(byte) }

    /// The objects in a snapshot document (a `List`, a single object, or YAML documents), read as
    /// trees: the reference reader.
    public static func parse(_ data: Data, name: String) throws(LiveError) -> [ObjectRecord] {
        let result: Result<[ObjectRecord], LiveError> = data.withUnsafeBytes { bytes in
            Result { () throws(LiveError) in try parse(bytes, name: name) }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, name: String) throws(LiveError) -> [ObjectRecord] {
        let result: Result<[ObjectRecord], ManifestError> = Result { () throws(ManifestError) in
            let firstByte = bytes.first {
                $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r")
                    && $0 != UInt8(ascii: "\t")
            }
            let roots: [Node]
            if firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
                roots = [try JSONReader.parse(bytes)]
            } else {
                // Small files are parsed for the exact message (`null`, a number); large ones are
                // told from their first line, before megabytes of junk become a tree.
                if bytes.count > 1 << 20, let problem = yamlShapeProblem(bytes) {
                    throw ManifestError(
                        kind: .invalidValue, line: 1, column: 1, message: SnapshotShape.message(problem))
                }
                roots = try YAMLReader.documents(in: bytes)
            }
            var records: [ObjectRecord] = []
            // YAML `---` separators leave null documents; they say nothing (a lone `null` is named).
            let documents = roots.count > 1 ? roots.filter { !$0.isNull } : roots
            guard !documents.isEmpty else {
                throw ManifestError(kind: .invalidValue, line: 0, column: 0, message: "it has no documents; \(hint)")
            }
            for root in documents {
                if let problem = SnapshotShape.problem(root) {
                    let start = root.span.start
                    throw ManifestError(
                        kind: .invalidValue, line: start.line, column: start.column,
                        message: SnapshotShape.message(problem))
                }
                if let typed = try typedListItems(root) {
                    records += typed
                    continue
                }
                let decoded = ObjectDecoder.decode(root)
                if let error = decoded.errors.first { throw error }
                records += decoded.objects.map { ObjectRecord(live: $0.object.withoutLines()) }
            }
            return records
        }
        do {
            return try result.get()
        } catch {
            throw LiveError(
                kind: .snapshotFile, operation: "parse", resource: name, message: error.inFile(name).description)
        }
    }

    /// What a YAML snapshot is, told from its first line of content, when that line cannot start a
    /// mapping: text without a colon (a string) or `- ` (an array). Without this a large file of junk
    /// was parsed whole (hundreds of megabytes of tree) before being refused.
    ///
    /// Only the first `plainKeyWindow` bytes of that line are looked at: a gigabyte of junk on one
    /// line is told at once, without reading it through (and touching every page of the mapping).
    static func yamlShapeProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        var start = 0
        while start < bytes.count {
            let window = bytes[start..<min(bytes.count, start + plainKeyWindow)]
            let end = window.firstIndex(of: UInt8(ascii: "\n")) ?? window.endIndex
            let line = bytes[start..<end].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            let cut = end == window.endIndex && end < bytes.count
            // Blank for a whole window: not told here (the parser will say).
            if cut && line.isEmpty { return nil }
            guard let first = line.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "%"),
                first != UInt8(ascii: "\r"), !line.starts(with: Array("---".utf8))
            else {
                // A skipped line may be longer than the window: the next one starts after its end.
                start = cut ? nextLine(bytes, after: end) : end + 1
                continue
            }
            if first == UInt8(ascii: "-") && (line.count == 1 || line.dropFirst().first == UInt8(ascii: " ")) {
                return "an array"
            }
            let quotes = [
                UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "?"),
            ]
            if !quotes.contains(first) && !line.contains(UInt8(ascii: ":")) { return "a string" }
            return nil
        }
        return nil
    }

    /// libyaml takes a plain (implicit) key only when its `:` comes within 1024 characters of where
    /// it starts, at most 4 bytes each: a first line with no `:` in this many bytes is no mapping.
    static let plainKeyWindow = 4 * 1024 + 8

    private static func nextLine(_ bytes: UnsafeRawBufferPointer, after index: Int) -> Int {
        (bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count) + 1
    }

    /// The items of an `EndpointsList`, `EndpointSliceList` or `ServiceList` as the API server
    /// (or `curl`) returns them: items without `kind`/`apiVersion`. nil for anything else.
    private static func typedListItems(_ root: Node) throws(ManifestError) -> [ObjectRecord]? {
        guard case .mapping(let mapping) = root, let listKind = mapping["kind"]?.stringValue,
            let kind = ObjectKind.allCases.first(where: { "\($0.rawValue)List" == listKind }),
            case .sequence(let items)? = mapping["items"]
        else { return nil }
        var records: [ObjectRecord] = []
        for item in items.items {
            // Items that say what they are go through the general decoder.
            if item.mapping?["kind"] != nil {
                let decoded = ObjectDecoder.decode(item)
                if let error = decoded.errors.first { throw error }
                records += decoded.objects.map { ObjectRecord(live: $0.object.withoutLines()) }
            } else {
                records.append(ObjectRecord(live: try ObjectDecoder.decodeItem(item, as: kind).withoutLines()))
            }
        }
        return records
    }

    private static func modificationTime(_ path: String) -> String? {
        guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let date = attributes[.modificationDate] as? Date
        else { return nil }
        return ISO8601DateFormatter().string(from: date)
    }
}
