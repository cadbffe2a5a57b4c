import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `endpoint-drift` under GNU time and reads its peak resident memory (`ru_maxrss`
/// of the binary alone): the figure the hostile-input tests bound. Foundation's
/// `Process` reaps the child itself and keeps no rusage, and `RUSAGE_CHILDREN` would mix in every
/// other child of the test process, so this spawns and waits itself.
///
/// Output goes to files (no pipe to drain); the child leads a process group of its own, which is
/// killed at `limit` seconds (a hang bound, not a timing assertion).
public enum MeasuredRun {
    public struct Result: Sendable {
        /// The exit code; 128 + the signal when it was killed by one.
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// Peak resident set size, in bytes.
        public let peakBytes: Int
        /// Whether the hang bound was hit (the group was killed).
        public let timedOut: Bool

        public var peakMiB: Int { peakBytes >> 20 }
    }

    public static func run(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil,
        limit: Double = 300
    ) throws -> Result {
        let binary = try TestBinary.endpointDrift
        let folder = try TempFolder()
        let outPath = folder.file("stdout")
        let errPath = folder.file("stderr")
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in EndpointDriftBinary.isolatedEnvironment { variables[name] = value }
        for (name, value) in environment { variables[name] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        // GNU time forks the shell, which changes folder and becomes the binary, and writes that
        // child's ru_maxrss. Not wait4 on our own child: posix_spawn is a vfork, and exec records the
        // hiwater RSS of the mm it leaves, which for a vforked child is this test process's own.
        let timeBinary = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: timeBinary) else {
            throw FixtureError(message: "\(timeBinary) (GNU time, Debian package time) is needed to measure peak RSS")
        }
        let rssPath = folder.file("maxrss")
        let command =
            [
                timeBinary, "-f", "%M", "-o", rssPath, "/bin/sh", "-c", "cd \"$0\" && exec \"$@\"",
                currentDirectory ?? ".", binary,
            ]
            + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, timeBinary, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw FixtureError(message: "posix_spawn \(binary): \(String(cString: strerror(spawned)))")
        }

        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        let deadline = Date().addingTimeInterval(limit)
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR {
                throw FixtureError(message: "wait4: \(String(cString: strerror(errno)))")
            }
            if !timedOut && Date() > deadline {
                timedOut = true
                kill(-pid, SIGKILL)
            }
            usleep(20_000)
        }
        // Whatever the tool left in its group (an exec plugin) goes too.
        kill(-pid, SIGKILL)
        let exit: Int32 =
            (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(
            status: exit,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self),
            // Kilobytes; the last line (time adds "Command exited with non-zero status" before it).
            peakBytes: peakKilobytes(rssPath) * 1024, timedOut: timedOut)
    }

    private static func peakKilobytes(_ path: String) -> Int {
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            // No figure (time was killed at the hang bound): fail the bound rather than pass it.
            ?? Int.max >> 10
    }
}
