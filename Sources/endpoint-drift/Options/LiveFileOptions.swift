import ArgumentParser
import LiveState

/// `--live-file`: the live state from a `kubectl get` dump instead of the API server.
struct LiveFileOptions: ParsableArguments {
    @Option(
        name: .customLong("live-file"),
        help: ArgumentHelp(
            "Read the live state from this file (- for stdin): the output of `kubectl get services,endpoints,endpointslices -A -o json` (or -o yaml).",
            valueName: "file"))
    var liveFile: String?

    /// The source to read; `nil` when none was given.
    var source: (any LiveStateSource)? { liveFile.map(SnapshotFileSource.init(path:)) }
}
