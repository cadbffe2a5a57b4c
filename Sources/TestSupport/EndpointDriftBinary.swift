import Foundation

/// The built `endpoint-drift` executable, for end-to-end tests: it sits beside the test bundle in
/// the build products folder (`swift build --build-tests` builds both).
public enum EndpointDriftBinary {
    public static var path: String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        // On Linux the runner is `<products>/endpoint-driftPackageTests.xctest`; elsewhere it may be nested deeper.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("endpoint-drift").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent("endpoint-drift").path
    }

    /// Runs the binary with `arguments`; never throws for a non-zero exit (tests check the status).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: Data? = nil, currentDirectory: String? = nil
    ) throws -> ProcessRunner.Result {
        var env = environment
        if env["NO_COLOR"] == nil { env["NO_COLOR"] = "1" }
        return try ProcessRunner.run(
            path, arguments, environment: env, input: input, currentDirectory: currentDirectory)
    }
}
