import ArgumentParser
import Foundation

/// `make bench`: generates the benchmark data (deterministically, into `.bench/`), measures every
/// phase of the tool at several sizes against the I/O limits, and prints the figures. A benchmark,
/// not a test: it asserts nothing and reports targets as met or not.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint-drift-bench",
        abstract: "Benchmark endpoint-drift: generate data, measure phases and limits, print figures.",
        subcommands: [
            RunCommand.self, GenerateCommand.self, PhaseCommand.self, ServeCommand.self, ServeSnapshotCommand.self,
            FluxCommand.self, SoakCommand.self,
        ],
        defaultSubcommand: RunCommand.self)
}

/// Generates (or reuses) the data of the given scales.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate benchmark data.")

    @Option(help: "Where the data goes (git-ignored).") var dataDirectory = ".bench"
    @Option(help: "Scales to generate, e.g. 0.25,1,4.") var scales = "0.25,1,4"
    @Flag(help: "Generate again even when the data is there.") var force = false

    func run() throws {
        for scale in try BenchScale.parse(scales) {
            let data = BenchData(scale: scale, base: dataDirectory)
            try ensure(data, force: force)
            let stats = try data.readStats()
            print(
                "\(scale): \(stats.files) files, \(megabytes(stats.repositoryBytes)) MB, \(stats.documents) documents, "
                    + "\(stats.externalDocuments) external-service documents (\(percent(stats.externalShare))), "
                    + "live \(stats.liveServices) Services / \(stats.liveEndpoints) Endpoints / \(stats.liveSlices) slices, "
                    + "snapshot \(megabytes(stats.liveFileBytes)) MB, API items \(megabytes(stats.apiBytes)) MB")
        }
    }
}

/// Generates the data unless a complete copy of the same version is there.
func ensure(_ data: BenchData, force: Bool = false) throws {
    guard force || !data.isComplete else { return }
    let started = ContinuousClock.now
    try DataGenerator(data: data).generate { print("  \($0)") }
    print("  \(data.scale) data generated in \(String(format: "%.1f", seconds(ContinuousClock.now - started))) s")
}

extension BenchScale {
    static func parse(_ text: String) throws -> [BenchScale] {
        try text.split(separator: ",").map {
            guard let factor = Double($0), factor > 0 else { throw ValidationError("not a scale: \($0)") }
            return BenchScale(factor: factor)
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
