import ArgumentParser
import Drift

/// What `check` and `lint` share besides the repository and output flags.
struct CheckOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pull-request mode: the base commit. Findings are marked introduced or pre-existing, and those only at the base are listed as fixed.",
            valueName: "rev"))
    var base: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the configuration from this file instead of .endpoint-drift.yaml at the checked commit.",
            valueName: "file"))
    var config: String?

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Finding types that fail the run (comma-separated, repeatable): types, or all, drift, lint, error, warning, none. Default: findings of severity error.",
            valueName: "types"))
    var failOn: [String] = []

    @Flag(name: .customLong("exit-zero"), help: "Exit 0 whenever the check ran, whatever it found.")
    var exitZero = false

    func validate() throws {
        if !failOn.isEmpty {
            do {
                _ = try FailPolicy(parsing: failOn)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}
