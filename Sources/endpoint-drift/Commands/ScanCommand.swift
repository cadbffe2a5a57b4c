import ArgumentParser
import EndpointDriftKit
import Reporting

/// `endpoint-drift scan`: print the desired inventory read from git.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Print the external services defined in the repository (from a commit, never the working tree).",
        discussion: """
            Reads Services, Endpoints and EndpointSlices (discovery.k8s.io/v1) from the commit named by --ref. \
            Uncommitted changes are not seen: commit them, or pass another --ref.

            Exit codes: 0 read; 2 the repository or revision could not be read, or no file could be read \
            (with --strict: any file could not be read).
            """ + "\n\n" + Examples.scan)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.validate(formats: InventoryFormat.allCases.map(\.rawValue))
    }

    func run() throws {
        let status = try ScanJob.run(
            ScanJob.Configuration(
                repositoryPath: repository.repo, revision: repository.ref, options: repository.scanOptions,
                strict: repository.strict, outputs: output.targets, color: output.colorEnabled))
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
