import ArgumentParser
import Drift

/// What `check` and `lint` share besides the repository and output flags.
struct CheckOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pull-request mode: the base commit. The report has three parts: the plan (what merging changes), drift already there, and what the pull request fixes.",
            valueName: "rev"))
    var base: String?

    @Option(
        name: .customLong("applied-by"),
        help: ArgumentHelp(
            "Pull-request mode: who applies the merge. controller (default): a GitOps controller applies and prunes these objects, so planned changes do not fail; manual: nobody does (Argo CD 3.x excludes Endpoints and EndpointSlices by default), so a planned change not yet live is drift.",
            valueName: "controller|manual"))
    var appliedBy: String = AppliedBy.controller.rawValue

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the configuration from this file instead of .endpoint-drift.yaml at the checked commit.",
            valueName: "file"))
    var config: String?

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Findings that fail the run (comma-separated, repeatable): types, or all, drift, lint, error, warning, none; with --base also planned, pre-existing, introduced (combined with the types by 'and'). Default: findings of severity error; with --base, introduced lint errors and drift already there on the Services the pull request touches.",
            valueName: "types"))
    var failOn: [String] = []

    @Flag(name: .customLong("exit-zero"), help: "Exit 0 whenever the check ran, whatever it found.")
    var exitZero = false

    var appliedByValue: AppliedBy { AppliedBy(rawValue: appliedBy) ?? .controller }

    func validate() throws {
        guard AppliedBy(rawValue: appliedBy) != nil else {
            throw ValidationError(
                "--applied-by '\(appliedBy)': use \(AppliedBy.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if !failOn.isEmpty {
            do {
                _ = try FailPolicy(parsing: failOn)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}
