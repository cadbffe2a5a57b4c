import Manifests

/// What a snapshot document must be before its objects are believed: a `List` (what
/// `kubectl get … -o json|yaml` prints), an `EndpointsList`/`EndpointSliceList`/`ServiceList` (what
/// the API server answers), or one Service, Endpoints or EndpointSlice (`kubectl get KIND NAME`).
/// Anything else (`{}`, `null`, a bare array, `{"items": null}`, a `PodList`) would otherwise read as
/// a cluster with nothing in it, which `fix --prune` turns into deleting every manifest.
enum SnapshotShape {
    static let kinds = ["Service", "Endpoints", "EndpointSlice"]

    /// nil when the document is a snapshot, else what it is instead (`a PodList`, `null`, …).
    static func problem(_ root: Node) -> String? {
        guard case .mapping(let mapping) = root else { return found(root) }
        guard let kindNode = mapping["kind"] else {
            return mapping.entries.isEmpty ? "an empty object" : "an object without `kind`"
        }
        guard let kind = kindNode.stringValue, !kind.isEmpty else { return "an object whose `kind` is not a name" }
        if kinds.contains(kind) {
            return mapping["apiVersion"]?.stringValue == nil ? "a \(kind) without `apiVersion`" : nil
        }
        guard kind == "List" || kinds.contains(where: { "\($0)List" == kind }) else { return article(kind) }
        guard let items = mapping["items"] else { return "a \(kind) without `items`" }
        guard case .sequence(let sequence) = items else { return "a \(kind) whose `items` is \(found(items))" }
        guard kind == "List" else { return nil }
        if mapping["apiVersion"]?.stringValue == nil { return "a List without `apiVersion`" }
        // A `List` of other kinds only (`kubectl get pods -o json`) is not a snapshot of the three.
        let itemKinds = sequence.items.compactMap { $0.mapping?["kind"]?.stringValue }
        guard !itemKinds.isEmpty, !itemKinds.contains(where: { kinds.contains($0) }) else { return nil }
        let counted = Dictionary(grouping: itemKinds, by: { $0 }).sorted { $0.key < $1.key }
        return "a List of " + counted.map { "\($0.value.count) \($0.key)" }.joined(separator: ", ")
    }

    /// The message for a document that is not a snapshot.
    static func message(_ problem: String) -> String {
        "it is \(problem), not a list of Services, Endpoints and EndpointSlices; \(SnapshotFileSource.hint)"
    }

    private static func found(_ node: Node) -> String {
        switch node {
        case .sequence: return "an array"
        case .mapping: return "an object"
        case .scalar(let scalar):
            switch scalar.resolved {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int, .float: return "a number"
            case .string: return "a string"
            }
        }
    }

    private static func article(_ kind: String) -> String {
        // The kind came from the file: letters and digits only, and not too many of them.
        let printable = String(
            kind.unicodeScalars.prefix(60).map {
                $0.properties.isAlphabetic || $0.properties.numericType != nil ? Character($0) : "?"
            })
        return ("AEIOU".contains(printable.prefix(1)) ? "an " : "a ") + printable
    }
}
