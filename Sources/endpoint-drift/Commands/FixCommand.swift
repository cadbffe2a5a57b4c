import ArgumentParser
import EndpointDriftKit
import LiveState
import Remediation

/// `endpoint-drift fix`: correct the manifests (or write what to apply) so that git and the cluster agree.
struct FixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract:
            "Make git's external-service backends equal the cluster's (or write what to apply so the cluster equals git).",
        discussion: """
            --to live (default) edits the manifests read from --ref with minimal, comment-preserving edits. \
            Without an output option nothing is written and the planned edits are shown. Outputs combine: \
            --write (working tree), --out DIR, --patch FILE|-, --commit (new branch; working tree, index and HEAD \
            untouched), --format-patch FILE|-. All files are written together or not at all.

            --to git writes the Endpoints/EndpointSlice objects to `kubectl apply` (to --out DIR, or stdout).

            .endpoint-drift.yaml (or --config) applies as in `check`: excluded namespaces and services are not \
            touched, and what an ignore rule or the endpoint-drift.io/ignore annotation ignores is left as it is.

            Exit codes: 0 fixed, or nothing to fix; 1 drift remains that could not be fixed automatically; \
            2 could not run.
            """ + "\n\n" + Examples.fix)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var output: OutputOptions

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var clusterVariables: ClusterVariableOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the configuration (ignore rules) from this file instead of .endpoint-drift.yaml at --ref.",
            valueName: "file"))
    var config: String?

    @Option(name: .customLong("to"), help: "Which side to correct: live (edit git to match the cluster) or git.")
    var direction: DirectionOption = .live

    @Flag(name: .long, help: "Remove desired objects that do not exist in the cluster (--to live).")
    var prune = false

    @Flag(
        name: .customLong("prune-all"),
        help: "With --prune: delete even when that removes more than half of the desired objects.")
    var pruneAll = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the cluster's unmanaged external services into new files under this repository folder (--to live).",
            valueName: "dir"))
    var adopt: String?

    @Flag(name: .long, help: "Edit the files in the working tree.")
    var write = false

    @Flag(
        name: .long,
        help:
            "With --write: overwrite files that differ from the scanned commit. With --commit: move an existing branch."
    )
    var force = false

    @Option(name: .long, help: ArgumentHelp("Write the corrected files under this folder.", valueName: "dir"))
    var out: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Write a unified diff (git format) to this file, - for stdout.", valueName: "file"))
    var patch: String?

    @Flag(name: .long, help: "Commit the fix on a new branch (parent: the scanned commit).")
    var commit = false

    @Option(name: .long, help: "The branch for --commit (default endpoint-drift/fix-<short sha>).")
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("Author and committer of the commit.", valueName: "Name <email>"))
    var author: String?

    @Option(
        name: .customLong("format-patch"),
        help: ArgumentHelp(
            "Write the fix commit as an mbox patch (for git am) to this file, - for stdout.", valueName: "file"))
    var formatPatch: String?

    func validate() throws {
        try clusterVariables.validate(liveFile: cluster.liveFile)
        try output.validate(formats: FixJob.formats)
        if direction == .git {
            for (set, flag) in [
                (write, "--write"), (commit, "--commit"), (patch != nil, "--patch"),
                (formatPatch != nil, "--format-patch"),
                (prune || pruneAll, "--prune"), (adopt != nil, "--adopt"),
            ] where set {
                throw ValidationError(
                    "\(flag) edits git; --to git writes the objects to apply instead (to --out DIR, or stdout)")
            }
            if out == nil && output.targets.contains(where: \.writesToStdout)
                && output.targets.contains(where: { $0.format != "text" })
            {
                throw ValidationError(
                    "--to git without --out prints the manifests to stdout; write -o json to a file (json=FILE)")
            }
        }
        if branch != nil && !commit { throw ValidationError("--branch needs --commit") }
        if [patch, formatPatch].filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one of --patch and --format-patch can go to stdout")
        }
        if (patch == "-" || formatPatch == "-"),
            output.targets.contains(where: { $0.writesToStdout && $0.format != "text" })
        {
            throw ValidationError("stdout carries the patch; write -o json to a file (json=FILE)")
        }
    }

    func run() async throws {
        let settings = cluster.settings
        var configuration = FixJob.Configuration(liveSource: try settings.makeSource())
        configuration.scope = settings.explicitScope
        configuration.configFile = config
        configuration.repositoryPath = repository.repo
        configuration.revision = repository.ref
        configuration.scanOptions = repository.scanOptions
        configuration.variablesFromCluster = clusterVariables.variablesFromCluster
        configuration.strict = repository.strict
        configuration.direction = direction.value
        configuration.prune = prune || pruneAll
        configuration.pruneAll = pruneAll
        configuration.adoptDirectory = adopt
        configuration.write = write
        configuration.force = force
        configuration.outDirectory = out
        configuration.patchFile = patch
        configuration.commit = commit
        configuration.branch = branch
        configuration.author = author
        configuration.formatPatchFile = formatPatch
        configuration.outputs = output.targets
        configuration.color = output.colorEnabled
        let status = try await FixJob.run(configuration)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}

enum DirectionOption: String, ExpressibleByArgument, CaseIterable {
    case live, git

    var value: FixDirection { self == .live ? .live : .git }
}
