import BinaryCoding
import Foundation
import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the scanner learned from blobs in earlier runs, on disk. Git names a blob by its content, so
/// what reading one gave (nothing of interest, its objects with their source lines, or its errors)
/// holds for as long as the reader is the same: a warm scan reads the trees and only the blobs it
/// has not seen.
///
/// Under `<directory>/scan-v<formatVersion>/`, a run writes at most two files: a segment of the
/// blobs that gave only counts (`small/`) and a pack of the others (`packs/`, see `BlobPacks`).
/// Each is written to a temporary file and renamed into place, so concurrent runs never see half of
/// one; every entry names the format, the tool version and its own key, and an entry that does not
/// decode or names anything else is ignored (and written again by this run). The directory is kept
/// under `maxBytes` by deleting the files used longest ago: a hit refreshes its file's modification
/// time (at most once an hour, to spare writes).
public final class BlobCache: Sendable {
    /// Bump when what `ManifestFileReader` gives for the same bytes changes, or the entry's layout
    /// does. The tool version is part of every key as well.
    public static let formatVersion = 2

    public let settings: BlobCacheSettings
    /// `<directory>/scan-v<formatVersion>`.
    let root: String
    /// The entries of blobs that gave nothing but counts (most blobs: no object, error, note or
    /// GitOps document), read from the segment files under `small/`: one file per run that learned
    /// something, not one per blob, so that a warm run opens a few files instead of thousands.
    private let small: [String: SmallEntry]
    /// The segment files `small` was read from.
    private let segments: [String]
    /// What this run adds, and which segments it used.
    private let session = Session()
    /// The entries that hold more than counts.
    private let packs: BlobPacks
    /// `variants(.standard, …)`, for `key`.
    private let variantCache: [String]

    /// The cache at `settings.directory`, created if needed; nil when it cannot be created
    /// (a read-only home): the scan then reads every blob, as without a cache.
    public init?(_ settings: BlobCacheSettings) {
        self.settings = settings
        variantCache = Self.variants(.standard, tool: settings.toolVersion)
        root = Self.root(of: settings)
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        guard access(root, W_OK) == 0 else { return nil }
        (small, segments) = Self.readSegments(in: root + "/small", tool: settings.toolVersion)
        packs = BlobPacks(root: root, tool: settings.toolVersion)
    }

    /// `<directory>/scan-v<formatVersion>`: entries of other formats are never read.
    static func root(of settings: BlobCacheSettings) -> String {
        (settings.directory as NSString).appendingPathComponent("scan-v\(formatVersion)")
    }

    /// The key of what reading blob `blobID` at `path` gives: everything the reader's output depends
    /// on besides the bytes (the mode, the path's `.json` suffix and whether it names Argo CD, the
    /// parse limits) and the tool version.
    public func key(blobID: String, path: String, selected: Bool, limits: ParseLimits) -> String {
        // As `ManifestFileReader` decides them (`lowercased()` gives ASCII letters only from ASCII
        // ones, so ASCII case folding is the same), without its String and Foundation calls.
        let bytes = path.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let json = bytes.count >= 5 && bytes.suffix(5).elementsEqual(".json".utf8)
        let argo = bytes.count >= 4 && Self.contains(bytes, "argo")
        let index = (selected ? 4 : 0) + (json ? 2 : 0) + (argo ? 1 : 0)
        let variants = limits == .standard ? variantCache : Self.variants(limits, tool: settings.toolVersion)
        return blobID + "-" + variants[index]
    }

    private static func variants(_ limits: ParseLimits, tool: String) -> [String] {
        (0..<8).map { index in
            let variant =
                "\(index & 4 != 0 ? "objects" : "discovery")|json=\(index & 2 != 0)|argo=\(index & 1 != 0)"
                + "|limits=\(limits.maxExpandedNodes),\(limits.maxDepth)|tool=\(tool)"
            return fnv1a(variant)
        }
    }

