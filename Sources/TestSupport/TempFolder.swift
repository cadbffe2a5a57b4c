import Foundation

/// A temporary folder, removed when released.
public final class TempFolder: @unchecked Sendable {
    public let path: String

    public init() throws {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "endpoint-drift-test-\(UUID().uuidString)"
            ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file (creating folders); returns its absolute path.
    @discardableResult
    public func write(_ relativePath: String, _ text: String, executable: Bool = false) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        return url.path
    }

    public func file(_ relativePath: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(relativePath).path
    }

    public func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: file(relativePath), encoding: .utf8)
    }
}
