import Manifests

/// One kustomize `replacements` entry: copy a field of one object of the build (the source) into
/// fields of others (the targets). Only targets that are Services, Endpoints or EndpointSlices
/// matter here; the source may be any object the same build holds (a ConfigMap, another Service).
public struct Replacement: Sendable {
    public struct Source: Sendable {
        public var kind: String?
        public var name: String?
        public var namespace: String?
        /// Default `metadata.name`, as kustomize.
        public var fieldPath = "metadata.name"
        public var delimiter: String?
        public var index = 0
    }

    public struct Target: Sendable {
        public var select: Patch.Target
        public var reject: [Patch.Target] = []
        public var fieldPaths: [String] = []
        public var delimiter: String?
        public var index = 0
        public var create = false
    }

    public var source: Source?
    public var targets: [Target] = []
    /// `path:`: a file holding the replacement (or a list of them), relative to the kustomization.
    public var file: String?
    /// Where it is written (the kustomization, or the `path:` file once loaded).
    public var location: String
    public var line: Int

    /// Reads the `replacements:` list of a kustomization.
    static func read(_ node: Node, kustomizationPath: String) throws(ManifestError) -> [Replacement] {
        guard let items = node.sequence?.items else {
            if node.isNull { return [] }
            throw ManifestError(
                kind: .wrongType, path: kustomizationPath, line: node.span.start.line, column: node.span.start.column,
                message: "replacements must be a list, found \(node.typeDescription)")
        }
        var result: [Replacement] = []
        for item in items {
            if let file = item.mapping?["path"]?.stringValue {
                result.append(
                    Replacement(file: file, location: kustomizationPath, line: item.span.start.line))
            } else {
                result.append(try parse(item, location: kustomizationPath))
            }
        }
        return result
    }

    /// One replacement written as `{source, targets}`.
    static func parse(_ node: Node, location: String) throws(ManifestError) -> Replacement {
        let line = node.span.start.line
        func failure(_ message: String, _ at: Node) -> ManifestError {
            ManifestError(
                kind: .invalidValue, path: location, line: at.span.start.line, column: at.span.start.column,
                message: "replacements: \(message)")
        }
        guard let mapping = node.mapping else { throw failure("expected a map, found \(node.typeDescription)", node) }
        var replacement = Replacement(location: location, line: line)
        guard let sourceNode = mapping["source"], let source = sourceNode.mapping else {
            throw failure("a replacement needs a source (or a path)", node)
        }
        var parsedSource = Source()
        parsedSource.kind = source["kind"]?.stringValue
        parsedSource.name = source["name"]?.stringValue
        parsedSource.namespace = source["namespace"]?.stringValue
        if let fieldPath = source["fieldPath"]?.stringValue, !fieldPath.isEmpty { parsedSource.fieldPath = fieldPath }
        if let options = source["options"]?.mapping {
            parsedSource.delimiter = options["delimiter"]?.stringValue
            parsedSource.index = options["index"].flatMap(Self.integer) ?? 0
        }
        replacement.source = parsedSource
        for item in mapping["targets"]?.sequence?.items ?? [] {
            guard let target = item.mapping else { throw failure("a target must be a map", item) }
            var parsed = Target(select: Self.selector(target["select"]))
            parsed.reject = (target["reject"]?.sequence?.items ?? []).map { Self.selector($0) }
            parsed.fieldPaths = (target["fieldPaths"]?.sequence?.items ?? []).compactMap(\.stringValue)
            if parsed.fieldPaths.isEmpty { parsed.fieldPaths = ["metadata.name"] }
            if let options = target["options"]?.mapping {
                parsed.delimiter = options["delimiter"]?.stringValue
                parsed.index = options["index"].flatMap(Self.integer) ?? 0
                if case .bool(let create)? = options["create"]?.scalar?.resolved { parsed.create = create }
            }
            replacement.targets.append(parsed)
        }
        return replacement
    }

    /// `select:`/`reject:` entries: kind, name, namespace, label and annotation selectors.
    private static func selector(_ node: Node?) -> Patch.Target {
        let mapping = node?.mapping
        return Patch.Target(
            kind: mapping?["kind"]?.stringValue, name: mapping?["name"]?.stringValue,
            namespace: mapping?["namespace"]?.stringValue, labelSelector: mapping?["labelSelector"]?.stringValue,
            annotationSelector: mapping?["annotationSelector"]?.stringValue)
    }

    private static func integer(_ node: Node) -> Int? {
        if case .int(let value)? = node.scalar?.resolved { return value }
        return nil
    }

    /// `replacements (overlays/prd/kustomization.yaml:12)`.
    var title: String { "kustomize replacements (\(location):\(line))" }

    /// The targets' selector says this object; no `reject` does.
    func targets(kind: String, name: String, namespace: String?, labels: [String: String]) -> [Target] {
        targets.filter { target in
            target.select.matches(kind: kind, name: name, namespace: namespace, labels: labels)
                && !target.reject.contains { $0.matches(kind: kind, name: name, namespace: namespace, labels: labels) }
        }
    }
}

/// A replacement with its source's value found in the build, or why it could not be.
struct ResolvedReplacement: Sendable {
    var replacement: Replacement
    var value: Result<Node, FieldPath.Failure>
}
