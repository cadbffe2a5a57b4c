import GitStore
import Manifests

/// Reads one selected file of a commit into its records, notes and errors. A value with no
/// repository of its own, so that several threads can use one, each with its own `Repository`.
struct FileReader: Sendable {
    let commitID: String
    let options: ScanOptions

    /// Reads one file. `selected`: a file to check; otherwise read only for what it says about how
    /// the repository is deployed (Flux Kustomizations, Argo CD Applications, variable sources).
    func read(_ entry: TreeEntry, selected: Bool, _ repository: Repository) -> FileResult {
        var result = FileResult(path: entry.path, selected: selected)
        do {
            let size = try repository.objectSize(entry.id)
            if size > options.maxFileSize {
                guard selected else { return result }
                result.notes.append(
                    ScanNote(
                        path: entry.path, reason: .tooLarge,
                        message: "\(size) bytes, over the \(options.maxFileSize)-byte limit (--max-file-size)"))
                return result
            }
            let output = try repository.withBlob(entry.id) { bytes in
                if selected { result.bytesRead += bytes.count }
                return ManifestFileReader.read(
                    bytes, path: entry.path, limits: options.limits, mode: selected ? .objects : .discovery)
            }
            result.gitOpsDocuments = output.gitOpsDocuments.map(\.root)
            result.mayHoldVariables = output.mayHoldVariables
            guard selected else { return result }
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
        } catch {
            if selected { result.errors.append(RepositorySnapshot.unreadable(entry, error)) }
        }
        return result
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
