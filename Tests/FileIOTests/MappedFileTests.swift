import FileIO
import Foundation
import Testing

@Suite struct MappedFileTests {
    /// 300,000 bytes of a pattern of `step`, written to a temporary file (removed when `body` returns).
    static func withMapped(step: Int, _ body: (MappedFile, [UInt8]) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* step) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        try body(try #require(MappedFile(path: path)), content)
    }

    @Test("a mapped file reads its bytes again after pages are given back")
    func releaseAndReread() throws {
        try Self.withMapped(step: 31) { file, content in
            #expect(Array(file.bytes) == content)
            file.release(below: 200_000)
            file.release(below: 100_000)
            #expect(Array(file.bytes) == content)
            file.release(below: 1_000_000)
            #expect(file.bytes[299_999] == content[299_999])
        }
    }

    @Test("a second pass gives back pages again, and the bytes read the same")
    func secondPass() throws {
        try Self.withMapped(step: 17) { file, content in
            file.release(below: 300_000)
            #expect(Array(file.bytes[120_000..<130_000]) == Array(content[120_000..<130_000]))
            // Below the first page, backwards, past the end: nothing to give back, or clamped; no fault.
            var pass = MappedFile.Pass()
            pass.release(below: 20, in: file)
            pass.release(below: 250_000, in: file)
            pass.release(below: 100_000, in: file)
            #expect(Array(file.bytes[0..<250_000]) == Array(content[0..<250_000]))
            pass.release(below: Int.max, in: file)
            #expect(Array(file.bytes) == content)
        }
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
