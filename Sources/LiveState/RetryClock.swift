import Foundation

/// The time retries are measured and waited in. The system clock for runs; a virtual one in tests,
/// in which time passes only while a retry waits, so that a retry budget cannot run out because
/// the machine is busy (a loaded CI runner once took 3.3 s for two attempts).
public struct RetryClock: Sendable {
    /// Seconds on a monotonic scale.
    public var now: @Sendable () -> Double
    public var sleep: @Sendable (Double) async throws -> Void

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    public static let system = RetryClock(
        now: {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            return Double(seconds) + Double(attoseconds) / 1e18
        },
        sleep: { seconds in
            try await Task.sleep(for: .milliseconds(Int64(min(max(seconds, 0), 86_400) * 1000)))
        })

    private static let start = ContinuousClock.now

    /// Time that advances only by the waits made on it; a wait returns at once. `elapsed` reads it.
    public static func virtual() -> (clock: RetryClock, elapsed: @Sendable () -> Double) {
        let time = VirtualTime()
        return (
            RetryClock(
                now: { time.value },
                sleep: { seconds in
                    try Task.checkCancellation()
                    time.advance(by: max(seconds, 0))
                    await Task.yield()
                }),
            { time.value }
        )
    }

    private final class VirtualTime: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds = 0.0
        var value: Double { lock.withLock { seconds } }
        func advance(by amount: Double) { lock.withLock { seconds += amount } }
    }
}
