import GitStore
import Manifests

/// A repository at one commit: the only view of the desired state this tool has. Files are read
/// from the commit's tree, never from the working tree or the index, so uncommitted edits are not seen.
public final class RepositorySnapshot {
    public let repository: Repository
    public let commit: Commit
    /// The revision as the user wrote it.
    public let revision: String

    /// Opens the repository at or above `path` and resolves `revision` to a commit.
    public init(repositoryPath path: String, revision: String = "HEAD") throws(ScanError) {
        do {
            repository = try Repository.discover(from: path)
            commit = try repository.commit(revision)
        } catch {
            throw ScanError(error)
        }
        self.revision = revision
    }

    public init(repository: Repository, revision: String) throws(ScanError) {
        self.repository = repository
        do {
            commit = try repository.commit(revision)
        } catch {
            throw ScanError(error)
        }
        self.revision = revision
    }

    /// A file's bytes at this commit, or `nil` when the commit has no file at `path`.
    public func readFile(_ path: String) throws(ScanError) -> [UInt8]? {
        do {
            guard let entry = try repository.entry(at: path, inTree: commit.treeID), entry.mode != .tree else {
                return nil
            }
            return try repository.blobBytes(entry.id)
        } catch let error as GitError {
            throw ScanError(error)
        } catch {
            throw ScanError(operation: "read file", subject: path, message: "\(error)")
        }
    }

    /// Reads every selected manifest of the commit. Never throws for one bad file: its problem is in
    /// `errors` and the scan goes on.
    public func scan(_ options: ScanOptions = ScanOptions()) throws(ScanError) -> ScanResult {
        var result = ScanResult(
            repositoryPath: repository.displayPath, revision: revision, commitID: commit.id.hex,
            commitSummary: commit.summary, commitTime: commit.time)
        var candidates: [TreeEntry] = []
        var kustomizationEntries: [TreeEntry] = []
        let filter = options.filter
        do {
            try repository.walkTree(commit.treeID, descend: filter.shouldDescend) { entry in
                result.stats.filesInTree += 1
                if KustomizationNamespaces.isKustomization(entry.path) && entry.mode != .submodule {
                    kustomizationEntries.append(entry)
                }
                switch entry.mode {
                case .submodule:
                    if filter.isUnderPrefix(entry.path) {
                        result.notes.append(
                            ScanNote(
                                path: entry.path, reason: .submodule,
                                message: "submodule; its files live in another repository and are not read"))
                    }
                case .symlink:
                    if filter.selects(entry.path) {
                        result.notes.append(
                            ScanNote(path: entry.path, reason: .symlink, message: "symbolic link; not followed"))
                    }
                case .file, .executable:
                    if filter.selects(entry.path) { candidates.append(entry) }
                case .tree:
                    break
                }
            }
        } catch let error as GitError {
            throw ScanError(error)
        } catch {
            throw ScanError(operation: "walk tree", subject: commit.id.hex, message: "\(error)")
        }
        result.stats.filesSelected = candidates.count

        var namespaces = KustomizationNamespaces()
        for entry in kustomizationEntries {
            do {
                let broken = try repository.withBlob(entry.id) { namespaces.add(path: entry.path, bytes: $0) }
                // A broken kustomization that is also a selected manifest is reported once, by the manifest read.
                if let broken, !filter.selects(entry.path) { result.errors.append(broken) }
            } catch {
                result.errors.append(unreadable(entry, error))
            }
        }

        for entry in candidates {
            read(entry, options: options, namespaces: namespaces, into: &result)
        }
        return result
    }

    private func read(
        _ entry: TreeEntry, options: ScanOptions, namespaces: KustomizationNamespaces, into result: inout ScanResult
    ) {
        do {
            let size = try repository.objectSize(entry.id)
            if size > options.maxFileSize {
                result.notes.append(
                    ScanNote(
                        path: entry.path, reason: .tooLarge,
                        message: "\(size) bytes, over the \(options.maxFileSize)-byte limit (--max-file-size)"))
                return
            }
            let output = try repository.withBlob(entry.id) { bytes in
                result.stats.bytesRead += bytes.count
                return ManifestFileReader.read(bytes, path: entry.path, limits: options.limits)
            }
            result.stats.filesRead += 1
            result.stats.documentsParsed += output.parsedDocuments
            result.stats.documentsSkipped += output.skippedDocuments
            result.errors.append(contentsOf: output.errors)
            result.notes.append(contentsOf: output.notes)
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
                let source = SourceLocation(
                    path: entry.path, line: object.line, column: object.column, documentIndex: object.documentIndex,
                    itemIndex: object.itemIndex, blobID: entry.id.hex, commitID: commit.id.hex)
                result.records.append(
                    ObjectRecord(
                        object: object.object,
                        ref: ObjectRef(
                            kind: object.object.kind, namespace: namespace, name: object.object.metadata.name),
                        source: source, namespaceRule: rule))
            }
        } catch {
            result.errors.append(unreadable(entry, error))
        }
    }

    private func unreadable(_ entry: TreeEntry, _ error: any Error) -> ManifestError {
        let detail = (error as? GitError)?.message ?? "\(error)"
        return ManifestError(
            kind: .unreadable, path: entry.path, line: 0, column: 0,
            message:
                "cannot read blob \(entry.id.short): \(detail) (a partial or shallow clone? try `git fetch --unshallow`)"
        )
    }
}
