import FileIO
import Manifests

/// Writes what was read from the API server as `kubectl get endpoints,endpointslices,services -A
/// -o json` prints it (a `List` whose items carry `apiVersion` and `kind`, managedFields left out,
/// four-space indentation), so that `--live-file` can replay the run offline.
public enum SnapshotWriter {
    /// One object as read: its kind and its tree (from a list answer, without `apiVersion`/`kind`).
    public struct Item: Sendable {
        public var kind: ObjectKind
        public var node: Node

        public init(kind: ObjectKind, node: Node) {
            self.kind = kind
            self.node = node
        }
    }

    public static func render(_ items: [Item]) -> String {
        var output = "{\n    \"apiVersion\": \"v1\",\n    \"items\": ["
        for (index, item) in items.enumerated() {
            output += index == 0 ? "\n" : ",\n"
            output += String(repeating: " ", count: 8) + "{\n"
            var members: [(String, Node?)] = [("apiVersion", nil), ("kind", nil)]
            if case .mapping(let mapping) = item.node {
                for entry in mapping.entries {
                    guard let key = entry.key.scalar?.value, key != "apiVersion", key != "kind" else { continue }
                    members.append((key, entry.value))
                }
            }
            for (position, (key, value)) in members.enumerated() {
                output += String(repeating: " ", count: 12)
                JSONString.append(key, to: &output)
                output += ": "
                switch key {
                case "apiVersion" where value == nil: JSONString.append(item.kind.apiVersion, to: &output)
                case "kind" where value == nil: JSONString.append(item.kind.rawValue, to: &output)
                default: if let value { write(value, indent: 12, to: &output) }
                }
                output += position == members.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: 8) + "}"
        }
        output += items.isEmpty ? "]" : "\n    ]"
        output += ",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
        return output
    }

    /// Renders and writes atomically (readers never see half a snapshot).
    public static func write(_ items: [Item], to path: String) throws(LiveError) {
        do {
            try AtomicFile.write(render(items), to: path)
        } catch {
            throw LiveError(kind: .snapshotFile, operation: "write", resource: path, message: error.message)
        }
    }

    private static func write(_ node: Node, indent: Int, to output: inout String) {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                output += scalar.value  // a JSON number, true, false or null, as read
            } else {
                JSONString.append(scalar.value, to: &output)
            }
        case .sequence(let sequence):
            guard !sequence.items.isEmpty else {
                output += "[]"
                return
            }
            output += "[\n"
            for (index, item) in sequence.items.enumerated() {
                output += String(repeating: " ", count: indent + 4)
                write(item, indent: indent + 4, to: &output)
                output += index == sequence.items.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "]"
        case .mapping(let mapping):
            guard !mapping.entries.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            for (index, entry) in mapping.entries.enumerated() {
                output += String(repeating: " ", count: indent + 4)
                JSONString.append(entry.key.scalar?.value ?? "", to: &output)
                output += ": "
                write(entry.value, indent: indent + 4, to: &output)
                output += index == mapping.entries.count - 1 ? "\n" : ",\n"
            }
            output += String(repeating: " ", count: indent) + "}"
        }
    }
}
