import Foundation

/// The printed figures: one table of every phase at every scale, the ratios to the limits, how
/// compare and report grow, and the targets.
struct ResultReport {
    let figures: [Figure]
    let stats: [String: BenchData.Stats]
    let scales: [String]
    let load: String

    private func figure(_ phase: String, _ scale: String) -> Figure? {
        figures.first { $0.phase == phase && $0.scale == scale }
    }

    private var phases: [String] {
        var seen: [String] = []
        for figure in figures where !seen.contains(figure.phase) { seen.append(figure.phase) }
        return seen
    }

    private var allScales: [String] {
        var seen: [String] = []
        for figure in figures where !seen.contains(figure.scale) { seen.append(figure.scale) }
        return seen
    }

    /// Rows of the main table.
    private var rows: [[String]] {
        var rows: [[String]] = []
        for phase in phases {
            for scale in allScales {
                guard let figure = figure(phase, scale) else { continue }
                rows.append([
                    phase, scale, Self.format(figure.wall), Self.format(figure.cpu), Self.mb(figure.peakRSS),
                    figure.bytes > 0 ? String(format: "%.0f", figure.megabytesPerSecond) : "", figure.note,
                ])
            }
        }
        return rows
    }

    static let headers = ["phase", "scale", "wall s", "CPU s", "peak RSS MB", "MB/s", "note"]

