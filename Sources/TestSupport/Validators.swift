import Foundation

/// The real validators the output tests use: Python's `jsonschema` for SARIF and `xmllint` for
/// JUnit. Neither is optional: a missing tool fails the test with what to install (`make deps`).
public enum Validators {
    /// The repository root.
    public static let packageRoot = Fixtures.repositoryRoot.path

    public static func schemaPath(_ name: String) -> String { "\(packageRoot)/fixtures/schemas/\(name)" }

    /// A Python that can `import jsonschema`: `ENDPOINT_DRIFT_PYTHON`, else `python3` on the PATH,
    /// else `/usr/bin/python3` (where Debian's python3-jsonschema lives).
    public static func pythonWithJSONSchema() throws -> String {
        var candidates: [String] = []
        if let chosen = ProcessInfo.processInfo.environment["ENDPOINT_DRIFT_PYTHON"], !chosen.isEmpty {
            candidates.append(chosen)
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(folder)/python3")
        }
        candidates.append("/usr/bin/python3")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            if let result = try? ProcessRunner.run(candidate, ["-c", "import jsonschema"]), result.status == 0 {
                return candidate
            }
        }
        throw ValidationFailure(
            message: "no python3 with the jsonschema module; run `make deps` (Debian python3-jsonschema) "
                + "or `pip install --user jsonschema`, or set ENDPOINT_DRIFT_PYTHON")
    }

    /// Validates JSON text against a JSON Schema (draft 7) file, formats checked; throws with the
    /// validator's message.
    public static func validateJSON(_ json: String, schema: String) throws {
        let python = try pythonWithJSONSchema()
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.load(sys.stdin)
            validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
            for error in errors[:5]:
                print("/".join(map(str, error.path)) + ": " + error.message, file=sys.stderr)
            sys.exit(1 if errors else 0)
            """
        let result = try ProcessRunner.run(python, ["-c", script, schema], input: Data(json.utf8))
        guard result.status == 0 else {
            throw ValidationFailure(message: "JSON schema validation failed:\n\(result.stderr)")
        }
    }

    /// Validates XML text against an XSD with `xmllint --schema`.
    public static func validateXML(_ xml: String, schema: String) throws {
        let result = try ProcessRunner.run(
            "/usr/bin/env", ["xmllint", "--noout", "--schema", schema, "-"], input: Data(xml.utf8))
        if result.status == 127 {
            throw ValidationFailure(message: "xmllint not found; run `make deps` (Debian libxml2-utils)")
        }
        guard result.status == 0 else {
            throw ValidationFailure(message: "xmllint rejected the document:\n\(result.stderr)")
        }
    }
}

/// A validator said no (or could not run).
public struct ValidationFailure: Error, CustomStringConvertible {
    public let message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
}
