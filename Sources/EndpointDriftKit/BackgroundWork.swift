import Foundation
import Manifests

/// Work that must be done by the time something else is, and should not slow it down: run on a
/// thread of its own at the lowest scheduling priority (`LowPriorityThread`), it takes the cores
/// only when the rest of the process leaves them idle. (`check` lints git while it reads the
/// cluster: the read is bound by the cores on a small machine, and it is what the run waits for.)
enum BackgroundWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            LowPriorityThread.start { done.resume(returning: body()) }
        }
    }
}
