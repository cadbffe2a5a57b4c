import BinaryCoding
import DesiredState
import Foundation
import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A whole scan's result under the id of the tree it read. Git names a tree by everything below
/// it, so the same tree scanned with the same options by the same tool gives the same result: a
/// scheduled run, `serve` after a fetch that brought nothing new, or `fix` after `check` in one CI
/// job reads one entry instead of the tree and its blobs. A different tree falls back to the blob
/// cache, which still spares every blob seen before.
///
/// Entries live beside the blob cache's (`<directory>/scan-v<format>/trees/`), written the same
/// way (temporary file, then rename), trimmed with them, and hold the options they were made with
/// in full, so two option sets whose digests collide can never share one. Not used when the result
/// depends on anything outside the tree (`--vars` files, values read from the cluster) or holds
/// values taken from Secrets, which are never written to disk; not stored when a blob could not be
/// read (a shallow clone may have it next time).
struct ScanResultCache {
    /// `<directory>/scan-v<format>/trees`.
    let folder: String
    let options: String
    let key: String

    /// The cache for `treeID` scanned with `options`, or nil when the result must not be cached.
    /// Needs no `BlobCache`: a hit must not pay for reading the blob cache's segments.
    init?(treeID: String, options: ScanOptions) {
        guard let settings = options.cache, settings.keepsResults, options.variableFiles.isEmpty,
            options.clusterVariables.isEmpty
        else { return nil }
        folder = BlobCache.root(of: settings) + "/trees"
        self.options = Self.describe(options, tool: settings.toolVersion)
        key = treeID + "-" + BlobCache.fnv1a(self.options)
    }

    /// What the result depends on besides the tree, as one line (a tab-separated list of
    /// length-prefixed fields, so no two option sets give the same text).
    static func describe(_ options: ScanOptions, tool: String) -> String {
        let filter = options.filter
        let fields: [String] =
            ["tool", tool, "max-file-size", "\(options.maxFileSize)", "default-namespace", options.defaultNamespace]
            + ["limits", "\(options.limits.maxExpandedNodes),\(options.limits.maxDepth)"]
            + ["prefixes"] + filter.prefixes + ["includes"] + filter.includes.map(\.pattern)
            + ["excludes"] + filter.excludes.map(\.pattern)
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\t")
    }

    private var path: (folder: String, file: String) {
        let folder = self.folder + "/" + key.prefix(2)
        return (folder, folder + "/" + key.dropFirst(2))
    }

    /// The result stored for this tree, with this commit's identity, or nil.
    func load(into result: ScanResult) -> ScanResult? {
        guard let bytes = BlobCache.readEntryFile(path.file),
            let payload = BlobCache.payload(of: bytes, header: header),
            let cached = CachedScan.decode(payload)
        else { return nil }
        BlobCache.refresh(path.file)
        var result = result
        // The same tree may be another commit's: every source names the commit being scanned.
        result.records = cached.records.map { record in
            var record = record
            record.source?.commitID = result.commitID
            return record
        }
        result.uncomparable = cached.uncomparable.map { object in
            var object = object
            object.source.commitID = result.commitID
            return object
        }
        result.errors = cached.errors
        result.notes = cached.notes
        result.variableSourceRequests = Set(cached.variableSourceRequests)
        result.stats = cached.stats
        result.cacheUse.wholeTree = true
        return result
    }

    /// Stores `result` unless it must not be kept. Failures are ignored: the cache only saves work.
    func store(_ result: ScanResult) {
        guard result.secretValues.isEmpty, !result.errors.contains(where: { $0.kind == .unreadable }) else { return }
        let cached = CachedScan(
            records: result.records, errors: result.errors, notes: result.notes, uncomparable: result.uncomparable,
            variableSourceRequests: result.variableSourceRequests.sorted(), stats: result.stats)
        guard let payload = cached.encoded() else { return }
        let (folder, file) = path
        _ = BlobCache.writeAtomically(Array(header.utf8) + payload, folder: folder, path: file)
    }

    /// Names the format, the key and the options in full: an entry for anything else is passed over.
    private var header: String {
        "endpoint-drift scan result \(BlobCache.formatVersion)\n\(key)\n\(options.replacingOccurrences(of: "\n", with: " "))\n"
    }
}

/// What a scan result holds that the tree decides (not the commit's identity).
struct CachedScan {
    var records: [ObjectRecord]
    var errors: [ManifestError]
    var notes: [ScanNote]
    var uncomparable: [UncomparableObject]
    var variableSourceRequests: [VariableSourceRequest]
    var stats: ScanStats

    /// Everything but the records, and where the records' chunks end.
    struct Head: Codable {
        var errors: [ManifestError]
        var notes: [ScanNote]
        var uncomparable: [UncomparableObject]
        var variableSourceRequests: [VariableSourceRequest]
        var stats: ScanStats
        var chunkLengths: [Int]
    }

    /// Decoding the records is almost all of a hit's time: they are stored in chunks, decoded on
    /// every core at once.
    static let chunks = 8

    /// The head's length (8 bytes, little endian), the head, then each chunk of records.
    func encoded() -> [UInt8]? {
        let size = max(1, (records.count + Self.chunks - 1) / Self.chunks)
        let starts = Array(stride(from: 0, to: records.count, by: size))
        let records = records
        let bodies = Concurrently.map(starts.count) { index in
            let start = starts[index]
            return RecordWriter.records(records[start..<min(start + size, records.count)])
        }.compactMap { $0 }
        guard bodies.count == starts.count else { return nil }
        let head = Head(
            errors: errors, notes: notes, uncomparable: uncomparable, variableSourceRequests: variableSourceRequests,
            stats: stats, chunkLengths: bodies.map(\.count))
        guard let headBytes = try? BinaryEncoder().encode(head) else { return nil }
        var output = (0..<8).map { UInt8(truncatingIfNeeded: headBytes.count >> (8 * $0)) } + headBytes
        for body in bodies { output += body }
        return output
    }

    /// What `encoded` wrote, or nil for anything else.
    static func decode(_ bytes: [UInt8]) -> CachedScan? {
        guard bytes.count >= 8 else { return nil }
        let headLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        guard headLength >= 0, headLength <= bytes.count - 8,
            let head = try? BinaryDecoder().decode(Head.self, from: Array(bytes[8..<(8 + headLength)])),
            head.chunkLengths.allSatisfy({ $0 >= 0 }),
            head.chunkLengths.reduce(0, +) == bytes.count - 8 - headLength
        else { return nil }
        var ranges: [Range<Int>] = []
        var start = 8 + headLength
        for length in head.chunkLengths {
            ranges.append(start..<(start + length))
            start += length
        }
        let parts = ranges
        let decoded = Concurrently.map(parts.count) { index in
            // By hand first (several times faster); the generic decoder when that finds a shape it
            // does not know.
            let chunk = Array(bytes[parts[index]])
            return (try? RecordReader.records(chunk)) ?? (try? BinaryDecoder().decode([ObjectRecord].self, from: chunk))
        }.compactMap { $0 }
        guard decoded.count == parts.count else { return nil }
        let records = Array(decoded.joined())
        return CachedScan(
            records: records, errors: head.errors, notes: head.notes, uncomparable: head.uncomparable,
            variableSourceRequests: head.variableSourceRequests, stats: head.stats)
    }
}
