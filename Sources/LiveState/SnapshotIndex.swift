import FileIO
import Manifests

/// A snapshot file read through once, keeping of most objects only where they are in the file.
///
/// `check` reads a snapshot while it scans git, before it knows which Services git defines; kept
/// whole, the records of every object of a large cluster were most of its memory (280 MB for a
/// 260 MB file, 965 MB for a gigabyte). Here an object that a check's filter may leave out (one
/// that names its Service and carries no ignore annotation) is kept as its Service and its byte
/// range in the mapped file, and each Service as what the digest takes of it. Once the desired
/// Services are known, `snapshot(keeping:)` reads again only the objects the check compares: the
/// same records, in the same order, as a filtered read of the API server keeps
/// (`LiveRecordFilter`, `ServiceDigest.leavesOut`).
///
/// A file that is not mapped (a pipe, stdin) or not streamed (YAML, an unusual shape) is held
/// whole, as before.
public final class SnapshotIndex: @unchecked Sendable {
    // Unchecked: nothing changes after `init`, and the mapping is read-only.
    private enum Content {
        /// Every record of a snapshot read whole.
        case whole([ObjectRecord])
        /// A mapped file streamed through.
        case indexed(Indexed)
    }

    private struct Indexed {
        let file: MappedFile
        let context: SnapshotStream.ItemContext
        /// Objects kept as records (no Service named, or an ignore annotation), by position in the file.
        var kept: [(position: Int, record: ObjectRecord)] = []
        /// Objects kept as their Service and byte range, by position in the file.
        var deferred: [(position: Int, key: ServiceKey, range: Range<Int>)] = []
        /// Every Service, in file order, as `ServiceDigest.add(_:controllerBacked:clusterIPs:desired:)` takes it.
        var services: [(key: ServiceKey, controllerBacked: Bool, clusterIPs: [String])] = []
    }

    private let content: Content
    private let name: String
    public let observedAt: String
    public let source: String

    /// Streams the mapped `file`; nil when the stream gives up (the caller reads the file whole).
    init?(mapped file: MappedFile, name: String, observedAt: String, source: String) {
        var kept: [(position: Int, record: ObjectRecord)] = []
        var deferred: [(position: Int, key: ServiceKey, range: Range<Int>)] = []
        var services: [(key: ServiceKey, controllerBacked: Bool, clusterIPs: [String])] = []
        var position = 0
        let streamed = SnapshotStream.stream(file.bytes, progress: file.release(below:)) { records, range in
            for record in records {
                if case .service(let service) = record.object, let key = record.serviceKey {
                    services.append((key, service.isControllerBacked, service.clusterIPs))
                }
            }
            // One object that names its Service and has no ignore annotation: the filter decides.
            if records.count == 1, let record = records.first, let key = record.serviceKey,
                record.object.metadata.annotations[WellKnown.ignoreAnnotation] == nil
            {
                deferred.append((position, key, range))
                position += 1
                return
            }
            for record in records {
                kept.append((position, record))
                position += 1
            }
        }
        guard let streamed else { return nil }
        content = .indexed(
            Indexed(file: file, context: streamed, kept: kept, deferred: deferred, services: services))
        self.name = name
        self.observedAt = observedAt
        self.source = source
    }

    /// Every record of a snapshot read whole.
    init(whole records: [ObjectRecord], name: String, observedAt: String, source: String) {
        content = .whole(records)
        self.name = name
        self.observedAt = observedAt
        self.source = source
    }

    /// The snapshot of every namespace: with a filter, without the objects of the Services it
    /// leaves out and with the digest of every Service; without one, every object.
    public func snapshot(keeping filter: LiveRecordFilter?) throws(LiveError) -> LiveSnapshot {
        switch content {
        case .whole(let records):
            return LiveSnapshot(records: records, observedAt: observedAt, source: source)
        case .indexed(let index):
            var digest: ServiceDigest?
            if let filter {
                var built = ServiceDigest(backed: [], clusterIPs: [:])
                built.reserveCapacity(index.services.count)
                for service in index.services {
                    built.add(
                        service.key, controllerBacked: service.controllerBacked, clusterIPs: service.clusterIPs,
                        desired: filter.desired.contains)
                }
                digest = built
            }
            let compared = try records(of: index, leavingOut: digest)
            return LiveSnapshot(records: compared, observedAt: observedAt, source: source, serviceDigest: digest)
        }
    }

    /// The kept records and the deferred objects `digest` does not leave out, read again, in file order.
    private func records(of index: Indexed, leavingOut digest: ServiceDigest?) throws(LiveError) -> [ObjectRecord] {
        var records: [ObjectRecord] = []
        records.reserveCapacity(index.kept.count + index.deferred.count)
        var keptIndex = index.kept.startIndex
        // The objects are read again in file order, a pass that gives back what lies behind it, so
        // the mapping stays small however far apart they are.
        var pass = MappedFile.Pass()
        defer { pass.release(below: Int.max, in: index.file) }
        for entry in index.deferred {
            while keptIndex < index.kept.endIndex, index.kept[keptIndex].position < entry.position {
                records.append(index.kept[keptIndex].record)
                keptIndex += 1
            }
            if let digest, digest.backed.contains(entry.key) { continue }
            pass.release(below: entry.range.lowerBound, in: index.file)
            records.append(try reread(entry.key, at: entry.range, in: index))
        }
        records += index.kept[keptIndex...].map(\.record)
        return records
    }

    /// The object at `range`, read again: the same bytes give the same record, unless the file was
    /// rewritten in place while it was read.
    private func reread(_ key: ServiceKey, at range: Range<Int>, in index: Indexed) throws(LiveError) -> ObjectRecord {
        guard
            let records = SnapshotStream.records(
                ofItem: UnsafeRawBufferPointer(rebasing: index.file.bytes[range]), as: index.context),
            records.count == 1, let record = records.first, record.serviceKey == key
        else {
            throw LiveError(
                kind: .snapshotFile, operation: "read", resource: name,
                message:
                    "the file changed while it was read; write a new snapshot to another file and rename it into place")
        }
        return record
    }
}
