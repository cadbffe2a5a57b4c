import Foundation
import Manifests
import NIOCore

extension APISession {
    /// How one watch request ended.
    enum WatchEnd: Sendable {
        /// The server closed the stream (its `timeoutSeconds`, or a restart): watch again from the
        /// last version seen.
        case ended
        /// 410 Expired: the version was compacted; list again.
        case expired
    }

    /// One watch request of `scope` from `resourceVersion`, with bookmarks: each event is handed to
    /// `receive` as it arrives. Returns when the stream ends; a cut connection or a broken event
    /// is an error (the caller watches again after a pause).
    func watch(
        _ scope: LiveCache.Scope, from resourceVersion: String, timeoutSeconds: Int,
        receive: @escaping @Sendable (WatchEvent) async -> Void
    ) async throws(LiveError) -> WatchEnd {
        let resource = scope.resource
        let path = resource.listPath(namespace: scope.namespace)
        let query = [
            ("watch", "1"), ("allowWatchBookmarks", "true"), ("resourceVersion", resourceVersion),
            ("timeoutSeconds", String(timeoutSeconds)),
        ]
        let credentials = try await self.credentials.current()
        let state = WatchState(resource: resource)
        let response: APIResponse
        do {
            // The server ends the stream at timeoutSeconds; the deadline covers only the answer's head.
            response = try await transport.stream(
                path, query: query, credentials: credentials,
                deadline: .now() + .seconds(Int64(timeoutSeconds) + 30)
            ) { chunk in
                for event in state.feed(chunk) {
                    await receive(event)
                }
                return !state.stopped
            }
        } catch {
            throw LiveError(
                kind: .network, operation: "watch", resource: resource.qualifiedName, namespace: scope.namespace,
                message: "\(transport.url(path, query: query)): \(error.message)")
        }
        await warnings.record(response.headers)
        switch response.status {
        case 200: break
        case 410: return .expired
        case 401:
            throw unauthorized(response, verb: "watch", resource: resource.qualifiedName, namespace: scope.namespace)
        case 403: throw forbidden(response, verb: "watch", resource: resource, namespace: scope.namespace)
        default:
            throw LiveError(
                kind: .server, operation: "watch", resource: resource.qualifiedName, namespace: scope.namespace,
                message: "the API server answered \(Self.statusLine(response))")
        }
        if let failure = state.failure {
            throw LiveError(
                kind: failure.kind, operation: "watch", resource: resource.qualifiedName, namespace: scope.namespace,
                message: failure.message)
        }
        if state.expired { return .expired }
        for event in state.finish() { await receive(event) }
        return state.expired ? .expired : .ended
    }
}

/// The decoder of one watch stream and how it stopped, shared with the transport's callback.
private final class WatchState: @unchecked Sendable {
    private let lock = NSLock()
    private var decoder: WatchEventDecoder
    private(set) var failure: LiveError?
    private(set) var expired = false

    init(resource: APIResource) {
        decoder = WatchEventDecoder(resource: resource)
    }

    var stopped: Bool { lock.withLock { failure != nil || expired } }

    /// The events `chunk` completes, up to an `ERROR` event (410 marks the stream expired; any
    /// other is a failure).
    func feed(_ chunk: ByteBuffer) -> [WatchEvent] {
        lock.withLock {
            guard failure == nil, !expired else { return [] }
            do throws(LiveError) {
                return keep(try decoder.feed(chunk.readableBytesView))
            } catch {
                failure = error
                return []
            }
        }
    }

    func finish() -> [WatchEvent] {
        lock.withLock {
            do throws(LiveError) {
                return keep(try decoder.finish())
            } catch {
                failure = error
                return []
            }
        }
    }

    private func keep(_ events: [WatchEvent]) -> [WatchEvent] {
        var kept: [WatchEvent] = []
        for event in events {
            if event.isExpired {
                expired = true
                break
            }
            if case .error(let code, let reason, let message) = event {
                failure = LiveError(
                    kind: .server, operation: "watch", resource: decoder.resource.qualifiedName,
                    message: "the watch stream ended with an error: \(code) \(reason): \(message)")
                break
            }
            kept.append(event)
        }
        return kept
    }
}
