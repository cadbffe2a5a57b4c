import Manifests

/// A `kustomization.yaml` (or `kustomization.yml`, `Kustomization`), reduced to what decides the
/// Services, Endpoints and EndpointSlices it builds. Fields that cannot change these objects
/// (images, replicas, config map generators) are ignored; fields that can and are not reproduced are
/// listed in `notReproduced`, so that every object they may touch is named, never guessed.
public struct Kustomization: Sendable {
    /// A value written in the file, with its line.
    public struct Entry: Sendable, Hashable {
        public var text: String
        public var line: Int
    }

    /// A `labels:` entry (or `commonLabels`, which always reaches selectors).
    public struct LabelSet: Sendable {
        public var pairs: [String: String]
        /// kustomize then writes the labels into Services' `spec.selector` too.
        public var includeSelectors: Bool
    }

    public static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// The file's path.
    public var path: String
    public var resources: [Entry] = []
    public var components: [Entry] = []
    public var namespace: Entry?
    public var namePrefix = ""
    public var nameSuffix = ""
    public var labels: [LabelSet] = []
    public var annotations: [String: String] = [:]
    public var patches: [Patch] = []
    /// `replacements`: applied after the other transformations, as kustomize does.
    public var replacements: [Replacement] = []
    /// Features present that can change or add objects and that this tool does not reproduce.
    public var notReproduced: [Entry] = []
    /// `kind: Component`: its transformations apply to the resources of the kustomization that lists it.
    public var isComponent = false

    public var folder: String { RepoPath.folder(of: path) }

    public static func isKustomizationFile(_ path: String) -> Bool {
        fileNames.contains(RepoPath.name(of: path))
    }

    /// Reads a kustomization file. A broken one is an error naming the file and line.
    public static func parse(_ bytes: [UInt8], path: String) throws(ManifestError) -> Kustomization {
        var result = Kustomization(path: path)
        let documents: [Node]
        do {
            documents = try bytes.withUnsafeBytes { try YAMLReader.documents(in: $0) }
        } catch let error as ManifestError {
            throw error.inFile(path)
        } catch {
            throw ManifestError(kind: .syntax, path: path, line: 0, column: 0, message: "\(error)")
        }
        guard let root = documents.first else { return result }
        guard let mapping = root.mapping else {
            throw ManifestError(
                kind: .wrongType, path: path, line: root.span.start.line, column: root.span.start.column,
                message: "a kustomization must be a map, found \(root.typeDescription)")
        }
        result.isComponent = mapping["kind"]?.stringValue == "Component"
        for entry in mapping.entries {
            guard let key = entry.key.stringValue else { continue }
            let line = entry.key.span.start.line
            switch key {
            case "resources", "bases":
                result.resources += try strings(entry.value, key, path)
            case "components":
                result.components += try strings(entry.value, key, path)
            case "namespace":
                if let text = entry.value.stringValue, !text.isEmpty {
                    result.namespace = Entry(text: text, line: line)
                }
            case "namePrefix":
                result.namePrefix = entry.value.stringValue ?? ""
            case "nameSuffix":
                result.nameSuffix = entry.value.stringValue ?? ""
            case "commonLabels":
                result.labels.append(LabelSet(pairs: try stringMap(entry.value, key, path), includeSelectors: true))
            case "labels":
                for item in entry.value.sequence?.items ?? [] {
                    guard let label = item.mapping else { continue }
                    let pairs = try label["pairs"].map { (node) throws(ManifestError) in try stringMap(node, key, path)
                    }
                    let selectors: Bool
                    if case .bool(let value)? = label["includeSelectors"]?.scalar?.resolved {
                        selectors = value
                    } else {
                        selectors = false
                    }
                    result.labels.append(LabelSet(pairs: pairs ?? [:], includeSelectors: selectors))
                }
            case "commonAnnotations":
                result.annotations.merge(try stringMap(entry.value, key, path)) { _, new in new }
            case "patches", "patchesStrategicMerge", "patchesJson6902":
                result.patches += try Patch.read(entry.value, key: key, kustomizationPath: path)
            case "replacements":
                result.replacements += try Replacement.read(entry.value, kustomizationPath: path)
            case "vars", "transformers", "generators", "helmCharts", "validators", "configurations":
                result.notReproduced.append(Entry(text: key, line: line))
            default:
                continue
            }
        }
        return result
    }

    private static func strings(_ node: Node, _ key: String, _ path: String) throws(ManifestError) -> [Entry] {
        if node.isNull { return [] }
        guard let items = node.sequence?.items else {
            throw ManifestError(
                kind: .wrongType, path: path, line: node.span.start.line, column: node.span.start.column,
                message: "\(key) must be a list, found \(node.typeDescription)")
        }
        var entries: [Entry] = []
        for item in items {
            guard let text = item.stringValue else {
                throw ManifestError(
                    kind: .wrongType, path: path, line: item.span.start.line, column: item.span.start.column,
                    message: "\(key) items must be strings, found \(item.typeDescription)")
            }
            entries.append(Entry(text: text, line: item.span.start.line))
        }
        return entries
    }

    static func stringMap(_ node: Node, _ key: String, _ path: String) throws(ManifestError) -> [String: String] {
        if node.isNull { return [:] }
        guard let mapping = node.mapping else {
            throw ManifestError(
                kind: .wrongType, path: path, line: node.span.start.line, column: node.span.start.column,
                message: "\(key) must be a map, found \(node.typeDescription)")
        }
        var result: [String: String] = [:]
        for entry in mapping.entries {
            guard let name = entry.key.scalar?.value, let value = entry.value.scalar?.value else { continue }
            result[name] = value
        }
        return result
    }
}
