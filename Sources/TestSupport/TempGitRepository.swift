import Foundation

/// A real git repository in a temporary folder, driven by the `git` command line so that tests
/// cross-check our libgit2 reading against git itself. Removed when released.
public final class TempGitRepository: @unchecked Sendable {
    /// The working tree (or the repository itself when bare).
    public let path: String

    /// A new repository with an identity set, on branch `main`.
    public init(bare: Bool = false) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("endpoint-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
        try git(["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []))
        try git(["config", "user.name", "Test Author"])
        try git(["config", "user.email", "test@example.com"])
        try git(["config", "commit.gpgsign", "false"])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file in the working tree (creating folders).
    public func write(_ relativePath: String, _ content: String) throws {
        try write(relativePath, Data(content.utf8))
    }

    public func write(_ relativePath: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func read(_ relativePath: String) throws -> String {
        try String(
            contentsOfFile: URL(fileURLWithPath: path).appendingPathComponent(relativePath).path, encoding: .utf8)
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commitAll(_ message: String = "commit") throws -> String {
        try git(["add", "-A"])
        try git(["commit", "-q", "--allow-empty", "-m", message])
        return try git(["rev-parse", "HEAD"])
    }

    /// Runs git in the repository; returns trimmed stdout, throws with stderr on failure.
    @discardableResult
    public func git(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        try Self.run("/usr/bin/env", ["git", "-C", path] + arguments, environment: environment)
    }

    /// Runs a program; returns trimmed stdout.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
        currentDirectory: String? = nil
    ) throws -> String {
        let result = try ProcessRunner.run(
            executable, arguments, environment: environment, input: input, currentDirectory: currentDirectory)
        guard result.status == 0 else {
            throw ProcessFailure(
                command: ([executable] + arguments).joined(separator: " "), status: result.status, stderr: result.stderr
            )
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A command that exited non-zero.
public struct ProcessFailure: Error, CustomStringConvertible {
    public let command: String
    public let status: Int32
    public let stderr: String
    public var description: String { "\(command) exited \(status): \(stderr)" }
}
