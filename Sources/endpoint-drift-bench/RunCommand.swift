import ArgumentParser
import Foundation

/// Generates what is missing, measures every phase at every scale, the limits, and the whole
/// commands, then prints the tables and whether the targets are met. Figures also go to
/// `.bench/results.json` and `.bench/results.md`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Generate, measure and print.")

    @Option(help: "Where the data goes (git-ignored).") var dataDirectory = ".bench"
    @Option(help: "Scales to generate and measure.") var scales = "0.25,1,4"
    @Option(help: "Compare and report are also measured at this multiple of the largest scale (0: not).")
    var replicate = 4
    @Option(help: "Runs per measurement at 1× and below; the fastest counts (one fewer above 1×).") var runs = 3
    @Option(help: "The endpoint-drift binary.") var binary = ".build/release/endpoint-drift"

    func run() async throws {
        let scaleList = try BenchScale.parse(scales)
        let bench = CommandLine.arguments[0]
        let python = Limits.python()
        var figures: [Figure] = []
        var stats: [String: BenchData.Stats] = [:]
        print("endpoint-drift benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(Load.current)")
        for scale in scaleList {
            let data = BenchData(scale: scale, base: dataDirectory)
            if !data.isComplete {
                // In a child: generating grows a process by hundreds of megabytes, and every child
                // spawned afterwards would report at least this process's peak (`ChildProcess.run`).
                let usage = try ChildProcess.run(
                    [bench, "generate", "--data-directory", dataDirectory, "--scales", "\(scale.factor)"],
                    inheritingStdout: true)
                guard usage.status == 0 else { throw BenchError("generating the \(scale) data exited \(usage.status)") }
            }
            stats["\(scale)"] = try data.readStats()
        }
        let ownPeak = ChildProcess.ownPeakRSS
        if ownPeak > 64 << 20 {
            print(
                "note: this process peaked at \(ownPeak >> 20) MB; no peak RSS below that can be measured in this run")
        }
        for scale in scaleList {
            let data = BenchData(scale: scale, base: dataDirectory)
            let repeats = scale.factor > 1 ? max(2, runs - 1) : runs
            print("measuring \(scale) (load \(Load.current))")
            // Every measurement reads from the page cache, the limits included.
            Warmup.read(data)
            let phaseArguments = { (name: String, extra: [String]) -> [String] in
                [name, "--data-directory", dataDirectory, "--scale", "\(scale.factor)"] + extra
            }
            let phase = { (name: String, extra: [String]) throws -> [Figure] in
                try Runner.best(repeats) { try Runner.phase(bench, phaseArguments(name, extra)) }
            }
            figures += try phase("scan", [])
            figures += try phase("scan-cold", [])
            figures += try phase("scan-warm", [])
            figures += try phase("scan-warm-blobs", [])
            figures += try phase("live-file", [])
            figures += try phase("page-decode", [])
            let server = try APIServerProcess(bench: bench, dataDirectory: dataDirectory, scale: scale)
            let endpoint = ["--port", "\(server.port)", "--ca-file", server.caFile]
            figures += try phase("live-api", endpoint)
            figures += try phase("list-bare", endpoint)
            // The same lists in Kubernetes' protobuf encoding (issue 15: does it beat JSON?).
            figures += try phase("live-api", endpoint + ["--protobuf"])
            // Rendering takes milliseconds and a neighbour's load easily doubles one run: every scale
            // gets all its runs here.
            figures += try Runner.best(runs) {
                try Runner.phase(bench, phaseArguments("compare-report", []))
            }
            figures += try Runner.best(repeats) {
                try [
                    Runner.command(
                        "check (snapshot file)", scale,
                        [binary, "check", "--repo", data.repository, "--live-file", data.liveFile, "--no-cache"])
                ]
            }
            let kubeconfig = "\(data.root)/kubeconfig"
            try server.kubeconfig().write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            figures += try Runner.best(repeats) {
                try [
                    Runner.command(
                        "check (API, HTTPS, JSON)", scale,
                        [
                            binary, "check", "--repo", data.repository, "--kubeconfig", kubeconfig, "--no-cache",
                            "--kube-api-content-type", "application/json",
                        ])
                ]
            }
            figures += try Runner.best(repeats) {
                try [
                    Runner.command(
                        "check (API, HTTPS, protobuf)", scale,
                        [
                            binary, "check", "--repo", data.repository, "--kubeconfig", kubeconfig, "--no-cache",
                            "--kube-api-content-type", "application/vnd.kubernetes.protobuf",
                        ])
                ]
            }
            // The same (in the default encoding, protobuf) with the blob cache a first run filled: what
            // CI and nightly runs see.
            let cache = ["--cache", "\(data.root)/check-cache"]
            _ = try ChildProcess.run([binary, "check", "--repo", data.repository, "--kubeconfig", kubeconfig] + cache)
            // Issue 15 holds this check against the bare protobuf lists: the two run by turns, all
            // runs at every scale. The machine's speed wanders by a third within minutes, and two
            // blocks of runs a dozen seconds apart compared the moments as much as the commands.
            // The bare lists are timed twice: inside their process (the client library's limit), and
            // as the whole process from its start to its exit, as the check is.
            figures += try Runner.best(runs) {
                try Runner.phase(
                    bench, phaseArguments("list-bare", endpoint + ["--protobuf"]),
                    wholeProcess: (ResultReport.bareListsProcess, scale))
                    + [
                        Runner.command(
                            "check (API, HTTPS, warm cache)", scale,
                            [binary, "check", "--repo", data.repository, "--kubeconfig", kubeconfig] + cache)
                    ]
            }
            server.stop()
            figures += try Runner.best(repeats) {
                try [
                    Runner.command(
                        "fix --patch", scale,
                        [
                            binary, "fix", "--repo", data.repository, "--live-file", data.liveFile, "--patch",
                            "\(data.root)/fix.patch", "--no-cache",
                        ])
                ]
            }
            figures += try Runner.best(repeats) { try [Limits.catFile(data)] }
            figures += try Runner.best(repeats) { try [Limits.yaml(data, python: python)] }
        }
        if replicate > 1, let largest = scaleList.max(by: { $0.factor < $1.factor }) {
            print("measuring compare and report at \(BenchScale(factor: largest.factor * Double(replicate)))")
            figures += try Runner.best(runs) {
                try Runner.phase(
                    bench,
                    [
                        "compare-report", "--data-directory", dataDirectory, "--scale", "\(largest.factor)",
                        "--replicate", "\(replicate)",
                    ])
            }
        }
        let report = ResultReport(
            figures: figures, stats: stats, scales: scaleList.map(\.description), load: Load.current)
        print(report.text)
        try report.markdown.write(toFile: "\(dataDirectory)/results.md", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(figures).write(to: URL(fileURLWithPath: "\(dataDirectory)/results.json"))
    }
}

