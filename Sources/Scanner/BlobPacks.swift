import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The blob cache's entries that hold more than counts (objects, errors, notes, GitOps documents):
/// one pack file per run that learned any, under `<root>/packs/`. A file per entry cost a cold
/// scan more in the kernel than everything else it stores (hundreds of files created and renamed);
/// a pack is written once, atomically, at the end of the run.
///
/// A pack is two lines (the format and the tool version), then for each entry a line with its key
/// and length and the entry as `BlobCache.encode` writes it (which names its key and tool again, so
/// an entry that does not decode for its key is a miss). Reading stops at the first line that does
/// not parse: the entries before it still count. Packs are read on the first question a run asks
/// of them, indexed, and decoded entry by entry on demand. When there are more than eight, a run
/// merges the ones it read into one.
final class BlobPacks: @unchecked Sendable {
    let folder: String
    let tool: String
    private let lock = NSLock()
    private var loaded = false
    private var packs: [(path: String, bytes: [UInt8])] = []
    /// Where each key's entries are, the latest written first.
    private var index: [String: [(pack: Int, range: Range<Int>)]] = [:]
    /// Encoded entries this run stored.
    private var added: [String: [UInt8]] = [:]
    private var used: Set<Int> = []

    static let maximumPacks = 8
    private static let magic = "endpoint-drift scan cache pack"

    /// The first two lines of every pack of this format and tool.
    private var header: [UInt8] { Array("\(Self.magic) \(BlobCache.formatVersion)\n\(tool)\n".utf8) }

    init(root: String, tool: String) {
        folder = root + "/packs"
        self.tool = tool
    }

    /// The encoded entries stored under `key`, by this run or earlier ones, the latest first: the
    /// first that decodes counts (a damaged pack may name the key too).
    func entries(_ key: String) -> [[UInt8]] {
        lock.withLock {
            if let bytes = added[key] { return [bytes] }
            loadIfNeeded()
            guard let places = index[key] else { return [] }
            for place in places { used.insert(place.pack) }
            return places.map { Array(packs[$0.pack].bytes[$0.range]) }
        }
    }

    func add(_ key: String, _ bytes: [UInt8]) {
        lock.withLock { added[key] = bytes }
    }

    /// Writes this run's pack; merges the packs when there are too many; refreshes the packs this
    /// run used (trimming deletes the least recently used first).
    func flush() {
        let (added, used) = lock.withLock {
            defer {
                self.added = [:]
                self.used = []
            }
            return (self.added, self.used)
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let existing = names.count { $0.hasSuffix(".pack") }
        if existing + (added.isEmpty ? 0 : 1) > Self.maximumPacks {
            let merged = lock.withLock { () -> (entries: [String: [UInt8]], paths: [String]) in
                loadIfNeeded()
                var entries: [String: [UInt8]] = [:]
                // The latest entry of each key; one that does not decode is read again by a later run.
                for (key, places) in index {
                    if let place = places.first { entries[key] = Array(packs[place.pack].bytes[place.range]) }
                }
                return (entries, packs.map(\.path))
            }
            var all = merged.entries
            for (key, bytes) in added { all[key] = bytes }
            // Only the packs read here go: one another run has just written stays.
            if write(all) { for path in merged.paths { unlink(path) } }
            return
        }
        if !added.isEmpty { _ = write(added) }
        let paths = lock.withLock { used.compactMap { packs.indices.contains($0) ? packs[$0].path : nil } }
        for path in paths { BlobCache.refresh(path) }
    }

    private func write(_ entries: [String: [UInt8]]) -> Bool {
        var output = header
        output.reserveCapacity(entries.values.reduce(output.count) { $0 + $1.count + 96 })
        for key in entries.keys.sorted() {
            // Keys hold no space or newline: `BlobCache.store` and the reading below see to it.
            guard let bytes = entries[key] else { continue }
            output += Array("\(key) \(bytes.count)\n".utf8)
            output += bytes
        }
        // Named by the time of writing, so that reading in name order reads the latest last.
        let name = String(format: "%012ld", time(nil)) + "-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pack"
        return BlobCache.writeAtomically(output, folder: folder, path: folder + "/" + name)
    }

    /// Reads and indexes every pack of this format and tool (under the lock), oldest first.
    private func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let header = header
        for name in names.sorted() where name.hasSuffix(".pack") {
            let path = folder + "/" + name
            guard let bytes = BlobCache.readEntryFile(path), bytes.count >= header.count,
                bytes[..<header.count].elementsEqual(header)
            else { continue }
            let pack = packs.count
            packs.append((path, bytes))
            var offset = header.count
            while offset < bytes.count, let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) {
                let fields = bytes[offset..<end].split(separator: UInt8(ascii: " "))
                guard fields.count == 2, let length = Int(String(decoding: fields[1], as: UTF8.self)), length >= 0,
                    length <= bytes.count - end - 1
                else { break }
                index[String(decoding: fields[0], as: UTF8.self), default: []].insert(
                    (pack, (end + 1)..<(end + 1 + length)), at: 0)
                offset = end + 1 + length
            }
        }
    }
}
