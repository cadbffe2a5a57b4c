import Foundation

/// Command-line validators installed from PyPI by `make deps` into `.build/pytools` (a venv):
/// `check-jsonschema` (GitHub workflow, action and GitLab CI schemas bundled) and
/// `kubernetes-validate` (Kubernetes schemas bundled). Missing tools fail the test with what to run.
public enum PythonTools {
    /// `ENDPOINT_DRIFT_PYTOOLS` (a folder holding the executables), else `.build/pytools/bin`.
    public static var folder: String {
        if let chosen = ProcessInfo.processInfo.environment["ENDPOINT_DRIFT_PYTOOLS"], !chosen.isEmpty {
            return chosen
        }
        return Validators.packageRoot + "/.build/pytools/bin"
    }

    public static func path(_ tool: String) throws -> String {
        let candidate = "\(folder)/\(tool)"
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw ValidationFailure(
                message: "\(candidate) is missing; run `make deps` (installs it from PyPI into .build/pytools)")
        }
        return candidate
    }

    /// Runs a tool; throws with its output when it exits non-zero.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> ProcessRunner.Result {
        let result = try ProcessRunner.run(try path(tool), arguments)
        guard result.status == 0 else {
            throw ValidationFailure(
                message: "\(tool) \(arguments.joined(separator: " ")) failed:\n\(result.stdout)\(result.stderr)")
        }
        return result
    }
}
