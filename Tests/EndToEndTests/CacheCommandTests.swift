import Foundation
import TestSupport
import Testing

/// `--cache DIR` and `--no-cache` as a user runs them: the output never depends on the cache.
@Suite struct CacheCommandTests {
    static func repository() throws -> TempGitRepository {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", ScanCommandTests.endpoints)
        try repo.write("shop/broken.yaml", "kind: Service\nmetadata: {name: [\n")
        try repo.write("shop/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
        try repo.write("team/kustomization.yaml", "namespace: team\nresources:\n  - svc.yaml\n")
        try repo.write(
            "team/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n    - port: 80\n")
        try repo.commitAll()
        return repo
    }

    /// The files under `folder`, by the part of the cache they belong to: `small` (a segment of blobs
    /// that gave only counts), `packs` (the others), `trees` (whole results).
    static func entries(_ folder: String) -> [String: Int] {
        let walker = FileManager.default.enumerator(atPath: folder)
        var counts: [String: Int] = [:]
        while let path = walker?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue
            {
                let parts = path.split(separator: "/")
                counts[parts.count > 1 ? String(parts[1]) : path, default: 0] += 1
            }
        }
        return counts
    }

    @Test func aWarmRunPrintsWhatAColdRunAndARunWithoutTheCachePrint() throws {
        let repo = try Self.repository()
        let cache = try TempFolder()
        let arguments = ["scan", "--repo", repo.path, "-o", "json"]
        let uncached = try EndpointDriftBinary.run(arguments + ["--no-cache"])
        let cold = try EndpointDriftBinary.run(arguments + ["--cache", cache.path])
        // One file of each part for the whole run, not one per blob.
        #expect(Self.entries(cache.path) == ["small": 1, "packs": 1, "trees": 1])
        let warm = try EndpointDriftBinary.run(arguments + ["--cache", cache.path])
        #expect(uncached.status == cold.status)
        #expect(warm.status == cold.status)
        #expect(cold.stdout == uncached.stdout)
        #expect(warm.stdout == uncached.stdout)
        #expect(warm.stderr == uncached.stderr)
        #expect(warm.stdout.contains("\"team\""))
    }

    @Test func theCacheGoesToXDGCacheHomeUnlessTurnedOff() throws {
        let repo = try Self.repository()
        let home = try TempFolder()
        let off = try EndpointDriftBinary.run(
            ["scan", "--repo", repo.path, "--no-cache"], environment: ["XDG_CACHE_HOME": home.path])
        #expect(off.status == 0)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/endpoint-drift"))
        _ = try EndpointDriftBinary.run(["scan", "--repo", repo.path], environment: ["XDG_CACHE_HOME": home.path])
        #expect(Self.entries(home.path + "/endpoint-drift") == ["small": 1, "packs": 1, "trees": 1])
    }

    @Test func cacheAndNoCacheExcludeEachOther() throws {
        let result = try EndpointDriftBinary.run(["scan", "--cache", "/tmp/x", "--no-cache"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--cache and --no-cache exclude each other"))
    }
}
