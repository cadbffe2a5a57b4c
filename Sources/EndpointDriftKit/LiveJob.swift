import LiveState
import Manifests
import Reporting

/// `endpoint-drift live`: read the live state (API server or snapshot file) and print its inventory
/// in the same shape as `scan`.
public enum LiveJob {
    public struct Configuration: Sendable {
        public var settings: LiveSettings
        /// Where the desired state is, to default the namespaces to the ones it uses.
        public var repository: ScanJob.Configuration
        public var outputs: [OutputTarget]
        public var color: Bool

        public init(
            settings: LiveSettings, repository: ScanJob.Configuration = ScanJob.Configuration(),
            outputs: [OutputTarget] = [OutputTarget(format: "text")], color: Bool = false
        ) {
            self.settings = settings
            self.repository = repository
            self.outputs = outputs
            self.color = color
        }
    }

    public static func run(_ configuration: Configuration) async throws(RunError) -> ExitStatus {
        for target in configuration.outputs where InventoryFormat(rawValue: target.format) == nil {
            throw RunError(
                operation: "output", subject: target.format,
                message:
                    "unknown format; use one of \(InventoryFormat.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let scope = try defaultScope(configuration)
        let source = try configuration.settings.makeSource()
        let snapshot: LiveSnapshot
        do {
            snapshot = try await source.read(scope: scope)
        } catch {
            throw RunError(error)
        }
        let document = InventoryDocument(
            origin: .live(source: snapshot.source, observedAt: snapshot.observedAt), inventory: snapshot.inventory,
            notes: snapshot.notes.map { InventoryDocument.Message(kind: "live", message: $0) },
            errors: snapshot.failedNamespaces.sorted(by: { $0.key < $1.key }).map {
                InventoryDocument.Message(kind: "forbidden", message: "namespace \($0.key) not read: \($0.value)")
            },
            stats: [
                ("objectsRead", snapshot.records.count),
                ("namespacesRead", Set(snapshot.records.map(\.ref.namespace)).count),
            ])
        var rendered: [(target: OutputTarget, text: String)] = []
        for target in configuration.outputs {
            guard let format = InventoryFormat(rawValue: target.format) else { continue }
            rendered.append((target, format.render(document, color: configuration.color && target.writesToStdout)))
        }
        try OutputWriter.emit(rendered)
        CheckJob.reportFailedNamespaces(snapshot.failedNamespaces)
        return snapshot.failedNamespaces.isEmpty ? .ok : .couldNotCheck
    }

    /// `-n`/`-A`; else the namespaces the desired state uses; with `--live-file` and no readable
    /// repository, the whole file.
    public static func defaultScope(_ configuration: Configuration) throws(RunError) -> NamespaceScope {
        if let scope = configuration.settings.explicitScope { return scope }
        let namespaces: Set<String>
        do {
            namespaces = try desiredNamespaces(configuration.repository)
        } catch {
            if configuration.settings.liveFile != nil { return .all }
            throw RunError(
                operation: "choose namespaces", subject: "",
                message:
                    "no -n or -A given, and the desired state could not be read to take its namespaces from (\(error)); pass -n NAMESPACE (repeatable) or -A"
            )
        }
        guard !namespaces.isEmpty else {
            if configuration.settings.liveFile != nil { return .all }
            throw RunError(
                operation: "choose namespaces", subject: "",
                message:
                    "no -n or -A given, and the desired state at \(configuration.repository.repositoryPath) (\(configuration.repository.revision)) defines no Services, Endpoints or EndpointSlices to take namespaces from; pass -n NAMESPACE (repeatable) or -A"
            )
        }
        return .only(namespaces)
    }

    /// The namespaces of every object in the desired state (what `check` compares).
    public static func desiredNamespaces(_ repository: ScanJob.Configuration) throws(RunError) -> Set<String> {
        let result = try ScanJob.scan(repository)
        return Set(result.records.map(\.ref.namespace))
    }
}