/// Reads the data files once, so that no measurement pays for reading the disk.
enum Warmup {
    static func read(_ data: BenchData) {
        var paths = [data.liveFile, data.blobList, data.externalDocuments]
        paths += LiveObjects.Resource.allCases.map(data.apiItems)
        let objects = "\(data.repository)/objects/pack"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: objects)) ?? [] {
            paths.append("\(objects)/\(name)")
        }
        for path in paths {
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            while let chunk = try? handle.read(upToCount: 1 << 24), !chunk.isEmpty {}
            try? handle.close()
        }
    }
}

/// The 1-minute load average, to print next to the figures.
enum Load {
    static var current: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// Runs measurements as child processes.
enum Runner {
    /// Runs `body` `times` times and keeps, for each phase, the figure of its fastest run.
    static func best(_ times: Int, _ body: () throws -> [Figure]) throws -> [Figure] {
        var best: [Figure] = []
        for _ in 0..<max(1, times) {
            for figure in try body() {
                if let index = best.firstIndex(where: { $0.phase == figure.phase && $0.scale == figure.scale }) {
                    if figure.wall < best[index].wall { best[index] = figure }
                } else {
                    best.append(figure)
                }
            }
        }
        return best
    }

    /// An in-process phase in a child of its own; its JSON lines are the figures.
    /// `wholeProcess`: also the child itself, from its start to its exit, under this name (as
    /// `command` measures a command).
    static func phase(
        _ bench: String, _ arguments: [String], wholeProcess: (label: String, scale: BenchScale)? = nil
    ) throws -> [Figure] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-phase-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let usage = try ChildProcess.run([bench, "phase"] + arguments, stdout: output)
        guard usage.status == 0 else {
            throw BenchError("phase \(arguments.joined(separator: " ")) exited \(usage.status)")
        }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        var figures = try text.split(separator: "\n").map {
            try JSONDecoder().decode(Figure.self, from: Data($0.utf8))
        }
        if let (label, scale) = wholeProcess {
            figures.append(figure(label, scale, usage))
        }
        return figures
    }

    /// A whole command, measured by `wait4`; output to /dev/null. Exit 1 (drift found) is expected.
    static func command(_ label: String, _ scale: BenchScale, _ arguments: [String]) throws -> Figure {
        let usage = try ChildProcess.run(arguments)
        guard usage.status <= 1 else { throw BenchError("\(arguments.joined(separator: " ")) exited \(usage.status)") }
        return figure(label, scale, usage)
    }

    private static func figure(_ label: String, _ scale: BenchScale, _ usage: ChildProcess.Usage) -> Figure {
        Figure(
            phase: label, scale: "\(scale)", wall: usage.wall, user: usage.user, system: usage.system,
            peakRSS: usage.peakRSS, note: "exit \(usage.status)")
    }
}

/// The fake API server in a process of its own.
final class APIServerProcess {
    let process = Process()
    let input = Pipe()
    let port: Int
    let caFile: String

    init(bench: String, dataDirectory: String, scale: BenchScale) throws {
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = ["serve", "--data-directory", dataDirectory, "--scale", "\(scale.factor)"]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { throw BenchError("the API server did not start") }
            line += String(decoding: byte, as: UTF8.self)
        }
        let fields = line.split(separator: " ")
        guard fields.count == 3, fields[0] == "ready", let port = Int(fields[1]) else {
            throw BenchError("the API server said: \(line)")
        }
        self.port = port
        caFile = String(fields[2]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func kubeconfig() throws -> String {
        let ca = try Data(contentsOf: URL(fileURLWithPath: caFile)).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: bench
              cluster:
                server: https://127.0.0.1:\(port)
                certificate-authority-data: \(ca)
            users:
            - name: anonymous
              user: {}
            contexts:
            - name: bench
              context: {cluster: bench, user: anonymous}
            current-context: bench

            """
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