    static func format(_ seconds: Double) -> String {
        seconds < 0.1 ? String(format: "%.4f", seconds) : String(format: "%.3f", seconds)
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.0f", Double(bytes) / 1_000_000) }

    // MARK: Ratios and targets

    private var dataLines: [String] {
        scales.compactMap { scale in
            guard let stats = stats[scale] else { return nil }
            return
                "\(scale): \(stats.files) files, \(megabytes(stats.repositoryBytes)) MB, \(stats.documents) documents, "
                + "\(stats.externalDocuments) external-service documents (\(percent(stats.externalShare))) of "
                + "\(stats.externalServices) external services; live \(stats.liveServices) Services, "
                + "\(stats.liveEndpoints) Endpoints, \(stats.liveSlices) EndpointSlices, \(stats.drifts) drifted (1%); "
                + "snapshot file \(megabytes(stats.liveFileBytes)) MB, API answers \(megabytes(stats.apiBytes)) MB"
        }
    }

    private var limitLines: [String] {
        scales.compactMap { scale in
            guard let scan = figure("scan", scale), let git = figure("limit: git cat-file --batch", scale),
                let yaml = figure("limit: libyaml (CSafeLoader)", scale)
            else { return nil }
            return "\(scale): scan \(Self.format(scan.wall)) s wall / \(Self.format(scan.cpu)) s CPU = "
                + String(format: "%.2f× / %.2f×", scan.wall / git.wall, scan.cpu / git.cpu)
                + " git cat-file --batch (\(Self.format(git.wall)) s / \(Self.format(git.cpu)) s); "
                + String(format: "%.2f× / %.2f×", scan.wall / yaml.wall, scan.cpu / yaml.cpu)
                + " libyaml parsing only the external-service documents (\(Self.format(yaml.wall)) s)"
        }
    }

    /// The cache and the live read against their limits (issue 15).
    private var cacheAndListLines: [String] {
        scales.flatMap { scale -> [String] in
            var lines: [String] = []
            if let git = figure("limit: git cat-file --batch", scale) {
                for phase in ["scan, cold cache", "scan, warm cache", "scan, warm blob cache, new tree"] {
                    guard let scan = figure(phase, scale) else { continue }
                    lines.append(
                        "\(scale): \(phase) \(Self.format(scan.wall)) s = "
                            + String(format: "%.2f×", scan.wall / git.wall) + " git cat-file --batch")
                }
            }
            // Each encoding against the bare lists in the same encoding.
            for (limit, phases, what) in [
                (
                    "limit: bare list requests (API, HTTPS)",
                    ["check (API, HTTPS, JSON)", "live read (API, HTTPS)"],
                    "the bare JSON list requests"
                ),
                (
                    Self.bareLists,
                    [
                        "check (API, HTTPS, protobuf)", "check (API, HTTPS, warm cache)",
                        "live read (API, HTTPS, protobuf)",
                    ],
                    "the bare protobuf list requests"
                ),
                (
                    Self.bareListsProcess, ["check (API, HTTPS, warm cache)"],
                    "the bare protobuf lists' whole process"
                ),
            ] {
                guard let bare = figure(limit, scale) else { continue }
                for phase in phases {
                    guard let check = figure(phase, scale) else { continue }
                    lines.append(
                        "\(scale): \(phase) \(Self.format(check.wall)) s, \(Self.mb(check.peakRSS)) MB = "
                            + String(format: "%.2f×", check.wall / bare.wall) + " \(what) (\(Self.format(bare.wall)) s)"
                    )
                }
            }
            return lines
        }
    }

    /// Time per unit of size, relative to 1× (and, in brackets, to 4×): 1.00 is perfectly linear.
    private var scalingLines: [String] {
        let linear =
            ["compare"] + phases.filter { $0.hasPrefix("report ") } + [
                "scan", "live read (file)", "live read (API, HTTPS)", "check (snapshot file)", "fix --patch",
            ]
        return linear.compactMap { phase in
            guard let base = figure(phase, "1x") else { return nil }
            let parts = allScales.compactMap { scale -> String? in
                guard let figure = figure(phase, scale), let factor = Self.factor(scale) else { return nil }
                var text =
                    "\(scale) \(Self.format(figure.wall)) s ("
                    + String(format: "%.2f", figure.wall / factor / base.wall)
                if factor > 4, let four = self.figure(phase, "4x") {
                    text += String(format: "; %.2f from 4x", figure.wall / (factor / 4) / four.wall)
                }
                return text + ")"
            }
            return "\(phase): " + parts.joined(separator: ", ")
        }
    }

    static func factor(_ scale: String) -> Double? { Double(scale.dropLast()) }

    private static func verdict(_ met: Bool) -> String { met ? "met" : "NOT MET" }

    /// The bare protobuf lists timed inside their process (`PhaseCommand`'s list-bare names it so).
    static let bareLists = "limit: bare list requests (API, HTTPS, protobuf)"

    /// The bare protobuf lists' process, from its start to its exit: what the check, a whole
    /// command, is held against.
    static let bareListsProcess = "limit: bare list requests, whole process (API, HTTPS, protobuf)"

    /// "… peak RSS ≤ 200 MB, 1×: 73 MB (met)".
    private static func peakLine(_ what: String, _ figure: Figure, limitMB: Int, label: String) -> String {
        "\(what) peak RSS ≤ \(limitMB) MB, \(label): \(mb(figure.peakRSS)) MB "
            + "(\(verdict(figure.peakRSS <= limitMB * 1_000_000)))"
    }

    /// "scan ≤ 2× git cat-file --batch, 1×: 1.05× (met)".
    private static func ratioLine(_ claim: String, _ ratio: Double, limit: Double) -> String {
        "\(claim): " + String(format: "%.2f×", ratio) + " (\(verdict(ratio <= limit)))"
    }

    private var targetLines: [String] {
        var lines: [String] = []
        if let check = figure("check (snapshot file)", "1x") {
            lines.append(
                "whole check (snapshot file), 1×: \(Self.format(check.wall)) s wall (≤ 3 s: \(Self.verdict(check.wall <= 3))), "
                    + "\(Self.mb(check.peakRSS)) MB peak RSS (≤ 400 MB: \(Self.verdict(check.peakRSS <= 400_000_000)))")
        }
        if let scan = figure("scan", "1x"), let git = figure("limit: git cat-file --batch", "1x") {
            lines.append(Self.ratioLine("scan ≤ 2× git cat-file --batch, 1×", scan.wall / git.wall, limit: 2))
        }
        for phase in ["live read (file)", "live read (API, HTTPS)", "live page decode (memory)"] {
            if let read = figure(phase, "1x") {
                let speed = read.megabytesPerSecond
                lines.append(
                    "\(phase) ≥ 100 MB/s, 1×: " + String(format: "%.0f MB/s", speed)
                        + " (\(Self.verdict(speed >= 100)))")
            }
        }
        lines += cacheAndListTargetLines
        for phase in ["compare"] + phases.filter({ $0.hasPrefix("report ") }) {
            guard let one = figure(phase, "1x"), let four = figure(phase, "4x") else { continue }
            let fromOne = four.wall / 4 / one.wall
            var text =
                "\(phase) linear (time per unit ≤ 1.5× that of the smaller size): 4x vs 1x "
                + String(format: "%.2f", fromOne)
            var met = fromOne <= 1.5
            if let sixteen = figure(phase, "16x") {
                let fromFour = sixteen.wall / 4 / four.wall
                text += String(format: ", 16x vs 4x %.2f", fromFour)
                met = met && fromFour <= 1.5
            }
            lines.append(text + " (\(Self.verdict(met)))")
        }
        return lines
    }

    /// Issue 15's targets at 1× and 4×: the scan against `git cat-file --batch`, and the check over
    /// the API (warm cache, the default protobuf) against the bare protobuf lists it needs.
    private var cacheAndListTargetLines: [String] {
        var lines: [String] = []
        for scale in ["1x", "4x"] {
            let label = scale.replacingOccurrences(of: "x", with: "×")
            if let git = figure("limit: git cat-file --batch", scale) {
                for (phase, limit) in [("scan, warm cache", 0.1), ("scan, cold cache", 1.5)] {
                    guard let scan = figure(phase, scale) else { continue }
                    lines.append(
                        Self.ratioLine(
                            "\(phase) ≤ \(limit)× git cat-file --batch, \(label)", scan.wall / git.wall, limit: limit))
                }
            }
            let limit = scale == "1x" ? 200 : 500
            // The check from a snapshot file too: it reads the cluster's every object.
            if let check = figure("check (snapshot file)", scale) {
                lines.append(Self.peakLine("check from a snapshot file", check, limitMB: limit, label: label))
            }
            guard let check = figure("check (API, HTTPS, warm cache)", scale) else { continue }
            // Timed alike: the check from its start to its exit, and so the bare lists' process. The
            // ratio to the lists alone, timed inside their process, is beside it.
            if let bare = figure(Self.bareListsProcess, scale) {
                var line = Self.ratioLine(
                    "check over the API ≤ 1.5× its bare list requests, \(label)", check.wall / bare.wall, limit: 1.5)
                if let inside = figure(Self.bareLists, scale) {
                    line +=
                        "; " + String(format: "%.2f×", check.wall / inside.wall)
                        + " the lists alone, timed inside their process"
                }
                lines.append(line)
            }
            lines.append(Self.peakLine("check over the API", check, limitMB: limit, label: label))
        }
        return lines
    }

    // MARK: Output

    var text: String {
        var widths = Self.headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < 6 { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                guard index < 6 else { return cell }
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index >= 2 ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
        var out = "\nData\n" + dataLines.map { "  " + $0 }.joined(separator: "\n") + "\n\n"
        out += line(Self.headers) + "\n" + rows.map(line).joined(separator: "\n") + "\n"
        out += "\nScan against the limits\n" + limitLines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        out += "\nCache and live read against their limits\n"
        out += cacheAndListLines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        out += "\nGrowth (wall time; in brackets time per unit of size relative to 1×)\n"
        out += scalingLines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        out += "\nTargets (load at the end: \(load))\n" + targetLines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }

    var markdown: String {
        var out =
            "| " + Self.headers.joined(separator: " | ") + " |\n|"
            + String(repeating: "---|", count: Self.headers.count) + "\n"
        out += rows.map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n\n"
        out +=
            (dataLines + limitLines + cacheAndListLines + scalingLines + targetLines).map { "- " + $0 }.joined(
                separator: "\n") + "\n"
        return out
    }
}
