import GitStore
import Manifests

/// Reads one selected file of a commit into its records, notes and errors. A value with no
/// repository of its own, so that several threads can use one, each with its own `Repository`.
struct FileReader: Sendable {
    let commitID: String
    let options: ScanOptions
    let namespaces: KustomizationNamespaces

    func read(_ entry: TreeEntry, _ repository: Repository) -> FileResult {
        var result = FileResult()
        do {
            let size = try repository.objectSize(entry.id)
            if size > options.maxFileSize {
                result.notes.append(
                    ScanNote(
                        path: entry.path, reason: .tooLarge,
                        message: "\(size) bytes, over the \(options.maxFileSize)-byte limit (--max-file-size)"))
                return result
            }
            let output = try repository.withBlob(entry.id) { bytes in
                result.bytesRead += bytes.count
                return ManifestFileReader.read(bytes, path: entry.path, limits: options.limits)
            }
            result.filesRead = 1
            result.documentsParsed = output.parsedDocuments
            result.documentsSkipped = output.skippedDocuments
            result.errors = output.errors
            result.notes = output.notes
            for object in output.objects {
                let rule: NamespaceRule
                let namespace: String
                if let written = object.object.metadata.namespace {
                    (namespace, rule) = (written, .metadata)
                } else if let found = namespaces.namespace(for: entry.path) {
                    (namespace, rule) = (found.namespace, .kustomization(path: found.kustomization))
                } else {
                    (namespace, rule) = (options.defaultNamespace, .defaultNamespace)
                }
                result.records.append(
                    object.record(
                        path: entry.path, namespace: namespace, rule: rule, blobID: entry.id.hex, commitID: commitID))
            }
        } catch {
            result.errors.append(RepositorySnapshot.unreadable(entry, error))
        }
        return result
    }
}

/// What one file gave; merged into the scan result in the tree's order.
struct FileResult: Sendable {
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
