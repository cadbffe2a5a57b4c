import Foundation
import Manifests
import Secrets

/// A ConfigMap or Secret in the repository that Flux may take variables from (`substituteFrom`).
public struct VariableSource: Sendable {
    public enum Kind: String, Sendable {
        case configMap = "ConfigMap"
        case secret = "Secret"
    }

    public var kind: Kind
    public var name: String
    public var namespace: String?
    public var file: String
    /// Key → value and the line of its definition. A Secret's values are credentials (a router
    /// password next to its address), so every value is a `Secret` from the moment it is read and
    /// shows only where it is substituted; ConfigMap values are held the same way, for one type.
    public var values: [String: (value: Secret, line: Int)]
    /// Encrypted with SOPS: its values are not readable in git.
    public var isEncrypted: Bool

    /// `ConfigMap cluster-settings`.
    public var title: String { "\(kind.rawValue) \(name)" }

    /// The ConfigMaps and Secrets among a file's documents.
    public static func read(_ roots: [Node], file: String) -> [VariableSource] {
        roots.compactMap { read($0, file: file) }
    }

    static func read(_ root: Node, file: String) -> VariableSource? {
        guard let mapping = root.mapping, mapping["apiVersion"]?.stringValue == "v1",
            let kind = mapping["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
            let name = root.value(at: ["metadata", "name"])?.stringValue
        else { return nil }
        var source = VariableSource(
            kind: kind, name: name, namespace: root.value(at: ["metadata", "namespace"])?.stringValue, file: file,
            values: [:], isEncrypted: mapping["sops"] != nil)
        for entry in mapping["data"]?.mapping?.entries ?? [] {
            guard let key = entry.key.scalar?.value, let raw = entry.value.scalar?.value else { continue }
            if raw.hasPrefix("ENC[") { source.isEncrypted = true }
            let value: String
            if kind == .secret {
                guard let data = Data(base64Encoded: raw.filter { !$0.isWhitespace }),
                    let text = String(data: data, encoding: .utf8)
                else { continue }
                value = text
            } else {
                value = raw
            }
            source.values[key] = (Secret(Self.oneLine(value)), entry.value.span.start.line)
        }
        for entry in mapping["stringData"]?.mapping?.entries ?? [] where kind == .secret {
            guard let key = entry.key.scalar?.value, let raw = entry.value.scalar?.value else { continue }
            if raw.hasPrefix("ENC[") { source.isEncrypted = true }
            source.values[key] = (Secret(Self.oneLine(raw)), entry.value.span.start.line)
        }
        return source
    }
}

/// Values given on the command line (`--vars FILE`, repeatable): a YAML or JSON map, or a dotenv file.
public struct VariableFile: Sendable, Hashable {
    public var path: String
    public var values: [String: String]

    public init(path: String, values: [String: String]) {
        self.path = path
        self.values = values
    }

    /// Reads `KEY: value` YAML/JSON or `KEY=value` dotenv text.
    public static func parse(_ text: String, path: String) throws(DesiredStateError) -> VariableFile {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let looksDotenv = trimmed.split(separator: "\n").allSatisfy { line in
            let content = line.trimmingCharacters(in: .whitespaces)
            return content.isEmpty || content.hasPrefix("#")
                || (content.contains("=") && !content.hasPrefix("{") && !content.contains(": "))
        }
        if looksDotenv {
            var values: [String: String] = [:]
            for line in trimmed.split(separator: "\n") {
                var content = line.trimmingCharacters(in: .whitespaces)
                if content.isEmpty || content.hasPrefix("#") { continue }
                if content.hasPrefix("export ") { content = String(content.dropFirst(7)) }
                guard let equals = content.firstIndex(of: "=") else { continue }
                let key = content[..<equals].trimmingCharacters(in: .whitespaces)
                var value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                    value = String(value.dropFirst().dropLast())
                }
                values[key] = value
            }
            return VariableFile(path: path, values: values)
        }
        let root: Node?
        do {
            root = try YAMLReader.documents(in: text).first
        } catch {
            throw DesiredStateError(operation: "read variables", subject: path, message: "\(error)")
        }
        guard let mapping = root?.mapping else {
            throw DesiredStateError(
                operation: "read variables", subject: path,
                message: "expected a map of variable names to values (YAML or JSON), or KEY=value lines")
        }
        var values: [String: String] = [:]
        for entry in mapping.entries {
            guard let key = entry.key.scalar?.value, let value = entry.value.scalar?.value else { continue }
            values[key] = value
        }
        return VariableFile(path: path, values: values)
    }
}

extension VariableSource {
    /// Flux drops line breaks from variable values.
    static func oneLine(_ value: String) -> String {
        value.contains("\n") ? value.filter { $0 != "\n" } : value
    }
}

extension FluxKustomization {
    static func oneLine(_ value: String) -> String { VariableSource.oneLine(value) }
}
