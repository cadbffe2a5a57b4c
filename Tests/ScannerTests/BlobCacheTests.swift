import Foundation
import Manifests
import TestSupport
import Testing

@testable import Scanner

/// The blob cache must never change a scan's result: a warm scan gives what a scan without the cache
/// gives, from the cache alone, and a bad, foreign or other-version entry is passed over.
@Suite struct BlobCacheTests {
    /// A repository with every kind of file the reader tells apart, and a kustomization and a Flux
    /// Kustomization the desired-state step builds from the cached objects.
    static func repository() throws -> TempGitRepository {
        let repo = try TempGitRepository()
        try repo.write("team/kustomization.yaml", "namespace: team\nresources:\n  - db.yaml\n  - ep.yaml\n")
        try repo.write("team/db.yaml", Fixture.service("db"))
        try repo.write("team/ep.yaml", Fixture.endpoints("db", ips: ["10.0.0.1", "10.0.0.2"]))
        try repo.write(
            "clusters/prod/apps.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n"
                + "  namespace: flux-system\nspec:\n  path: ./apps\n  targetNamespace: apps\n  postBuild:\n"
                + "    substitute:\n      PORT: \"6379\"\n")
        try repo.write(
            "apps/cache.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  ports:\n    - port: ${PORT}\n---\n"
                + Fixture.endpoints("cache", ips: ["10.1.0.1"], port: 6379))
        // The same bytes at two paths: one entry, each path's own errors.
        let broken = "kind: Service\nmetadata: {name: [\n"
        try repo.write("plain/broken-a.yaml", broken)
        try repo.write("plain/broken-b.yaml", broken)
        try repo.write("plain/chart.yaml", "kind: Service\nmetadata:\n  name: {{ .Values.name }}\n")
        try repo.write(
            "plain/list.json",
            #"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"j"},"subsets":[]}]}"#
        )
        try repo.write("plain/lfs.yaml", "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n")
        try repo.write("plain/binary.yaml", Data([0x6b, 0x00, 0x01, 0x02]))
        try repo.write("plain/latin1.yaml", Data("kind: Service\nmetadata:\n  name: caf".utf8) + Data([0xe9, 0x0a]))
        var utf16 = Data([0xff, 0xfe])
        for unit in Fixture.service("wide", namespace: "w").utf16 {
            utf16.append(UInt8(unit & 0xff))
            utf16.append(UInt8(unit >> 8))
        }
        try repo.write("plain/wide.yaml", utf16)
        try repo.write("plain/big.yaml", Fixture.endpoints("big", ips: (1...80).map { "10.9.0.\($0)" }))
        try repo.write(
            "plain/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\nkind: ConfigMap\n")
        try repo.write("plain/crlf.yaml", Fixture.service("crlf").replacingOccurrences(of: "\n", with: "\r\n"))
        try repo.commitAll()
        return repo
    }

    /// The blob layer alone: whole results by tree (`ScanResultCacheTests`) would answer every
    /// second scan of the same commit before a blob is looked up.
    static func settings(_ folder: TempFolder, tool: String = "test 1", maxBytes: Int = 1 << 30) -> BlobCacheSettings {
        BlobCacheSettings(directory: folder.path, toolVersion: tool, maxBytes: maxBytes, keepsResults: false)
    }

    /// Everything a scan gives that the rest of the tool reads.
    static func expectSame(
        _ result: ScanResult, _ reference: ScanResult, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(result.records == reference.records, sourceLocation: sourceLocation)
        #expect(result.errors == reference.errors, sourceLocation: sourceLocation)
        #expect(result.notes == reference.notes, sourceLocation: sourceLocation)
        #expect(result.stats == reference.stats, sourceLocation: sourceLocation)
        #expect(result.uncomparable == reference.uncomparable, sourceLocation: sourceLocation)
        #expect(result.variableSourceRequests == reference.variableSourceRequests, sourceLocation: sourceLocation)
    }

    /// Bytes a file takes on disk, as trimming counts them.
    static func allocated(_ path: String) throws -> Int {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return Int(status.st_blocks) * 512
    }

