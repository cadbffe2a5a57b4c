import Drift
import Foundation
import LiveState

/// Progress of a run on stderr: which clusters are done, and per cluster being read the lists
/// done of all lists and the objects read so far. On a terminal one line is redrawn in place
/// (at most ten times a second) and cleared before the report is printed; elsewhere (`--progress`
/// in CI) a plain line per cluster event, and list counts at most once a second per cluster.
final class ProgressDisplay: @unchecked Sendable {
    private enum State {
        case waiting
        case reading(ListProgress?)
        case done(DriftSummary.Outcome)
    }

    private let lock = NSLock()
    private let terminal: Bool
    private let write: @Sendable (String) -> Void
    private let clock = ContinuousClock()
    private var order: [String]
    private var states: [String: State]
    private var lastDraw: ContinuousClock.Instant?
    private var lastLine: [String: ContinuousClock.Instant] = [:]
    private var drawn = false

    init(clusters: [String], terminal: Bool, write: @escaping @Sendable (String) -> Void = StandardStreams.writeError) {
        order = clusters
        states = Dictionary(uniqueKeysWithValues: clusters.map { ($0, State.waiting) })
        self.terminal = terminal
        self.write = write
    }

    func started(_ cluster: String) {
        lock.withLock {
            states[cluster] = .reading(nil)
            if terminal {
                draw(force: true)
            } else {
                write("endpoint-drift: \(label(cluster))reading the live state\n")
            }
        }
    }

    func progressed(_ cluster: String, _ progress: ListProgress) {
        lock.withLock {
            states[cluster] = .reading(progress)
            if terminal {
                draw(force: false)
                return
            }
            let now = clock.now
            let finished = progress.listsDone == progress.listsTotal
            if finished || lastLine[cluster].map({ now - $0 >= .seconds(1) }) ?? true {
                lastLine[cluster] = now
                write("endpoint-drift: \(label(cluster))\(lists(progress))\n")
            }
        }
    }

    func finished(_ cluster: String, _ outcome: DriftSummary.Outcome, seconds: Double) {
        lock.withLock {
            states[cluster] = .done(outcome)
            if terminal {
                draw(force: true)
            } else {
                write(
                    "endpoint-drift: \(label(cluster))\(outcome.rawValue) in \(String(format: "%.1f", seconds)) s "
                        + "(\(doneCount) of \(order.count) done)\n")
            }
        }
    }

    /// Clears the line on a terminal, before the report is written.
    func close() {
        lock.withLock {
            if terminal && drawn { write("\r\u{1B}[K") }
            drawn = false
        }
    }

    // MARK: Drawing (lock held)

    private var doneCount: Int {
        states.values.filter {
            if case .done = $0 { return true }
            return false
        }.count
    }

    /// `prod: ` when there are several clusters; nothing for a plain check.
    private func label(_ cluster: String) -> String { order.count > 1 ? "\(cluster): " : "" }

    private func lists(_ progress: ListProgress) -> String {
        "\(progress.listsDone)/\(progress.listsTotal) lists, \(progress.objects) objects"
    }

    private func draw(force: Bool) {
        let now = clock.now
        if !force, let last = lastDraw, now - last < .milliseconds(100) { return }
        lastDraw = now
        var parts: [String] = []
        if order.count > 1 { parts.append("\(doneCount)/\(order.count) clusters done") }
        for cluster in order {
            guard case .reading(let progress) = states[cluster] else { continue }
            parts.append(label(cluster) + (progress.map(lists) ?? "reading"))
        }
        var line = "endpoint-drift: " + parts.joined(separator: " · ")
        let width = Self.terminalWidth()
        if line.count > width - 1 { line = String(line.prefix(max(10, width - 2))) + "…" }
        write("\r\u{1B}[K" + line)
        drawn = true
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
