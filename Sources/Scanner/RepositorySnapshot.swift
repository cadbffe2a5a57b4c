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
                result.errors.append(Self.unreadable(entry, error))
            }
        }

        let reader = FileReader(commitID: commit.id.hex, options: options, namespaces: namespaces)
        let threads = min(options.threads ?? ScanOptions.automaticThreads, max(1, candidates.count / 64))
        let files =
            threads > 1
            ? ParallelRead.run(candidates, gitDirectory: repository.gitDirectory, threads: threads, reader: reader)
            : []
        for (index, entry) in candidates.enumerated() {
            // A file no worker read (none could open the repository) is read here.
            let file = files.indices.contains(index) ? files[index] : nil
            (file ?? reader.read(entry, repository)).merge(into: &result)
        }
        return result
    }

    static func unreadable(_ entry: TreeEntry, _ error: any Error) -> ManifestError {
        let detail = (error as? GitError)?.message ?? "\(error)"
        return ManifestError(
            kind: .unreadable, path: entry.path, line: 0, column: 0,
            message:
                "cannot read blob \(entry.id.short): \(detail) (a partial or shallow clone? try `git fetch --unshallow`)"
        )
    }
}
