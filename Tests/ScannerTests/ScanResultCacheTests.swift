import Foundation
import Manifests
import TestSupport
import Testing

@testable import Scanner

/// Whole results kept by tree id: a second scan of the same tree with the same options comes from
/// one entry and equals a scan without any cache; anything else the result depends on makes a miss.
@Suite struct ScanResultCacheTests {
    static func settings(_ folder: TempFolder, tool: String = "test 1") -> BlobCacheSettings {
        BlobCacheSettings(directory: folder.path, toolVersion: tool)
    }

    static func treeEntries(_ folder: TempFolder) -> [String] {
        BlobCacheTests.entryFiles(folder).filter { $0.contains("/trees/") }
    }

    @Test func theSameTreeComesFromOneEntryWithTheCommitsOwnIdentity() throws {
        let repo = try BlobCacheTests.repository()
        let folder = try TempFolder()
        var options = ScanOptions(threads: 1)
        let reference = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(!reference.records.isEmpty && !reference.errors.isEmpty && !reference.notes.isEmpty)
        options.cache = Self.settings(folder)
        let cold = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        BlobCacheTests.expectSame(cold, reference)
        #expect(!cold.cacheUse.wholeTree)
        #expect(Self.treeEntries(folder).count == 1)

        let warm = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        BlobCacheTests.expectSame(warm, reference)
        #expect(warm.cacheUse.wholeTree)
        #expect(warm.cacheUse.hits == 0 && warm.cacheUse.stored == 0)
        #expect(warm.commitID == reference.commitID)

        // A new commit with the same tree: the same objects, sourced at the new commit.
        _ = try repo.git(["commit", "--allow-empty", "-q", "-m", "empty"])
        let next = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(next.cacheUse.wholeTree)
        #expect(next.commitID != reference.commitID)
        #expect(next.commitID == (try repo.git(["rev-parse", "HEAD"])).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(next.records.allSatisfy { $0.source?.commitID == next.commitID })
        #expect(next.records.map(\.object) == reference.records.map(\.object))
        #expect(next.records.map { $0.source?.blobID } == reference.records.map { $0.source?.blobID })
        options.cache = nil
        BlobCacheTests.expectSame(next, try RepositorySnapshot(repositoryPath: repo.path).scan(options))
    }

    @Test func anotherTreeOrOptionOrToolIsAMiss() throws {
        let repo = try BlobCacheTests.repository()
        let folder = try TempFolder()
        var options = ScanOptions(threads: 1)
        options.cache = Self.settings(folder)
        _ = try RepositorySnapshot(repositoryPath: repo.path).scan(options)

        // Every option the result depends on.
        var variants: [ScanOptions] = []
        for change in 0..<5 {
            var changed = options
            switch change {
            case 0: changed.filter = PathFilter(prefixes: ["team"])
            case 1: changed.filter = PathFilter(excludes: ["plain/**"])
            case 2: changed.defaultNamespace = "other"
            case 3: changed.maxFileSize = 1500
            default: changed.limits = ParseLimits(maxExpandedNodes: 500, maxDepth: 40)
            }
            variants.append(changed)
        }
        for variant in variants {
            let result = try RepositorySnapshot(repositoryPath: repo.path).scan(variant)
            #expect(!result.cacheUse.wholeTree)
            var plain = variant
            plain.cache = nil
            BlobCacheTests.expectSame(result, try RepositorySnapshot(repositoryPath: repo.path).scan(plain))
            // Now it is kept under its own options.
            #expect(try RepositorySnapshot(repositoryPath: repo.path).scan(variant).cacheUse.wholeTree)
        }

        var otherTool = options
        otherTool.cache = Self.settings(folder, tool: "test 2")
        #expect(!(try RepositorySnapshot(repositoryPath: repo.path).scan(otherTool).cacheUse.wholeTree))

        // A changed file: a new tree, read through the blob cache (only the changed blob is read).
        try repo.write("team/ep.yaml", Fixture.endpoints("db", ips: ["10.0.0.9"]))
        try repo.commitAll("renumber")
        let changed = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(!changed.cacheUse.wholeTree)
        #expect(changed.cacheUse.stored == 1)
        #expect(changed.records.contains { $0.ref.name == "db" && $0.object.kind == .endpoints })
        var plain = options
        plain.cache = nil
        BlobCacheTests.expectSame(changed, try RepositorySnapshot(repositoryPath: repo.path).scan(plain))
    }