    static func entryFiles(_ folder: TempFolder) -> [String] {
        let base = URL(fileURLWithPath: folder.path)
        let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [String] = []
        while let url = walker?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { files.append(url.path) }
        }
        return files.sorted()
    }

    @Test func aWarmScanGivesTheResultOfAScanWithoutTheCacheFromTheCacheAlone() throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        let options = ScanOptions(maxFileSize: 1500, threads: 1)
        let reference = try snapshot.scan(options)
        #expect(reference.records.contains { $0.ref.namespace == "team" && $0.ref.name == "db" })
        #expect(reference.records.contains { $0.ref.namespace == "apps" && $0.ref.name == "cache" })
        #expect(
            reference.errors.map(\.path).filter { $0.hasPrefix("plain/broken") } == [
                "plain/broken-a.yaml", "plain/broken-b.yaml",
            ])
        #expect(reference.notes.contains { $0.reason == .tooLarge })
        #expect(reference.cacheUse == ScanCacheUse())

        var cached = options
        cached.cache = Self.settings(folder)
        let cold = try snapshot.scan(cached)
        Self.expectSame(cold, reference)
        // The second of the two broken files is the first one's blob: already cached.
        #expect(cold.cacheUse.hits == 1)
        #expect(cold.cacheUse.stored > 10)
        #expect(cold.cacheUse.unstored == 0)
        // Blobs that gave only counts share one segment file; the others have a file each.
        let files = Self.entryFiles(folder)
        #expect(files.count(where: { $0.hasSuffix(".seg") }) == 1)
        #expect(files.count < cold.cacheUse.stored)

        for threads in [1, 2, 4] {
            cached.threads = threads
            let warm = try snapshot.scan(cached)
            Self.expectSame(warm, reference)
            #expect(warm.cacheUse.stored == 0)
            // Every blob read in the cold scan except the one over the size limit, which is never read.
            #expect(warm.cacheUse.hits == cold.cacheUse.stored + 1)
        }
    }

    @Test func aBlobOverTheSizeLimitOfThisRunIsNotedEvenWhenAnEarlierRunCachedIt() throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        var options = ScanOptions(threads: 1)
        options.cache = Self.settings(folder)
        _ = try snapshot.scan(options)
        options.maxFileSize = 1500
        let small = try snapshot.scan(options)
        options.cache = nil
        Self.expectSame(small, try snapshot.scan(options))
        #expect(small.notes.contains { $0.reason == .tooLarge && $0.path == "plain/big.yaml" })
        #expect(small.cacheUse.stored == 0)
    }

    @Test func anotherToolVersionNeitherUsesNorReplacesTheEntries() throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        var options = ScanOptions(threads: 1)
        options.cache = Self.settings(folder, tool: "1.0 aaaa")
        let first = try snapshot.scan(options)
        options.cache = Self.settings(folder, tool: "1.1 bbbb")
        let other = try snapshot.scan(options)
        // Only the blob that sits at two paths, read twice in this run.
        #expect(other.cacheUse.hits == first.cacheUse.hits)
        #expect(other.cacheUse.stored == first.cacheUse.stored)
        Self.expectSame(other, first)
        options.cache = Self.settings(folder, tool: "1.0 aaaa")
        #expect(try snapshot.scan(options).cacheUse.hits == first.cacheUse.stored + first.cacheUse.hits)
    }

    /// The pack files of the cache (entries with more than counts).
    static func packs(_ folder: TempFolder) -> [String] { entryFiles(folder).filter { $0.hasSuffix(".pack") } }

    @Test func anEntryOfAnotherFormatOrKeyIsIgnoredAndReplaced() throws {
        let folder = try TempFolder()
        let cache = try #require(BlobCache(Self.settings(folder)))
        let keyA = cache.key(
            blobID: String(repeating: "a", count: 40), path: "a.yaml", selected: true, limits: .standard)
        let keyB = cache.key(
            blobID: String(repeating: "b", count: 40), path: "b.yaml", selected: true, limits: .standard)
        var output = ManifestFileReader.Output()
        // A note: an entry of the pack (blobs that give only counts go to a segment).
        output.notes = [ScanNote(path: "", reason: .binary, message: "binary file")]
        #expect(cache.store(BlobCacheEntry(size: 7, output: output), under: keyA))
        #expect(cache.load(keyA)?.size == 7)
        cache.flush()
        #expect(try #require(BlobCache(Self.settings(folder))).load(keyA)?.size == 7)
        let pack = try #require(Self.packs(folder).first)
        let original = try Data(contentsOf: URL(fileURLWithPath: pack))
        // A's entry filed under B's key is foreign there.
        let keyLine = Data("\(keyA) ".utf8)
        let swapped = try #require(original.range(of: keyLine))
        var foreign = original
        foreign.replaceSubrange(swapped, with: Data("\(keyB) ".utf8))
        try foreign.write(to: URL(fileURLWithPath: pack))
        let reread = try #require(BlobCache(Self.settings(folder)))
        #expect(reread.load(keyB) == nil)
        #expect(reread.load(keyA) == nil)
        // The same pack and entry claiming another format.
        let header = Data("scan cache \(BlobCache.formatVersion)\n".utf8)
        let otherHeader = Data("scan cache \(BlobCache.formatVersion + 1)\n".utf8)
        var otherFormat = original
        while let range = otherFormat.range(of: header) {
            otherFormat.replaceSubrange(range, with: otherHeader)
        }
        #expect(otherFormat != original)
        try otherFormat.write(to: URL(fileURLWithPath: pack))
        let other = try #require(BlobCache(Self.settings(folder)))
        #expect(other.load(keyA) == nil)
        // Stored again by this run, and found by the next.
        #expect(other.store(BlobCacheEntry(size: 9, output: output), under: keyA))
        other.flush()
        #expect(try #require(BlobCache(Self.settings(folder))).load(keyA)?.size == 9)
        // Keys differ in everything the reader's output depends on besides the bytes.
        let id = String(repeating: "c", count: 40)
        let keys = [
            cache.key(blobID: id, path: "x.yaml", selected: true, limits: .standard),
            cache.key(blobID: id, path: "x.yaml", selected: false, limits: .standard),
            cache.key(blobID: id, path: "x.json", selected: true, limits: .standard),
            cache.key(blobID: id, path: "argocd/x.yaml", selected: true, limits: .standard),
            cache.key(blobID: id, path: "x.yaml", selected: true, limits: ParseLimits(maxDepth: 10)),
            try #require(BlobCache(Self.settings(folder, tool: "2"))).key(
                blobID: id, path: "x.yaml", selected: true, limits: .standard),
        ]
        #expect(Set(keys).count == keys.count)
        #expect(cache.key(blobID: id, path: "y/x.yaml", selected: true, limits: .standard) == keys[0])
    }

    @Test(arguments: [
        "", "{", "garbage\u{0}\u{1}", "{\"format\":1,\"tool\":\"test 1\"}", "[1,2,3]",
        "endpoint-drift scan cache 1\ntest 1\nkey\n1 0 0 0 0 0\n",
    ])
    func aCorruptEntryIsIgnoredAndReplaced(content: String) throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        let snapshot = try RepositorySnapshot(repositoryPath: repo.path)
        var options = ScanOptions(threads: 1)
        let reference = try snapshot.scan(options)
        options.cache = Self.settings(folder)
        let cold = try snapshot.scan(options)
        let files = Self.entryFiles(folder)
        #expect(!files.isEmpty)
        for (index, file) in files.enumerated() where index % 2 == 0 {
            try Data(content.utf8).write(to: URL(fileURLWithPath: file))
        }
        // Truncated halfway: what a crash would leave without the rename.
        for (index, file) in files.enumerated() where index % 2 == 1 {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: file))
        }
        let damaged = try snapshot.scan(options)
        Self.expectSame(damaged, reference)
        // Entries before the damage in a cut file still count; everything else is read again.
        #expect(damaged.cacheUse.hits + damaged.cacheUse.stored == cold.cacheUse.hits + cold.cacheUse.stored)
        #expect(damaged.cacheUse.stored > 0)
        let repaired = try snapshot.scan(options)
        Self.expectSame(repaired, reference)
        #expect(repaired.cacheUse.hits == cold.cacheUse.stored + cold.cacheUse.hits)
    }

    @Test func concurrentRunsShareOneCacheSafely() throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        let reference = try RepositorySnapshot(repositoryPath: repo.path).scan(ScanOptions())
        var options = ScanOptions(threads: 2)
        options.cache = Self.settings(folder)
        let runs = 6
        let results = Results(count: runs)
        let path = repo.path
        let shared = options
        // Each run as a separate process would be: its own repository handle, the same folder.
        DispatchQueue.concurrentPerform(iterations: runs) { index in
            results.set(index, Swift.Result { try RepositorySnapshot(repositoryPath: path).scan(shared) })
        }
        for result in results.all {
            Self.expectSame(try #require(try result?.get()), reference)
        }
        #expect(!Self.entryFiles(folder).contains { $0.contains("/.tmp-") })
        let warm = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        Self.expectSame(warm, reference)
        #expect(warm.cacheUse.stored == 0)

        // Many writers of one key: every load sees one whole entry.
        let cache = try #require(BlobCache(Self.settings(folder)))
        let key = cache.key(
            blobID: String(repeating: "d", count: 40), path: "d.yaml", selected: true, limits: .standard)
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            var output = ManifestFileReader.Output()
            output.notes = (0..<(index * 20)).map {
                ScanNote(path: "", line: $0, reason: .template, message: String(repeating: "x", count: index))
            }
            cache.store(BlobCacheEntry(size: index, output: output), under: key)
            if let loaded = cache.load(key) {
                results.check(loaded.output.notes.count == loaded.size * 20)
            }
        }
        #expect(results.allChecksPassed)
        #expect(!Self.entryFiles(folder).contains { $0.contains("/.tmp-") })
    }

    @Test func anEntryWithObjectsErrorsAndNotesComesBackAsStored() throws {
        let folder = try TempFolder()
        let cache = try #require(BlobCache(Self.settings(folder)))
        let text =
            Fixture.service("db", namespace: "shop")
            + "---\nkind: Service\nmetadata: {name: [\n---\nkind: Service\nmetadata:\n  name: {{ x }}\n"
        let output = ManifestFileReader.read(text, path: "a.yaml")
        #expect(!output.objects.isEmpty && !output.errors.isEmpty && !output.notes.isEmpty)
        let key = cache.key(
            blobID: String(repeating: "e", count: 40), path: "a.yaml", selected: true, limits: .standard)
        #expect(cache.store(BlobCacheEntry(size: text.utf8.count, output: output), under: key))
        let loaded = try #require(cache.load(key))
        #expect(loaded.size == text.utf8.count)
        #expect(loaded.output.objects.map(\.object) == output.objects.map(\.object))
        #expect(loaded.output.objects.map(\.line) == output.objects.map(\.line))
        #expect(loaded.output.errors == output.errors)
        #expect(loaded.output.notes == output.notes)
        #expect(loaded.output.hasPlaceholders == output.hasPlaceholders)
        #expect(loaded.output.parsedDocuments == output.parsedDocuments)
        #expect(loaded.output.skippedDocuments == output.skippedDocuments)
        cache.flush()
        #expect(try #require(BlobCache(Self.settings(folder))).load(key)?.output.errors == output.errors)
        // The pack cut anywhere inside the entry: not used.
        let pack = try #require(Self.packs(folder).first)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
        for length in [1, 30, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(length).write(to: URL(fileURLWithPath: pack))
            #expect(try #require(BlobCache(Self.settings(folder))).load(key) == nil, "cut at \(length)")
        }
    }

    @Test func packsAreMergedWhenMany() throws {
        let folder = try TempFolder()
        func entry(_ index: Int) -> BlobCacheEntry {
            var output = ManifestFileReader.Output()
            output.notes = [ScanNote(path: "", reason: .template, message: "note \(index)")]
            return BlobCacheEntry(size: index, output: output)
        }
        func key(_ cache: BlobCache, _ index: Int) -> String {
            cache.key(blobID: String(format: "%040d", index), path: "f.yaml", selected: true, limits: .standard)
        }
        for index in 0..<12 {
            let cache = try #require(BlobCache(Self.settings(folder)))
            #expect(cache.store(entry(index), under: key(cache, index)))
            cache.flush()
            #expect(Self.packs(folder).count <= BlobPacks.maximumPacks)
        }
        let cache = try #require(BlobCache(Self.settings(folder)))
        for index in 0..<12 {
            #expect(cache.load(key(cache, index))?.output.notes.first?.message == "note \(index)")
        }
    }

    @Test func segmentsKeepTheBlobsThatGaveOnlyCountsAndAreMergedWhenMany() throws {
        let folder = try TempFolder()
        func entry(_ index: Int) -> BlobCacheEntry {
            var output = ManifestFileReader.Output()
            output.mayHoldVariables = index % 2 == 0
            output.skippedDocuments = index
            return BlobCacheEntry(size: index * 10, output: output)
        }
        func key(_ cache: BlobCache, _ index: Int) -> String {
            cache.key(blobID: String(format: "%040d", index), path: "f.yaml", selected: true, limits: .standard)
        }
        // Ten runs, each learning one blob: ten segments, then merged into one by the eleventh.
        for index in 0..<10 {
            let cache = try #require(BlobCache(Self.settings(folder)))
            #expect(cache.store(entry(index), under: key(cache, index)))
            #expect(cache.load(key(cache, index))?.size == index * 10)
            cache.flush()
        }
        let segments = { Self.entryFiles(folder).filter { $0.hasSuffix(".seg") } }
        #expect(segments().count <= 9)
        let cache = try #require(BlobCache(Self.settings(folder)))
        for index in 0..<10 {
            let loaded = try #require(cache.load(key(cache, index)))
            #expect(loaded.size == index * 10)
            #expect(loaded.output.mayHoldVariables == (index % 2 == 0))
            #expect(loaded.output.skippedDocuments == index)
        }
        // Another tool's segment, and damaged lines, are passed over.
        let other = try #require(BlobCache(Self.settings(folder, tool: "other")))
        #expect(other.load(key(other, 1)) == nil)
        let one = try #require(segments().first)
        let text = try String(contentsOfFile: one, encoding: .utf8)
        let damaged = text.split(separator: "\n").enumerated().map { $0.offset < 2 ? String($0.element) : "x y z" }
        try Data(damaged.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: one))
        cache.flush()
        let after = try #require(BlobCache(Self.settings(folder)))
        #expect(
            (0..<10).allSatisfy { after.load(key(after, $0)) == nil || after.load(key(after, $0))?.size == $0 * 10 })
    }

    @Test func trimmingDeletesTheFilesUsedLongestAgo() throws {
        let folder = try TempFolder()
        // Ten files under the cache, file i last used 10 - i days ago.
        var paths: [String] = []
        for index in 0..<10 {
            let path = try folder.write(
                "scan-v\(BlobCache.formatVersion)/packs/\(index).pack", String(repeating: "x", count: 4000))
            var times = [timespec(tv_sec: time(nil) - 86_400 * (10 - index), tv_nsec: 0)]
            times.append(times[0])
            #expect(utimensat(AT_FDCWD, path, times, 0) == 0)
            paths.append(path)
        }
        let size = try Self.allocated(paths[0])
        let trimming = try #require(BlobCache(Self.settings(folder, maxBytes: size * 8)))
        trimming.trim()
        let left = paths.filter { FileManager.default.fileExists(atPath: $0) }
        // Down to three quarters of eight files: six stay, the oldest four go.
        #expect(left == Array(paths[4...]))
    }

    @Test func aHitRefreshesItsPackSoThatTrimmingKeepsIt() throws {
        let folder = try TempFolder()
        let cache = try #require(BlobCache(Self.settings(folder)))
        let key = cache.key(
            blobID: String(repeating: "f", count: 40), path: "f.yaml", selected: true, limits: .standard)
        var output = ManifestFileReader.Output()
        output.notes = [ScanNote(path: "", reason: .binary, message: "binary file")]
        #expect(cache.store(BlobCacheEntry(size: 3, output: output), under: key))
        cache.flush()
        let pack = try #require(Self.packs(folder).first)
        var times = [timespec(tv_sec: time(nil) - 86_400 * 10, tv_nsec: 0)]
        times.append(times[0])
        #expect(utimensat(AT_FDCWD, pack, times, 0) == 0)
        let next = try #require(BlobCache(Self.settings(folder)))
        #expect(next.load(key)?.size == 3)
        next.flush()
        var status = stat()
        #expect(stat(pack, &status) == 0)
        #expect(time(nil) - Int(status.st_mtim.tv_sec) < 3600)
    }

    @Test func aScanKeepsTheCacheUnderItsBound() throws {
        let repo = try Self.repository()
        let folder = try TempFolder()
        var options = ScanOptions(threads: 1)
        options.cache = Self.settings(folder, maxBytes: 16 * 1024)
        let result = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(result.cacheUse.stored > 5)
        let total = try Self.entryFiles(folder).reduce(0) { $0 + (try Self.allocated($1)) }
        #expect(total <= 16 * 1024)
    }

    @Test func anUnwritableFolderMeansNoCache() throws {
        let folder = try TempFolder()
        let file = try folder.write("file", "not a folder")
        #expect(BlobCache(BlobCacheSettings(directory: file, toolVersion: "x")) == nil)
        let repo = try Self.repository()
        var options = ScanOptions()
        options.cache = BlobCacheSettings(directory: file, toolVersion: "x")
        let result = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        Self.expectSame(result, try RepositorySnapshot(repositoryPath: repo.path).scan(ScanOptions()))
        #expect(result.cacheUse == ScanCacheUse())
    }

    @Test func theDefaultFolderFollowsTheXDGBaseDirectories() {
        #expect(
            BlobCacheSettings.defaultDirectory(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])
                == "/c/endpoint-drift")
        #expect(
            BlobCacheSettings.defaultDirectory(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/h"])
                == "/h/.cache/endpoint-drift")
        #expect(BlobCacheSettings.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.cache/endpoint-drift")
        #expect(BlobCacheSettings.defaultDirectory(environment: [:]) == nil)
    }

    /// Results of the concurrent runs, by index.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Swift.Result<ScanResult, any Error>?]
        private var failures = 0

        init(count: Int) { stored = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Swift.Result<ScanResult, any Error>) {
            lock.withLock { stored[index] = result }
        }
        func check(_ passed: Bool) { if !passed { lock.withLock { failures += 1 } } }
        var all: [Swift.Result<ScanResult, any Error>?] { lock.withLock { stored } }
        var allChecksPassed: Bool { lock.withLock { failures == 0 } }
    }
}
