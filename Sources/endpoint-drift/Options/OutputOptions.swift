import ArgumentParser
import EndpointDriftKit
import Foundation

/// `-o FORMAT[=FILE]` (repeatable) and `--color`.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp(
            "Output format, optionally to a file: FORMAT[=FILE] (repeatable).", valueName: "format[=file]"))
    var outputs: [String] = []

    @Option(name: .long, help: "Colour: auto (a terminal and no NO_COLOR), always, never.")
    var color: ColorOption = .auto

    var targets: [OutputTarget] {
        outputs.isEmpty ? [OutputTarget(format: "text")] : outputs.map(OutputTarget.init(parsing:))
    }

    var colorEnabled: Bool {
        color.choice.enabled(
            isTerminal: StandardStreams.stdoutIsTerminal, environment: ProcessInfo.processInfo.environment)
    }

    func validate(formats: [String]) throws {
        for target in targets where !formats.contains(target.format) {
            throw ValidationError("-o \(target.format): unknown format; use one of \(formats.joined(separator: ", "))")
        }
        let stdoutCount = targets.filter(\.writesToStdout).count
        guard stdoutCount <= 1 else {
            throw ValidationError("only one -o format can go to stdout; write the others to files (FORMAT=FILE)")
        }
    }
}

enum ColorOption: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var choice: ColorChoice { ColorChoice(rawValue: rawValue) ?? .auto }
}
