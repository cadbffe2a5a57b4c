import FileIO
import Foundation
import Testing

@Suite struct MappedFileTests {
    @Test("a mapped file reads its bytes again after pages are given back")
    func releaseAndReread() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        let file = try #require(MappedFile(path: path))
        #expect(Array(file.bytes) == content)
        file.release(below: 200_000)
        file.release(below: 100_000)
        #expect(Array(file.bytes) == content)
        file.release(below: 1_000_000)
        #expect(file.bytes[299_999] == content[299_999])
    }

    @Test("folders, missing and empty files")
    func notMapped() throws {
        #expect(MappedFile(path: FileManager.default.temporaryDirectory.path) == nil)
        #expect(MappedFile(path: "/nonexistent/file") == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(try #require(MappedFile(path: path)).bytes.isEmpty)
    }
}
