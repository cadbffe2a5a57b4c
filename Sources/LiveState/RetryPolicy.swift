import Foundation

/// How often and how long to retry a request that failed in a way that may pass (429, 5xx, a
/// connection reset or cut short): exponential backoff with jitter, `Retry-After` honoured,
/// bounded both in attempts and in total time.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// Delay before the second attempt; doubled for each one after.
    public var initialDelay: Double
    public var maximumDelay: Double
    /// No retry starts once this much time has passed since the first attempt.
    public var totalBudget: Double

    public init(
        maximumAttempts: Int = 5, initialDelay: Double = 0.5, maximumDelay: Double = 8, totalBudget: Double = 60
    ) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.totalBudget = totalBudget
    }

    public static let standard = RetryPolicy()

    /// The delay before attempt `attempt + 1` (after `attempt` failures), or nil when the policy
    /// says stop. `retryAfter` is the server's wish and is never undercut.
    public func delay(
        afterAttempt attempt: Int, elapsed: Double, retryAfter: Double?,
        random: Double = Double.random(in: 0..<1)
    ) -> Double? {
        guard attempt < maximumAttempts else { return nil }
        let exponential = min(maximumDelay, initialDelay * pow(2, Double(attempt - 1)))
        // "Equal jitter": half fixed, half random, so that clients that failed together spread out
        // without any of them retrying at once.
        var delay = exponential / 2 + exponential / 2 * random
        // The server knows best when it can answer: wait exactly that, plus a little spread.
        if let retryAfter { delay = retryAfter + initialDelay / 4 * random }
        guard elapsed + delay <= totalBudget else { return nil }
        return delay
    }
}