    private static func contains(_ bytes: [UInt8], _ word: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle)
        {
            return true
        }
        return false
    }

    /// The entry stored under `key`, or nil (none, unreadable, corrupt, or written by another format
    /// or version).
    public func load(_ key: String) -> BlobCacheEntry? {
        if let known = small[key] {
            session.used(known.segment)
            return known.entry
        }
        if let added = session.added(key) { return added.entry }
        for bytes in packs.entries(key) {
            if let entry = Self.decode(bytes, key: key, tool: settings.toolVersion) { return entry }
        }
        return nil
    }

    /// The whole file at `path`, or nil.
    static func readEntryFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0, status.st_size < 1 << 30 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            guard got > 0 else { return nil }
            filled += got
        }
        return bytes
    }

    /// Marks the file at `path` as used now, when its modification time is over an hour old: least
    /// recently used goes first when trimming, and refreshing at most hourly spares writes.
    static func refresh(_ path: String) {
        var status = stat()
        if stat(path, &status) == 0, time(nil) - Int(status.st_mtim.tv_sec) > 3600 { utimes(path, nil) }
    }

    /// What follows `header` in `bytes`, or nil when the file does not start with it.
    static func payload(of bytes: [UInt8], header: String) -> [UInt8]? {
        let expected = Array(header.utf8)
        guard bytes.count >= expected.count, bytes[..<expected.count].elementsEqual(expected) else { return nil }
        return Array(bytes[expected.count...])
    }

    /// Stores `entry` under `key`, replacing what is there. Failures are ignored: the cache only
    /// saves work.
    @discardableResult
    public func store(_ entry: BlobCacheEntry, under key: String) -> Bool {
        // Segments and packs are split at spaces and newlines.
        // Bytes, not `String.contains` (Foundation's search): asked of every blob a scan reads.
        guard !key.utf8.contains(UInt8(ascii: " ")), !key.utf8.contains(UInt8(ascii: "\n")) else { return false }
        if entry.isSmall {
            session.add(key, SmallEntry(entry: entry, segment: -1))
            return true
        }
        guard let data = Self.encode(entry, key: key, tool: settings.toolVersion) else { return false }
        packs.add(key, data)
        return true
    }

    /// Writes `data` to a temporary file in `folder`, then renames it to `path`.
    static func writeAtomically(_ data: [UInt8], folder: String, path: String) -> Bool {
        if access(folder, F_OK) != 0 {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let temporary = folder + "/.tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Writes what this run learned about small blobs as one new segment; refreshes the segments it
    /// used (for trimming, least recently used first); and when there are many segments, merges
    /// them into one (removing only those this run read: a segment another run has just written
    /// stays).
    public func flush() {
        packs.flush()
        let (added, used) = session.take()
        let folder = root + "/small"
        if segments.count + (added.isEmpty ? 0 : 1) > 8 {
            var all = small.mapValues(\.entry)
            for (key, entry) in added { all[key] = entry.entry }
            if writeSegment(all, folder: folder) {
                for path in segments { unlink(path) }
            }
            return
        }
        if !added.isEmpty { _ = writeSegment(added.mapValues(\.entry), folder: folder) }
        for index in used where segments.indices.contains(index) { Self.refresh(segments[index]) }
    }

    private func writeSegment(_ entries: [String: BlobCacheEntry], folder: String) -> Bool {
        var text = "\(Self.segmentMagic) \(Self.formatVersion)\n\(settings.toolVersion)\n"
        text.reserveCapacity(entries.count * 90)
        for (key, entry) in entries {
            let output = entry.output
            text += "\(key) \(entry.size) \(output.mayHoldVariables ? 1 : 0) \(output.hasPlaceholders ? 1 : 0) "
            text += "\(output.parsedDocuments) \(output.skippedDocuments)\n"
        }
        let name = "\(getpid())-\(UInt64.random(in: 0...UInt64.max)).seg"
        return Self.writeAtomically(Array(text.utf8), folder: folder, path: folder + "/" + name)
    }

    /// Every segment of this format and tool in `folder`; a line that does not read is skipped.
    private static func readSegments(in folder: String, tool: String) -> ([String: SmallEntry], [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return ([:], []) }
        var entries: [String: SmallEntry] = [:]
        var paths: [String] = []
        for name in names.sorted() where name.hasSuffix(".seg") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 2, lines[0] == "\(segmentMagic) \(formatVersion)", lines[1] == tool else { continue }
            let segment = paths.count
            paths.append(path)
            for line in lines.dropFirst(2) {
                let fields = line.split(separator: " ")
                guard fields.count == 6 else { continue }
                let numbers = fields.dropFirst().compactMap { Int($0) }
                guard numbers.count == 5, numbers.allSatisfy({ $0 >= 0 }), numbers[1] <= 1, numbers[2] <= 1 else {
                    continue
                }
                var output = ManifestFileReader.Output()
                output.mayHoldVariables = numbers[1] == 1
                output.hasPlaceholders = numbers[2] == 1
                output.parsedDocuments = numbers[3]
                output.skippedDocuments = numbers[4]
                entries[String(fields[0])] = SmallEntry(
                    entry: BlobCacheEntry(size: numbers[0], output: output), segment: segment)
            }
        }
        return (entries, paths)
    }

    private static let segmentMagic = "endpoint-drift scan cache segment"

    /// A small entry and the segment it was read from (-1: added by this run).
    struct SmallEntry: Sendable {
        var entry: BlobCacheEntry
        var segment: Int
    }

    /// What this run added and used, shared by the reading threads.
    private final class Session: @unchecked Sendable {
        private let lock = NSLock()
        private var addedEntries: [String: SmallEntry] = [:]
        private var usedSegments: Set<Int> = []

        func add(_ key: String, _ entry: SmallEntry) { lock.withLock { addedEntries[key] = entry } }
        func added(_ key: String) -> SmallEntry? { lock.withLock { addedEntries[key] } }
        func used(_ segment: Int) {
            lock.withLock { _ = usedSegments.insert(segment) }
        }
        func take() -> ([String: SmallEntry], Set<Int>) {
            lock.withLock {
                defer {
                    addedEntries = [:]
                    usedSegments = []
                }
                return (addedEntries, usedSegments)
            }
        }
    }

    /// Deletes the entries used longest ago until the whole cache directory (every format version)
    /// takes at most `settings.maxBytes` on disk, then down to three quarters of it, so that trimming
    /// is rare. Sizes are the blocks allocated (a small entry takes a whole block). Also removes
    /// temporary files a killed run left behind (older than an hour).
    public func trim() {
        guard let walker = FileManager.default.enumerator(atPath: settings.directory) else { return }
        var files: [(path: String, size: Int, used: Int)] = []
        var total = 0
        let now = time(nil)
        while let relative = walker.nextObject() as? String {
            let path = settings.directory + "/" + relative
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            let size = Int(status.st_blocks) * 512
            let used = Int(status.st_mtim.tv_sec)
            if (relative as NSString).lastPathComponent.hasPrefix(".tmp-") {
                if now - used > 3600 { unlink(path) }
                continue
            }
            files.append((path, size, used))
            total += size
        }
        guard total > settings.maxBytes else { return }
        let target = settings.maxBytes / 4 * 3
        for file in files.sorted(by: { $0.used < $1.used }) {
            guard total > target else { break }
            if unlink(file.path) == 0 { total -= file.size }
        }
    }

    /// 64-bit FNV-1a, in hex: short, stable across runs and platforms (Swift's `Hasher` is seeded
    /// per process).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// An entry as written: four lines of text (the format, the tool version, the key, then the
    /// blob's size, the two flags, the documents parsed and skipped, and the length of what
    /// follows), then the reader's output in the `BinaryEncoder` format (`RecordWriter`) when it found anything. Most blobs hold nothing of
    /// interest: their entry is the four lines, read without a decoder.
    static func encode(_ entry: BlobCacheEntry, key: String, tool: String) -> [UInt8]? {
        guard !tool.utf8.contains(UInt8(ascii: "\n")), !key.utf8.contains(UInt8(ascii: "\n")) else { return nil }
        let output = entry.output
        var payload: [UInt8] = []
        if !output.objects.isEmpty || !output.errors.isEmpty || !output.notes.isEmpty
            || !output.documents.isEmpty || !output.gitOpsDocuments.isEmpty
        {
            guard let encoded = RecordWriter.output(output) else { return nil }
            payload = encoded
        }
        let counts = [
            entry.size, output.mayHoldVariables ? 1 : 0, output.hasPlaceholders ? 1 : 0, output.parsedDocuments,
            output.skippedDocuments, payload.count,
        ]
        let header =
            "\(magic) \(formatVersion)\n\(tool)\n\(key)\n" + counts.map(String.init).joined(separator: " ") + "\n"
        return Array(header.utf8) + payload
    }

    /// The entry in `bytes`, or nil unless it is whole, of this format and tool version, and for `key`.
    static func decode(_ bytes: [UInt8], key: String, tool: String) -> BlobCacheEntry? {
        var lines: [Substring] = []
        var start = 0
        while lines.count < 4 {
            guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")),
                let line = String(validating: bytes[start..<end], as: UTF8.self)
            else { return nil }
            lines.append(Substring(line))
            start = end + 1
        }
        guard lines[0] == "\(magic) \(formatVersion)", lines[1] == tool, lines[2] == key else { return nil }
        let counts = lines[3].split(separator: " ").compactMap { Int($0) }
        guard counts.count == 6, counts.allSatisfy({ $0 >= 0 }), counts[1] <= 1, counts[2] <= 1,
            counts[5] == bytes.count - start
        else { return nil }
        var output = ManifestFileReader.Output()
        if counts[5] > 0 {
            guard
                let decoded = try? BinaryDecoder().decode(ManifestFileReader.Output.self, from: Array(bytes[start...]))
            else { return nil }
            output = decoded
        }
        output.mayHoldVariables = counts[1] == 1
        output.hasPlaceholders = counts[2] == 1
        output.parsedDocuments = counts[3]
        output.skippedDocuments = counts[4]
        return BlobCacheEntry(size: counts[0], output: output)
    }

    private static let magic = "endpoint-drift scan cache"
}

