import Foundation
import TestSupport
import Testing

@testable import GitStore

@Suite struct RepositoryTests {
    @Test func notARepositoryIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            try Repository.discover(from: folder)
        } throws: { error in
            (error as? GitError)?.kind == .notARepository
        }
    }

    @Test func walksTheTreeInGitsOrderWithGitsIDs() throws {
        let repo = try TempGitRepository()
        try repo.write("b/z.yaml", "z: 1\n")
        try repo.write("b/a.yaml", "a: 1\n")
        try repo.write("a.yaml", "root: 1\n")
        try repo.commitAll()
        let repository = try Repository.discover(from: repo.path)
        let commit = try repository.commit("HEAD")
        var seen: [(String, String)] = []
        try repository.walkTree(commit.treeID) { seen.append(($0.path, $0.id.hex)) }
        let gitListing = try repo.git(["ls-tree", "-r", "HEAD"]).split(separator: "\n").map {
            line -> (String, String) in
            let parts = line.split(separator: "\t")
            return (String(parts[1]), String(parts[0].split(separator: " ")[2]))
        }
        #expect(seen.map(\.0) == gitListing.map(\.0))
        #expect(seen.map(\.1) == gitListing.map(\.1))
        let size = try repository.objectSize(try #require(ObjectID(hex: seen[0].1)))
        #expect(size == "root: 1\n".utf8.count)
    }

    @Test func objectIDsRoundTripThroughHex() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        let id = try #require(ObjectID(hex: hex))
        #expect(id.hex == hex)
        #expect(id.short == "0123456")
        #expect(ObjectID(hex: "xyz") == nil)
    }

    @Test func aRepositoryOwnedByAnotherUserGetsAMessageThatSaysSo() throws {
        // Only root can give a folder away; CI runs as root.
        guard geteuid() == 0 else { return }
        let repo = try TempGitRepository()
        try repo.write("a.yaml", "a: 1\n")
        try repo.commitAll()
        try TempGitRepository.run("/bin/chown", ["-R", "65534", repo.path])
        try FileManager.default.createDirectory(atPath: repo.path + "/sub", withIntermediateDirectories: true)
        for start in [repo.path, repo.path + "/sub"] {
            #expect {
                try Repository.discover(from: start)
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.kind == .notOwned && error.message.contains("safe.directory \(repo.path)")
                    && error.message.contains("uid 65534")
            }
        }
    }
}
