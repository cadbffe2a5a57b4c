import Foundation

#if canImport(Glibc)
    import CThreadPriority
#endif

/// A thread of its own at the lowest scheduling priority (niceness 19): what runs on it takes the
/// cores only when the rest of the process leaves them idle. For work the run does not wait for
/// now: git's lint while the cluster is read, freeing a run's data while its report is written.
public enum LowPriorityThread {
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            #if canImport(Glibc)
                // Best effort: a thread that keeps its priority only competes as before.
                _ = endpoint_drift_lower_thread_priority(19)
            #endif
            body()
        }
        thread.start()
    }
}
