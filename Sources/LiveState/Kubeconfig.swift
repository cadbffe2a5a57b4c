import Foundation
import Manifests

/// One or more kubeconfig files merged the way kubectl merges them: for clusters, users and
/// contexts the first file that defines a name wins, and `current-context` comes from the first
/// file that sets it.
public struct Kubeconfig: Sendable {
    /// The files read, in precedence order.
    public private(set) var files: [String] = []
    public private(set) var clusters: [String: KubeconfigCluster] = [:]
    public private(set) var users: [String: KubeconfigUser] = [:]
    public private(set) var contexts: [String: KubeconfigContext] = [:]
    public private(set) var currentContext: String?

    public init() {}

    /// Parses one file's text; `file` names it in errors and anchors its relative paths.
    public init(parsing text: String, file: String) throws(LiveError) {
        self.init()
        try merge(parsing: text, file: file)
    }

    /// Reads and merges `file` after the ones already merged (so it loses every tie).
    public mutating func merge(contentsOf file: String) throws(LiveError) {
        let bytes: [UInt8]
        do {
            // A pipe or `<(…)` is read like a file.
            bytes = try FileErrors.read(file)
        } catch {
            throw LiveError(kind: .configuration, operation: "read kubeconfig", resource: file, message: error.message)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LiveError(
                kind: .configuration, operation: "read kubeconfig", resource: file, message: "\(file) is not UTF-8 text"
            )
        }
        try merge(parsing: text, file: file)
    }

    public mutating func merge(parsing text: String, file: String) throws(LiveError) {
        files.append(file)
        let documents: [Node]
        do {
            documents = try YAMLReader.documents(in: text)
        } catch {
            // libyaml's messages name the problem and the position, never a value.
            throw LiveError(
                kind: .configuration, operation: "read kubeconfig", resource: file,
                message: "not valid YAML: line \(error.line), column \(error.column): \(error.message)")
        }
        // An empty file is an empty config, as for kubectl.
        guard let root = documents.first else { return }
        let fields = try ConfigFields(node: root, file: file, path: "")
        let folder = KubeconfigPath.folder(of: file)
        for item in try fields.list("clusters") {
            let (name, body) = try Self.namedEntry(item, key: "cluster", file: file)
            guard clusters[name] == nil else { continue }
            clusters[name] = try KubeconfigCluster.parse(body, name: name, folder: folder)
        }
        for item in try fields.list("users") {
            let (name, body) = try Self.namedEntry(item, key: "user", file: file)
            guard users[name] == nil else { continue }
            users[name] = try KubeconfigUser.parse(body, name: name, folder: folder)
        }
        for item in try fields.list("contexts") {
            let (name, body) = try Self.namedEntry(item, key: "context", file: file)
            guard contexts[name] == nil else { continue }
            contexts[name] = try KubeconfigContext.parse(body, name: name)
        }
        if currentContext == nil, let current = try fields.string("current-context"), !current.isEmpty {
            currentContext = current
        }
    }

    /// `{name: x, cluster: {...}}` → ("x", fields of the body). A missing body is an empty map.
    private static func namedEntry(
        _ item: (node: Node, path: String), key: String, file: String
    ) throws(LiveError) -> (String, ConfigFields) {
        let entry = try ConfigFields(node: item.node, file: file, path: item.path)
        guard let name = try entry.string("name"), !name.isEmpty else { throw entry.error("name", "is required") }
        let body =
            try entry.object(key)
            ?? ConfigFields(
                Mapping(entries: [], style: .block, span: item.node.span), file: file, path: entry.field(key))
        return (name, body)
    }

    /// Whether any file defined anything (an empty merge means "no kubeconfig").
    public var isEmpty: Bool { clusters.isEmpty && users.isEmpty && contexts.isEmpty && currentContext == nil }

    /// The files, for messages: `a` or `a, b (merged)`.
    public var filesDescription: String {
        files.count == 1 ? files[0] : files.joined(separator: ":")
    }
}
