import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs a credential plugin with every wait bounded: in a process group of its own (so that its
/// children go with it), killed when the time is up or its stdout grows past the limit, and when
/// this tool exits or is interrupted; stdout kept up to the limit, stderr's tail kept.
enum PluginProcess {
    struct Limits: Sendable {
        /// Seconds; nil for no limit (an interactive plugin waits for a person).
        var timeout: Double?
        var maximumStdout = 1 << 20
        var maximumStderr = 64 << 10
    }

    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case stdoutTooLarge
    }

    struct Outcome: Sendable {
        var ending: Ending
        var stdout: [UInt8]
        /// The last `maximumStderr` bytes.
        var stderr: [UInt8]
    }

    /// Starts and waits; throws the POSIX error when the plugin cannot be started.
    static func run(
        _ executable: String, arguments: [String], environment: [String: String], interactive: Bool, limits: Limits
    ) throws -> Outcome {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard pipe(&output) == 0 else { throw posixError(errno) }
        guard pipe(&errors) == 0 else {
            close(output[0])
            close(output[1])
            throw posixError(errno)
        }
        // Close-on-exec (pipe2 is not imported): only the plugin's own 1 and 2 reach it.
        for descriptor in output + errors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        if !interactive {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        }
        // Last (after the dup2s, which read descriptors above 2): nothing else of ours reaches the
        // plugin or the children it leaves behind. A descriptor opened without close-on-exec
        // elsewhere in the process, such as a file being written, would stay open in them (a script
        // being written then cannot be run: ETXTBSY).
        Self.closeFrom(3, in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals this tool ignores (SIGPIPE) or handles are the plugin's own again; nothing blocked.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        // An interactive plugin stays in the terminal's foreground group, or it could not prompt.
        if !interactive {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let started = Running.shared.spawn {
            posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } group: {
            interactive ? nil : pid
        }
        close(output[1])
        close(errors[1])
        guard started == 0 else {
            close(output[0])
            close(errors[0])
            throw posixError(started)
        }
        defer { Running.shared.finished(pid) }
        let deadline = limits.timeout.map { now() + $0 }
        var (stdout, stderr, stopped) = drain(
            output: output[0], errors: interactive ? nil : errors[0], deadline: deadline, limits: limits)
        close(output[0])
        close(errors[0])
        if stopped == nil, let status = wait(pid, until: deadline) {
            return Outcome(ending: status, stdout: stdout, stderr: stderr)
        }
        // Out of time (or output): the whole group goes, grandchildren holding the pipe included.
        kill(interactive ? pid : -pid, SIGKILL)
        _ = wait(pid, until: nil)
        stdout = []
        return Outcome(ending: stopped ?? .timedOut, stdout: stdout, stderr: stderr)
    }

    /// Reads both pipes until they close, the deadline passes, or stdout is too large.
    private static func drain(
        output: Int32, errors: Int32?, deadline: Double?, limits: Limits
    ) -> ([UInt8], [UInt8], Ending?) {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var open: [Int32] = [output] + (errors.map { [$0] } ?? [])
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var wait: Int32 = 1000
            if let deadline {
                let left = deadline - now()
                if left <= 0 { return (stdout, stderr, .timedOut) }
                wait = Int32(min(1000, max(1, left * 1000)))
            }
            var polls = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), wait)
            if ready < 0 && errno != EINTR { break }
            for entry in polls where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == output {
                    stdout += buffer[0..<count]
                    if stdout.count > limits.maximumStdout { return (stdout, stderr, .stdoutTooLarge) }
                } else {
                    stderr += buffer[0..<count]
                    if stderr.count > 2 * limits.maximumStderr {
                        stderr.removeFirst(stderr.count - limits.maximumStderr)
                    }
                }
            }
        }
        if stderr.count > limits.maximumStderr { stderr.removeFirst(stderr.count - limits.maximumStderr) }
        return (stdout, stderr, nil)
    }

    /// The exit status, or nil when the deadline passed first.
    private static func wait(_ pid: pid_t, until deadline: Double?) -> Ending? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid { break }
            if result < 0 {
                if errno == EINTR { continue }
                return .exited(-1)
            }
            if let deadline, now() >= deadline { return nil }
            usleep(10_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        return .signalled(status & 0x7F)
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time: Swift's
    /// Glibc module leaves out the GNU declarations.
    private static func closeFrom(_ first: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        _ = closeFrom(&actions, first)
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func posixError(_ code: Int32) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(code))
    }

    /// The process groups of running plugins, killed when this tool exits or is interrupted.
    final class Running: @unchecked Sendable {
        static let shared = Running()
        private let lock = NSLock()
        private var groups: Set<pid_t> = []
        private var sources: [any DispatchSourceSignal] = []
        private var installed = false

        /// Spawns under the lock, so that a signal handler never misses a group just started.
        func spawn(_ start: () -> Int32, group: () -> pid_t?) -> Int32 {
            lock.lock()
            defer { lock.unlock() }
            installOnce()
            let result = start()
            if result == 0, let pid = group() { groups.insert(pid) }
            return result
        }

        func finished(_ pid: pid_t) {
            lock.withLock { _ = groups.remove(pid) }
        }

        /// Kills every running group (from `atexit` or a signal).
        func killAll() {
            lock.withLock {
                for group in groups { kill(-group, SIGKILL) }
                groups = []
            }
        }

        private func installOnce() {
            guard !installed else { return }
            installed = true
            atexit { PluginProcess.Running.shared.killAll() }
            for number in [SIGINT, SIGTERM, SIGHUP] {
                // Only where the tool has no handler of its own; then the signal does what it did.
                var current = sigaction()
                guard sigaction(number, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else {
                    continue
                }
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    PluginProcess.Running.shared.killAll()
                    signal(number, SIG_DFL)
                    raise(number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
