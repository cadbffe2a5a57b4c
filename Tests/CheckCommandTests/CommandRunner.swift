import Foundation
import TestSupport
import Testing

/// Runs the built `endpoint-drift` binary, as users and CI do.
struct CommandRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// A temporary folder for live files and outputs, removed with the runner.
    let scratch: String

    init() throws {
        scratch =
            FileManager.default.temporaryDirectory.appendingPathComponent("endpoint-drift-run-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Output {
        let result = try EndpointDriftBinary.run(
            arguments, environment: environment, input: input.map { Data($0.utf8) }, currentDirectory: scratch)
        return Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// Writes a file in the scratch folder; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = "\(scratch)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: "\(scratch)/\(name)", encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(atPath: scratch) }
}
