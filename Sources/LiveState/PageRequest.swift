import Foundation
import NIOCore

/// One page of a list asked for, and the next page asked for as soon as this one's continue token
/// has come: the API server writes a list's metadata before its items, so the next request goes
/// out while the rest of this page is still on the wire, instead of one page's transfer after it.
///
/// Only one page runs ahead of the page the list reads: the next is asked for once the list waits
/// for this one (`response`) and its token is known, whichever comes last. A list that decodes
/// slower than the server answers holds two pages at most, as when the next page was asked for
/// only once this one was in.
final class PageRequest: @unchecked Sendable {
    typealias Fetch =
        @Sendable (_ token: String?, _ head: HTTPTransport.EarlyBytes?) async -> Result<
            APIResponse, LiveError
        >

    /// The continue token this page is asked for with (nil: the first page).
    let token: String?
    private let task: Task<Result<APIResponse, LiveError>, Never>
    private let state: State

    /// `readsHeads`: whether answers are read for their token as they come (protobuf ones; other
    /// answers are told apart and left to be read whole).
    init(token: String?, readsHeads: Bool, fetch: @escaping Fetch) {
        let state = State { next in PageRequest(token: next, readsHeads: readsHeads, fetch: fetch) }
        self.token = token
        self.state = state
        var head: HTTPTransport.EarlyBytes?
        if readsHeads { head = { @Sendable bytes in state.read(bytes) } }
        task = Task { [head] in await fetch(token, head) }
    }

    /// The whole answer. From this call on, the next page is asked for as soon as its token is known.
    func response() async -> Result<APIResponse, LiveError> {
        state.arm()
        return await task.value
    }

    /// The next page's request, if it was made from this answer's head; the caller owns it now.
    func takeNext() -> PageRequest? { state.takeNext() }

    /// Cancels this request and the next one made from it.
    func cancel() {
        task.cancel()
        state.cancel()
    }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private let start: @Sendable (String) -> PageRequest
        private var armed = false
        /// Cancelled, or the next request handed over: none is made any more.
        private var over = false
        /// The next page's token read from the head; `.some(nil)`: this is the last page.
        private var found: String??
        private var next: PageRequest?

        init(start: @escaping @Sendable (String) -> PageRequest) { self.start = start }

        /// The bytes of the answer so far; true once nothing more is wanted of them.
        func read(_ bytes: ByteBufferView) -> Bool {
            let head = bytes.withContiguousStorageIfAvailable { ProtobufListHead.read(UnsafeRawBufferPointer($0)) }
            switch head ?? .unknown {
            case .needMore: return false
            case .unknown: return true
            case .token(let token):
                lock.withLock {
                    // An answer read again after a retry keeps the first token (the list checks it).
                    guard found == nil else { return }
                    found = .some(token)
                    startIfReady()
                }
                return true
            }
        }

        func arm() {
            lock.withLock {
                armed = true
                startIfReady()
            }
        }

        func takeNext() -> PageRequest? {
            lock.withLock {
                over = true
                defer { next = nil }
                return next
            }
        }

        func cancel() {
            takeNext()?.cancel()
        }

        /// Called with the lock held.
        private func startIfReady() {
            guard armed, !over, next == nil, case .some(.some(let token)) = found else { return }
            next = start(token)
        }
    }
}
