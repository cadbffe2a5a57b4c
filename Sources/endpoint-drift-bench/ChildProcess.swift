import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs a program and measures it as the kernel accounts it: wall time, user and system CPU time
/// and peak resident memory, from `wait4` (which reports the child's own resource usage; Foundation's
/// `Process` does not give it).
enum ChildProcess {
    struct Usage: Sendable, Codable {
        var status: Int32
        var wall: Double
        var user: Double
        var system: Double
        /// Peak resident set size, bytes.
        var peakRSS: Int

        var cpu: Double { user + system }
    }

    /// `stdin`/`stdout` are file paths (nil: /dev/null); stderr is inherited, and stdout too with
    /// `inheritingStdout`.
    ///
    /// The peak resident size is the child's, but never less than this process's own peak when it
    /// spawned the child: Linux carries the peak of the memory the child started with over its
    /// `exec`, and a spawned child starts with (or shares) its parent's. A parent that measures
    /// memory keeps its own peak small (`RunCommand` generates its data in a child).
    static func run(
        _ arguments: [String], stdin: String? = nil, stdout: String? = nil, inheritingStdout: Bool = false
    ) throws -> Usage {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        if inheritingStdout {
            // What this process printed before must come out before what the child prints.
            fflush(nil)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw BenchError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed for \(arguments[0])") }
        }
        let wall = seconds(ContinuousClock.now - started)
        let exited = status & 0x7f == 0
        return Usage(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), wall: wall,
            user: Self.timevalSeconds(usage.ru_utime),
            system: Self.timevalSeconds(usage.ru_stime), peakRSS: usage.ru_maxrss * 1024)
    }

    /// This process's own peak resident set size so far, bytes: the least any child it spawns
    /// now can report (`run`).
    static var ownPeakRSS: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    static func timevalSeconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
}
