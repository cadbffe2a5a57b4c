import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One measured phase, in this process or a child.
struct Figure: Sendable, Codable {
    var phase: String
    var scale: String
    var wall: Double
    var user: Double
    var system: Double
    /// Peak resident memory during the phase (bytes); includes what the process held before it.
    var peakRSS: Int
    /// Resident memory when the phase started (its inputs, for in-process phases).
    var rssBefore: Int = 0
    /// Input bytes, for throughput.
    var bytes: Int = 0
    /// What the phase produced (records, services, output bytes), for a sanity check.
    var items: Int = 0
    var note: String = ""

    var cpu: Double { user + system }
    var megabytesPerSecond: Double { wall > 0 ? Double(bytes) / 1e6 / wall : 0 }
}

/// Measures phases inside this process: wall clock, CPU time from `getrusage`, and the peak of the
/// resident set during the phase (Linux lets a process reset its high-water mark by writing 5 to
/// `/proc/self/clear_refs`).
enum Meter {
    static func measure<T>(_ phase: String, scale: String, _ body: () throws -> T) rethrows -> (T, Figure) {
        let start = begin()
        let value = try body()
        return (value, end(phase, scale: scale, start))
    }

    static func measure<T>(_ phase: String, scale: String, _ body: () async throws -> T) async rethrows -> (T, Figure) {
        let start = begin()
        let value = try await body()
        return (value, end(phase, scale: scale, start))
    }

    private struct Start {
        var clock: ContinuousClock.Instant
        var usage: rusage
        var rss: Int
    }

    private static func begin() -> Start {
        resetPeak()
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Start(clock: .now, usage: usage, rss: status("VmRSS"))
    }

    private static func end(_ phase: String, scale: String, _ start: Start) -> Figure {
        let wall = seconds(ContinuousClock.now - start.clock)
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Figure(
            phase: phase, scale: scale, wall: wall,
            user: ChildProcess.timevalSeconds(usage.ru_utime) - ChildProcess.timevalSeconds(start.usage.ru_utime),
            system: ChildProcess.timevalSeconds(usage.ru_stime) - ChildProcess.timevalSeconds(start.usage.ru_stime),
            peakRSS: status("VmHWM"), rssBefore: start.rss)
    }

    static func resetPeak() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        handle.write(Data("5".utf8))
        try? handle.close()
    }

    /// A `kB` field of `/proc/self/status`, in bytes.
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let number = line.dropFirst(field.count + 1).filter(\.isNumber)
            return (Int(number) ?? 0) * 1024
        }
        return 0
    }
}
