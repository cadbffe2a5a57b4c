import DesiredState
import Foundation
import Manifests

/// What to read from the repository and how.
public struct ScanOptions: Sendable, Hashable {
    public var filter: PathFilter
    /// Larger blobs are skipped with a note (default 5 MiB).
    public var maxFileSize: Int
    /// For objects without `metadata.namespace` and no kustomization namespace.
    public var defaultNamespace: String
    public var limits: ParseLimits
    /// Threads that read files; nil: one per core, at most eight (`automaticThreads`). The result
    /// is the same for any number.
    public var threads: Int?
    /// `--vars FILE`: values for Flux variables that nothing in git defines.
    public var variableFiles: [VariableFile]
    /// `--vars-from-cluster`: the `substituteFrom` objects an earlier scan asked for, as read live.
    public var clusterVariables: [ClusterVariableSource]
    /// `--cache DIR`: what earlier runs learned from blobs (see `BlobCache`); nil reads every blob.
    /// The result is the same with or without it.
    public var cache: BlobCacheSettings?

    public init(
        filter: PathFilter = PathFilter(), maxFileSize: Int = 5 * 1024 * 1024, defaultNamespace: String = "default",
        limits: ParseLimits = .standard, threads: Int? = nil, variableFiles: [VariableFile] = [],
        clusterVariables: [ClusterVariableSource] = [], cache: BlobCacheSettings? = nil
    ) {
        self.filter = filter
        self.maxFileSize = maxFileSize
        self.defaultNamespace = defaultNamespace
        self.limits = limits
        self.threads = threads
        self.variableFiles = variableFiles
        self.clusterVariables = clusterVariables
        self.cache = cache
    }

    public static var automaticThreads: Int { min(ProcessInfo.processInfo.activeProcessorCount, 8) }
}

/// Counts of what a scan looked at.
public struct ScanStats: Sendable, Hashable, Codable {
    public var filesInTree = 0
    public var filesSelected = 0
    public var filesRead = 0
    public var bytesRead = 0
    public var documentsParsed = 0
    public var documentsSkipped = 0

    public init() {}
}

/// The desired state read from one commit.
public struct ScanResult: Sendable {
    public var repositoryPath: String
    public var revision: String
    public var commitID: String
    public var commitSummary: String
    /// Committer time, seconds since 1970.
    public var commitTime: Int64
    /// Sorted by path, then line.
    public var records: [ObjectRecord]
    public var errors: [ManifestError]
    public var notes: [ScanNote]
    /// Objects built from git that cannot be compared (a placeholder where it matters, or a
    /// kustomize feature that is not reproduced); their Services are not compared.
    public var uncomparable: [UncomparableObject] = []
    /// Unresolved variables may come from these `substituteFrom` objects, which git does not hold
    /// readably: `--vars-from-cluster` reads them and scans again.
    public var variableSourceRequests: Set<VariableSourceRequest> = []
    /// Variable values that came from Secrets (in git or read from the cluster): never printed;
    /// `SecretMask` hides them in every output.
    public var secretValues: Set<String> = []
    public var stats: ScanStats
    /// How the blob cache served this scan (not part of any output: a scan's result is the same
    /// with or without the cache).
    public var cacheUse = ScanCacheUse()

    public init(
        repositoryPath: String, revision: String, commitID: String, commitSummary: String = "", commitTime: Int64 = 0,
        records: [ObjectRecord] = [], errors: [ManifestError] = [], notes: [ScanNote] = [],
        stats: ScanStats = ScanStats()
    ) {
        self.repositoryPath = repositoryPath
        self.revision = revision
        self.commitID = commitID
        self.commitSummary = commitSummary
        self.commitTime = commitTime
        self.records = records
        self.errors = errors
        self.notes = notes
        self.stats = stats
    }

    public var inventory: ServiceInventory { ServiceInventory(records: records) }
}

/// Blobs the cache answered for, and blobs read and then stored.
public struct ScanCacheUse: Sendable, Hashable {
    public var hits = 0
    public var stored = 0
    /// Read, but the entry could not be written.
    public var unstored = 0
    /// The whole result came from the cache (the same tree was scanned before with the same
    /// options): no blob was read or looked up.
    public var wholeTree = false

    public init() {}
}
