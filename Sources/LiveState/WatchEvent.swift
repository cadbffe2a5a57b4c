import Manifests

/// One event of a Kubernetes watch stream (`?watch=1`, one JSON object per line).
public enum WatchEvent: Sendable {
    case added(ObjectRecord, resourceVersion: String)
    case modified(ObjectRecord, resourceVersion: String)
    case deleted(ObjectRecord, resourceVersion: String)
    /// `allowWatchBookmarks`: nothing changed up to this version; resume from it.
    case bookmark(resourceVersion: String)
    /// An `ERROR` event: a `Status` (410 Expired when the version was compacted: list again).
    case error(code: Int, reason: String, message: String)

    /// The version to resume watching from after this event, if it carries one.
    public var resourceVersion: String? {
        switch self {
        case .added(_, let version), .modified(_, let version), .deleted(_, let version): version
        case .bookmark(let version): version
        case .error: nil
        }
    }

    /// `410 Gone` / `Expired`: the version is too old; the watcher lists again.
    public var isExpired: Bool {
        if case .error(let code, let reason, _) = self { return code == 410 || reason == "Expired" || reason == "Gone" }
        return false
    }
}

/// Splits a watch stream into events as its bytes arrive, in chunks cut anywhere. Memory is bounded
/// by the longest line (`maximumLineBytes`), not by the stream.
public struct WatchEventDecoder: Sendable {
    public let resource: APIResource
    public let maximumLineBytes: Int
    private var pending: [UInt8] = []

    public init(resource: APIResource, maximumLineBytes: Int = 16 * 1024 * 1024) {
        self.resource = resource
        self.maximumLineBytes = maximumLineBytes
    }

    /// The events completed by `bytes`.
    public mutating func feed(_ bytes: some Swift.Sequence<UInt8>) throws(LiveError) -> [WatchEvent] {
        var events: [WatchEvent] = []
        for byte in bytes {
            if byte == 0x0A {
                // Cleared first: after a bad line the stream goes on with the next one.
                let line = pending
                pending.removeAll(keepingCapacity: true)
                if let event = try Self.decode(line, resource: resource) { events.append(event) }
            } else {
                pending.append(byte)
                if pending.count > maximumLineBytes {
                    throw failure("one event is longer than \(maximumLineBytes) bytes")
                }
            }
        }
        return events
    }

    /// At the end of the stream: an event left without its newline.
    public mutating func finish() throws(LiveError) -> [WatchEvent] {
        let line = pending
        pending.removeAll()
        return try Self.decode(line, resource: resource).map { [$0] } ?? []
    }

    private static func decode(_ line: [UInt8], resource: APIResource) throws(LiveError) -> WatchEvent? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return nil }
        let parsed: Result<Node, ManifestError> = line.withUnsafeBytes { raw in
            do throws(ManifestError) {
                return .success(try JSONReader.parse(raw))
            } catch {
                return .failure(error)
            }
        }
        let root: Node
        switch parsed {
        case .success(let node): root = node
        case .failure(let error):
            throw LiveError(
                kind: .invalidResponse, operation: "watch", resource: resource.qualifiedName,
                message: "an event is not JSON: \(error.message)")
        }
        return try event(root, resource: resource)
    }

    static func event(_ root: Node, resource: APIResource) throws(LiveError) -> WatchEvent {
        guard let type = root.mapping?["type"]?.stringValue, let object = root.mapping?["object"] else {
            throw LiveError(
                kind: .invalidResponse, operation: "watch", resource: resource.qualifiedName,
                message: "an event without type and object")
        }
        let version = object.mapping?["metadata"]?.mapping?["resourceVersion"]?.stringValue ?? ""
        switch type {
        case "BOOKMARK":
            return .bookmark(resourceVersion: version)
        case "ERROR":
            let mapping = object.mapping
            var code = 0
            if case .int(let value)? = mapping?["code"]?.scalar?.resolved { code = value }
            return .error(
                code: code, reason: mapping?["reason"]?.stringValue ?? "",
                message: SafeText.escape(mapping?["message"]?.stringValue ?? ""))
        case "ADDED", "MODIFIED", "DELETED":
            let decoded: KubeObject
            do {
                decoded = try ObjectDecoder.decodeItem(object, as: resource.kind)
            } catch {
                throw LiveError(
                    kind: .invalidResponse, operation: "watch", resource: resource.qualifiedName,
                    message: "a \(type) event's object cannot be read: \(error.message)")
            }
            let record = ObjectRecord(live: decoded)
            switch type {
            case "ADDED": return .added(record, resourceVersion: version)
            case "MODIFIED": return .modified(record, resourceVersion: version)
            default: return .deleted(record, resourceVersion: version)
            }
        default:
            throw LiveError(
                kind: .invalidResponse, operation: "watch", resource: resource.qualifiedName,
                message: "an event of unknown type \(SafeText.escape(type))")
        }
    }

    private func failure(_ message: String) -> LiveError {
        LiveError(kind: .invalidResponse, operation: "watch", resource: resource.qualifiedName, message: message)
    }
}
