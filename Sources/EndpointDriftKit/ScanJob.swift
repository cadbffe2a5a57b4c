import Manifests
import Reporting
import Scanner

/// `endpoint-drift scan`: read the desired state of one commit and print its inventory.
public enum ScanJob {
    public struct Configuration: Sendable {
        public var repositoryPath: String
        public var revision: String
        public var options: ScanOptions
        /// Exit 2 on any file error, not only when nothing could be read.
        public var strict: Bool
        public var outputs: [OutputTarget]
        public var color: Bool

        public init(
            repositoryPath: String = ".", revision: String = "HEAD", options: ScanOptions = ScanOptions(),
            strict: Bool = false,
            outputs: [OutputTarget] = [OutputTarget(format: "text")], color: Bool = false
        ) {
            self.repositoryPath = repositoryPath
            self.revision = revision
            self.options = options
            self.strict = strict
            self.outputs = outputs
            self.color = color
        }
    }

    /// Scans and writes the outputs; returns the exit status.
    public static func run(_ configuration: Configuration) throws(RunError) -> ExitStatus {
        try SecretMask.runSync { () throws(RunError) -> ExitStatus in try runUnmasked(configuration) }
    }

    private static func runUnmasked(_ configuration: Configuration) throws(RunError) -> ExitStatus {
        var rendered: [(OutputTarget, String)] = []
        for target in configuration.outputs {
            guard InventoryFormat(rawValue: target.format) != nil else {
                throw RunError(
                    operation: "output", subject: target.format,
                    message:
                        "unknown format; use one of \(InventoryFormat.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
        let result = try scan(configuration)
        let document = InventoryDocument(scan: result)
        for target in configuration.outputs {
            guard let format = InventoryFormat(rawValue: target.format) else { continue }
            rendered.append((target, format.render(document, color: configuration.color && target.writesToStdout)))
        }
        try OutputWriter.emit(rendered)
        return status(of: result, strict: configuration.strict)
    }

    public static func scan(_ configuration: Configuration) throws(RunError) -> ScanResult {
        do {
            let snapshot = try RepositorySnapshot(
                repositoryPath: configuration.repositoryPath, revision: configuration.revision)
            let result = try snapshot.scan(configuration.options)
            SecretMask.register(result.secretValues)
            try snapshot.requireSelection(result, configuration.options.filter)
            if let note = snapshot.uncommittedChangesNote(configuration.options.filter) {
                StandardStreams.writeError("endpoint-drift: note: \(note)\n")
            }
            return result
        } catch {
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        }
    }

    /// 2 when files had errors and nothing could be read (or any error under `--strict`); else 0.
    public static func status(of result: ScanResult, strict: Bool) -> ExitStatus {
        guard !result.errors.isEmpty else { return .ok }
        if strict || result.records.isEmpty { return .couldNotCheck }
        return .ok
    }
}
