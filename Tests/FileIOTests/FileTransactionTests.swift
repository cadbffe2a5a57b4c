import FileIO
import Foundation
import Testing

@Suite struct FileTransactionTests {
    struct Stop: Error {}

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "endpoint-drift-tx-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func listing(_ folder: String) -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return result }
        for case let path as String in walker {
            result[path] = (try? String(contentsOfFile: folder + "/" + path, encoding: .utf8)) ?? "<folder>"
        }
        return result
    }

    @Test func commitsWritesAndDeletesTogether() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/a.txt", atomically: false, encoding: .utf8)
        try "gone\n".write(toFile: folder + "/b.txt", atomically: false, encoding: .utf8)
        let transaction = FileTransaction()
        transaction.write(Data("new\n".utf8), to: folder + "/a.txt")
        transaction.write(Data("made\n".utf8), to: folder + "/sub/dir/c.txt")
        transaction.delete(folder + "/b.txt")
        try transaction.stage()
        try transaction.commit()
        transaction.finish()
        #expect(
            Self.listing(folder) == [
                "a.txt": "new\n", "sub": "<folder>", "sub/dir": "<folder>", "sub/dir/c.txt": "made\n",
            ])
    }

    @Test(arguments: [0, 1, 2])
    func aFaultRestoresEverything(at failing: Int) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/a.txt", atomically: false, encoding: .utf8)
        try "gone\n".write(toFile: folder + "/b.txt", atomically: false, encoding: .utf8)
        let before = Self.listing(folder)
        let transaction = FileTransaction { point in
            if case .beforeCommitting(let index, _) = point, index == failing { throw Stop() }
        }
        transaction.write(Data("new\n".utf8), to: folder + "/a.txt")
        transaction.delete(folder + "/b.txt")
        transaction.write(Data("made\n".utf8), to: folder + "/sub/dir/c.txt")
        try transaction.stage()
        #expect(throws: AtomicFile.WriteError.self) { try transaction.commit() }
        #expect(Self.listing(folder) == before)
    }

    @Test func rollbackAfterCommitUndoesIt() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "old\n".write(toFile: folder + "/a.txt", atomically: false, encoding: .utf8)
        let before = Self.listing(folder)
        let transaction = FileTransaction()
        transaction.write(Data("new\n".utf8), to: folder + "/a.txt")
        transaction.write(Data("made\n".utf8), to: folder + "/x/y.txt")
        try transaction.stage()
        try transaction.commit()
        #expect(Self.listing(folder)["a.txt"] == "new\n")
        // A later step of the caller failed: undo.
        transaction.rollback()
        #expect(Self.listing(folder) == before)
    }
}
