import Dispatch

/// Work split into parts that run on every core at once (`DispatchQueue.concurrentPerform`): the
/// scan cache's record chunks, a protobuf page's items, the Services a check compares. Each part
/// writes only its own slot, so no lock is needed; the results come back in part order.
public enum Concurrently {
    /// `body(part)` for each part in `0..<parts`, on the calling thread when there is one part.
    public static func map<T: Sendable>(_ parts: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard parts > 1 else { return (0..<max(0, parts)).map { body($0) } }
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: parts)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let shared = Slots(buffer: slots)
        DispatchQueue.concurrentPerform(iterations: parts) { part in shared.buffer[part] = body(part) }
        // Every slot was written: concurrentPerform returns after the last part.
        return slots.compactMap { $0 }
    }

    /// Frees `value` on another thread: a run done with a cluster's worth of records need not spend
    /// its last milliseconds freeing them before it can exit (and a process that exits first never
    /// frees them at all). Only the caller's reference must be the last but this one.
    /// On a thread at the lowest scheduling priority (`LowPriorityThread`): freeing competed for
    /// the cores with the report being written.
    public static func release<T: Sendable>(_ value: consuming T) {
        let held = value
        LowPriorityThread.start { withExtendedLifetime(held) {} }
    }

    /// The slots, handed to every part; each part writes only its own index.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
    }
}