/// Where the cache lives and how large it may grow.
public struct BlobCacheSettings: Sendable, Hashable {
    public var directory: String
    /// The tool's version: entries of another version are never used.
    public var toolVersion: String
    public var maxBytes: Int
    /// Whether whole scan results are kept by tree id as well (`ScanResultCache`); off only in the
    /// tests of the blob layer beneath it.
    public var keepsResults: Bool

    public init(directory: String, toolVersion: String, maxBytes: Int = 256 * 1024 * 1024, keepsResults: Bool = true) {
        self.directory = directory
        self.toolVersion = toolVersion
        self.maxBytes = maxBytes
        self.keepsResults = keepsResults
    }

    /// `$XDG_CACHE_HOME/endpoint-drift`, else `$HOME/.cache/endpoint-drift`; nil when neither is set.
    public static func defaultDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> String?
    {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/endpoint-drift" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/endpoint-drift" }
        return nil
    }
}

/// What reading one blob gave, without its path (the same blob may sit at several paths; the key
/// holds what of the path matters).
public struct BlobCacheEntry: Sendable, Codable {
    /// The blob's size in bytes (for `--max-file-size` and the byte count, without asking git).
    public var size: Int
    public var output: ManifestFileReader.Output

    public init(size: Int, output: ManifestFileReader.Output) {
        self.size = size
        self.output = output
    }

    /// Nothing but the size, two flags and two counts: kept in a segment, not a file of its own.
    var isSmall: Bool {
        output.objects.isEmpty && output.errors.isEmpty && output.notes.isEmpty && output.documents.isEmpty
            && output.gitOpsDocuments.isEmpty
    }
}
