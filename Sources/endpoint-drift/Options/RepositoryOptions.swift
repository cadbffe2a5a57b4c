import ArgumentParser
import DesiredState
import EndpointDriftKit
import Foundation
import Scanner

/// Where the desired state comes from: shared by `scan`, `lint`, `check` and `fix`.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: "The git repository, or a folder inside it (bare repositories too).")
    var repo: String = "."

    @Option(
        name: .long,
        help:
            "The commit to read: branch, tag, SHA, HEAD~2, origin/main. Files are read from this commit's tree only; uncommitted edits are not seen."
    )
    var ref: String = "HEAD"

    @Option(name: .customLong("path"), help: "Only read files under this folder or file (repeatable).")
    var paths: [String] = []

    @Option(
        name: .customLong("include"),
        help: "Only read files matching this glob (repeatable; default *.yaml, *.yml, *.json).")
    var includes: [String] = []

    @Option(name: .customLong("exclude"), help: "Skip files matching this glob (repeatable).")
    var excludes: [String] = []

    @Option(name: .long, help: "Skip files larger than this many bytes (suffixes Ki, Mi accepted).")
    var maxFileSize: String = "5Mi"

    @Option(name: .long, help: "Namespace for objects that name none and have no kustomization namespace.")
    var defaultNamespace: String = "default"

    @Option(
        name: .customLong("vars"),
        help: ArgumentHelp(
            "Values for Flux variables (${VAR}) that git does not define: a YAML or JSON map, or KEY=value lines (repeatable; earlier files win).",
            valueName: "file"))
    var variableFiles: [String] = []

    @Flag(name: .long, help: "Exit 2 when any file cannot be read, not only when nothing could be.")
    var strict = false

    @Option(
        name: .customLong("cache"),
        help: ArgumentHelp(
            "Keep what each git blob gave here, so the next run reads only new blobs (default $XDG_CACHE_HOME/endpoint-drift, else ~/.cache/endpoint-drift).",
            valueName: "dir"))
    var cacheDirectory: String?

    @Option(
        name: .customLong("cache-max-size"),
        help: "Trim the cache to this many bytes on disk, the entries used longest ago first (suffixes Ki, Mi, Gi).")
    var cacheMaxSize: String = "256Mi"

    @Flag(name: .customLong("no-cache"), help: "Read every blob; neither use nor write the cache.")
    var noCache = false

    func validate() throws {
        for path in variableFiles {
            _ = try Self.loadVariables(path)
        }
        guard ByteSize.parse(maxFileSize) != nil else {
            throw ValidationError("--max-file-size: '\(maxFileSize)' is not a size (e.g. 5242880, 512Ki, 5Mi)")
        }
        guard !defaultNamespace.isEmpty else { throw ValidationError("--default-namespace must not be empty") }
        if noCache && cacheDirectory != nil { throw ValidationError("--cache and --no-cache exclude each other") }
        guard ByteSize.parse(cacheMaxSize) != nil else {
            throw ValidationError("--cache-max-size: '\(cacheMaxSize)' is not a size (e.g. 64Mi, 1Gi)")
        }
        if cacheDirectory?.isEmpty == true { throw ValidationError("--cache must name a folder") }
    }

    /// The blob cache's place: `--cache`, else the user's cache folder; nil with `--no-cache`. A
    /// build of another version or commit never uses another's entries.
    var cacheSettings: BlobCacheSettings? {
        guard !noCache, let directory = cacheDirectory ?? BlobCacheSettings.defaultDirectory() else { return nil }
        let build = BuildInfo.current
        var tool = "\(build.version) \(build.commit)"
        // A build `make dist` did not stamp (a developer's): its size and time stand for its code,
        // so that a rebuilt reader never uses what the previous build cached.
        if build.commit == "unknown" { tool += " " + Self.executableStamp }
        return BlobCacheSettings(
            directory: directory, toolVersion: tool, maxBytes: ByteSize.parse(cacheMaxSize) ?? 256 * 1024 * 1024)
    }

    /// The running executable's size and modification time, or "" when they cannot be read.
    static var executableStamp: String {
        guard let path = Bundle.main.executablePath,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
        else { return "" }
        return "exe \(size) \(modified.timeIntervalSince1970)"
    }

    var scanOptions: ScanOptions {
        ScanOptions(
            filter: PathFilter(prefixes: paths, includes: includes, excludes: excludes),
            maxFileSize: ByteSize.parse(maxFileSize) ?? 5 * 1024 * 1024, defaultNamespace: defaultNamespace,
            variableFiles: variableFiles.compactMap { try? Self.loadVariables($0) }, cache: cacheSettings)
    }

    /// Reads one `--vars` file.
    static func loadVariables(_ path: String) throws -> VariableFile {
        do {
            return try VariableFileLoader.load(path)
        } catch {
            throw ValidationError("--vars \(path): \(error.message)")
        }
    }
}

/// `5Mi`, `512Ki`, `1G`, `1000`.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let units: [(String, Int)] = [
            ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("K", 1000), ("M", 1_000_000),
            ("G", 1_000_000_000),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)), number >= 0 else { return nil }
            // `9223372036854775807Ki` is not a size either: refused, not a trap on overflow.
            let (size, overflow) = number.multipliedReportingOverflow(by: factor)
            return overflow ? nil : size
        }
        guard let number = Int(text), number >= 0 else { return nil }
        return number
    }
}