    @Test(arguments: ["", "garbage\u{0}", "endpoint-drift scan result \(BlobCache.formatVersion)\n"])
    func aCorruptOrCutEntryIsAMissAndIsReplaced(content: String) throws {
        let repo = try BlobCacheTests.repository()
        let folder = try TempFolder()
        var options = ScanOptions(threads: 1)
        let reference = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        options.cache = Self.settings(folder)
        _ = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        let entry = try #require(Self.treeEntries(folder).first)
        let whole = try Data(contentsOf: URL(fileURLWithPath: entry))
        for damaged in [Data(content.utf8), whole.prefix(whole.count / 2), whole.prefix(whole.count - 1), whole + [7]] {
            try damaged.write(to: URL(fileURLWithPath: entry))
            let result = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
            #expect(!result.cacheUse.wholeTree)
            BlobCacheTests.expectSame(result, reference)
            // Written again, whole.
            #expect(try Data(contentsOf: URL(fileURLWithPath: entry)) == whole)
        }
        // Another format's entry under this key is passed over too.
        let header = Data("endpoint-drift scan result \(BlobCache.formatVersion)\n".utf8)
        #expect(whole.starts(with: header))
        let otherFormat =
            Data("endpoint-drift scan result \(BlobCache.formatVersion + 1)\n".utf8) + whole.dropFirst(header.count)
        try otherFormat.write(to: URL(fileURLWithPath: entry))
        #expect(!(try RepositorySnapshot(repositoryPath: repo.path).scan(options).cacheUse.wholeTree))
        #expect(try RepositorySnapshot(repositoryPath: repo.path).scan(options).cacheUse.wholeTree)
    }

    @Test func resultsThatDependOnMoreThanTheTreeAreNeverKept() throws {
        let repo = try TempGitRepository()
        // A Flux Kustomization taking a variable from a Secret in git: its value must never reach the disk.
        try repo.write(
            "clusters/prod/apps.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n"
                + "  namespace: flux-system\nspec:\n  path: ./apps\n  postBuild:\n    substituteFrom:\n"
                + "      - kind: Secret\n        name: vars\n")
        try repo.write(
            "clusters/prod/vars.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vars\n  namespace: flux-system\nstringData:\n"
                + "  DB_IP: 10.77.0.1\n")
        try repo.write(
            "apps/db.yaml",
            Fixture.service("db", namespace: "apps") + "---\n"
                + Fixture.endpoints("db", namespace: "apps", ips: ["${DB_IP}"]))
        try repo.commitAll()
        let folder = try TempFolder()
        var options = ScanOptions(threads: 1)
        options.cache = Self.settings(folder)
        let first = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(first.secretValues == ["10.77.0.1"])
        #expect(first.records.contains { $0.object.kind == .endpoints })
        #expect(Self.treeEntries(folder).isEmpty)
        #expect(!(try RepositorySnapshot(repositoryPath: repo.path).scan(options).cacheUse.wholeTree))
        for file in BlobCacheTests.entryFiles(folder) {
            #expect(!(try Data(contentsOf: URL(fileURLWithPath: file))).contains(Data("10.77.0.1".utf8)))
        }
    }

    @Test func concurrentRunsOfOneTreeAgree() throws {
        let repo = try BlobCacheTests.repository()
        let folder = try TempFolder()
        let reference = try RepositorySnapshot(repositoryPath: repo.path).scan(ScanOptions())
        var options = ScanOptions(threads: 2)
        options.cache = Self.settings(folder)
        let runs = 8
        let results = BlobCacheTests.Results(count: runs)
        let path = repo.path
        let shared = options
        DispatchQueue.concurrentPerform(iterations: runs) { index in
            results.set(index, Swift.Result { try RepositorySnapshot(repositoryPath: path).scan(shared) })
        }
        for result in results.all {
            BlobCacheTests.expectSame(try #require(try result?.get()), reference)
        }
        #expect(Self.treeEntries(folder).count == 1)
        #expect(!BlobCacheTests.entryFiles(folder).contains { $0.contains("/.tmp-") })
        let warm = try RepositorySnapshot(repositoryPath: repo.path).scan(options)
        #expect(warm.cacheUse.wholeTree)
        BlobCacheTests.expectSame(warm, reference)
    }
}
