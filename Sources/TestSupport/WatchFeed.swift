import Foundation

/// The body of one watch answer of the fake API server, written by the test as it goes: events
/// (one JSON object per line, as the API server sends them), then the end of the stream or a cut
/// connection. What is sent before the client connects waits for it.
public final class WatchFeed: @unchecked Sendable {
    enum Part {
        case bytes([UInt8])
        case end
        case cut
    }

    private let lock = NSLock()
    private var queued: [Part] = []
    private var writer: (@Sendable (Part) -> Void)?
    private var attachedFlag = false

    public init() {}

    /// Whether a client is connected to this stream.
    public var attached: Bool { lock.withLock { attachedFlag } }

    /// One event line: `{"type":"ADDED","object":{…}}`.
    public func send(_ type: String, _ objectJSON: String) {
        send(line: "{\"type\":\"\(type)\",\"object\":\(objectJSON)}")
    }

    /// A bookmark at `resourceVersion`, as the API server writes it for `kind`.
    public func bookmark(_ resourceVersion: String, kind: String = "Endpoints", apiVersion: String = "v1") {
        send(
            "BOOKMARK",
            "{\"kind\":\"\(kind)\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":{\"resourceVersion\":\"\(resourceVersion)\",\"creationTimestamp\":null}}"
        )
    }

    /// The 410 the API server sends (status 200, one `ERROR` event) for a compacted version.
    public func expired(_ resourceVersion: String = "1") {
        send(
            "ERROR",
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: \(resourceVersion) (56238)\",\"reason\":\"Expired\",\"code\":410}"
        )
    }

    public func send(line: String) { push(.bytes(Array((line + "\n").utf8))) }

    /// The server ends the stream (its `timeoutSeconds`).
    public func end() { push(.end) }

    /// The connection is closed mid-stream.
    public func cut() { push(.cut) }

    private func push(_ part: Part) {
        let target: (@Sendable (Part) -> Void)? = lock.withLock {
            if writer == nil { queued.append(part) }
            return writer
        }
        target?(part)
    }

    /// The handler's writer; parts queued so far are written first.
    func attach(_ write: @escaping @Sendable (Part) -> Void) {
        let pending: [Part] = lock.withLock {
            writer = write
            attachedFlag = true
            defer { queued = [] }
            return queued
        }
        for part in pending { write(part) }
    }
}
