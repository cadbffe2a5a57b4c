import Foundation

/// Holds the answers of the requests that pass it until `opensAt` of them have arrived: a test
/// that wants to see requests in flight together proves it by their arrival, not by timing them,
/// so that a busy machine that starts them seconds apart cannot fail it. An answer is held at
/// most `longest` seconds (a client that never sends enough requests fails slowly, not never).
public final class FakeGate: Sendable {
    public let opensAt: Int
    public let longest: Double
    private let state = NSLock()
    nonisolated(unsafe) private var arrivals = 0
    nonisolated(unsafe) private var opened: Date?

    public init(opensAt: Int, longest: Double = 60) {
        self.opensAt = opensAt
        self.longest = longest
    }

    /// When the gate opened; nil while it is closed.
    public var openedAt: Date? { state.withLock { opened } }

    func arrive() {
        state.withLock {
            arrivals += 1
            if arrivals >= opensAt && opened == nil { opened = Date() }
        }
    }

    var isOpen: Bool { openedAt != nil }
}
