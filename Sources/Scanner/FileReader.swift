import GitStore
import Manifests

/// Reads one selected file of a commit into its records, notes and errors. A value with no
/// repository of its own, so that several threads can use one, each with its own `Repository`.
struct FileReader: Sendable {
    let commitID: String
    let options: ScanOptions
    /// Where what earlier runs learned from blobs is kept; nil: every blob is read.
    let cache: BlobCache?

    /// Reads one file. `selected`: a file to check; otherwise read only for what it says about how
    /// the repository is deployed (Flux Kustomizations, Argo CD Applications, variable sources).
    func read(_ entry: TreeEntry, selected: Bool, _ repository: Repository) -> FileResult {
        var result = FileResult(path: entry.path, selected: selected)
        let key = cache?.key(blobID: entry.id.hex, path: entry.path, selected: selected, limits: options.limits)
        if let cache, let key, var cached = cache.load(key) {
            result.cache = .hit
            // The entry may have been written for the same blob at another path.
            cached.output.errors = cached.output.errors.map { $0.inFile(entry.path) }
            for index in cached.output.notes.indices { cached.output.notes[index].path = entry.path }
            take(cached.output, size: cached.size, entry, selected: selected, into: &result)
            return result
        }
        do {
            let size = try repository.objectSize(entry.id)
            if size > options.maxFileSize {
                guard selected else { return result }
                result.notes.append(tooLarge(entry, size: size))
                return result
            }
            let output = try repository.withBlob(entry.id) { bytes in
                ManifestFileReader.read(
                    bytes, path: entry.path, limits: options.limits, mode: selected ? .objects : .discovery)
            }
            if let cache, let key {
                result.cache = cache.store(BlobCacheEntry(size: size, output: output), under: key) ? .stored : .miss
            }
            take(output, size: size, entry, selected: selected, into: &result)
        } catch {
            // Not cached: a blob missing from a shallow clone may be fetched before the next run.
            if selected { result.errors.append(RepositorySnapshot.unreadable(entry, error)) }
        }
        return result
    }

    private func tooLarge(_ entry: TreeEntry, size: Int) -> ScanNote {
        ScanNote(
            path: entry.path, reason: .tooLarge,
            message: "\(size) bytes, over the \(options.maxFileSize)-byte limit (--max-file-size)")
    }

    /// Fills `result` from what the reader gave for the blob, read now or earlier (the cache).
    private func take(
        _ output: ManifestFileReader.Output, size: Int, _ entry: TreeEntry, selected: Bool,
        into result: inout FileResult
    ) {
        if size > options.maxFileSize {
            // A cached entry of a run with a larger limit.
            if selected { result.notes.append(tooLarge(entry, size: size)) }
            return
        }
        result.gitOpsDocuments = output.gitOpsDocuments.map(\.root)
        result.mayHoldVariables = output.mayHoldVariables
        guard selected else { return }
        result.bytesRead = size
        result.hasPlaceholders = output.hasPlaceholders
        result.filesRead = 1
        result.documentsParsed = output.parsedDocuments
        result.documentsSkipped = output.skippedDocuments
        result.errors = output.errors
        result.notes = output.notes
        for object in output.objects {
            // kustomize, Flux and Argo CD may still move it: the desired-state step decides.
            let written = object.object.metadata.namespace
            result.records.append(
                object.record(
                    path: entry.path, namespace: written ?? options.defaultNamespace,
                    rule: written == nil ? .defaultNamespace : .metadata, blobID: entry.id.hex, commitID: commitID))
        }
    }
}

/// What one file gave; merged into the scan result in the tree's order.
struct FileResult: Sendable {
    var path: String
    var selected: Bool
    var gitOpsDocuments: [Node] = []
    var mayHoldVariables = false
    var hasPlaceholders = false
    var notes: [ScanNote] = []
    var errors: [ManifestError] = []
    var records: [ObjectRecord] = []
    var bytesRead = 0
    var filesRead = 0
    var documentsParsed = 0
    var documentsSkipped = 0
    /// Whether the cache answered (hit), was written (stored), could not be written (miss), or was
    /// not asked (none: no cache, or the blob could not be read).
    var cache = CacheUse.none

    enum CacheUse: Sendable { case none, hit, stored, miss }

    func merge(into result: inout ScanResult) {
        result.stats.bytesRead += bytesRead
        result.stats.filesRead += filesRead
        result.stats.documentsParsed += documentsParsed
        result.stats.documentsSkipped += documentsSkipped
        result.errors += errors
        result.notes += notes
        result.records += records
    }
}
