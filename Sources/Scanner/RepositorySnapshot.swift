import DesiredState
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

    /// Reads every selected manifest of the commit, then builds the objects the GitOps controllers
    /// would apply from them (kustomize, Flux, Argo CD; see `DesiredStateBuilder`). Never throws for
    /// one bad file: its problem is in `errors` and the scan goes on.
    public func scan(_ options: ScanOptions = ScanOptions()) throws(ScanError) -> ScanResult {
        var result = ScanResult(
            repositoryPath: repository.displayPath, revision: revision, commitID: commit.id.hex,
            commitSummary: commit.summary, commitTime: commit.time)
        let resultCache = ScanResultCache(treeID: commit.treeID.hex, options: options)
        if let cached = resultCache?.load(into: result) { return cached }
        let cache = options.cache.flatMap { BlobCache($0) }
        result = try Self.scanTree(commit: commit, repository: repository, options: options, cache: cache, into: result)
        resultCache?.store(result)
        return result
    }

    /// The scan itself: the tree walked, the files read (or taken from the blob cache), the
    /// desired state built.
    private static func scanTree(
        commit: Commit, repository: Repository, options: ScanOptions, cache: BlobCache?, into result: ScanResult
    ) throws(ScanError) -> ScanResult {
        var result = result
        var tasks: [ParallelRead.ReadTask] = []
        var kustomizations: [String] = []
        let filter = options.filter
        let tree = GitFileTree(repository: repository, maxFileSize: options.maxFileSize)
        do {
            // The whole tree: a kustomization or Flux Kustomization outside `--path` can still
            // decide how the selected files are deployed.
            try repository.walkTree(commit.treeID) { entry in
                tree.add(entry)
                if filter.isUnderPrefix(entry.path) { result.stats.filesInTree += 1 }
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
                    if Kustomization.isKustomizationFile(entry.path) { kustomizations.append(entry.path) }
                    if filter.selects(entry.path) {
                        tasks.append(ParallelRead.ReadTask(entry: entry, selected: true))
                    } else if entry.path.hasSuffix(".yaml") || entry.path.hasSuffix(".yml") {
                        tasks.append(ParallelRead.ReadTask(entry: entry, selected: false))
                    }
                case .tree:
                    break
                }
            }
        } catch let error as GitError {
            throw ScanError(error)
        } catch {
            throw ScanError(operation: "walk tree", subject: commit.id.hex, message: "\(error)")
        }
        result.stats.filesSelected = tasks.count { $0.selected }

        let reader = FileReader(commitID: commit.id.hex, options: options, cache: cache)
        let threads = min(options.threads ?? ScanOptions.automaticThreads, max(1, tasks.count / 64))
        let read =
            threads > 1
            ? ParallelRead.run(tasks, gitDirectory: repository.gitDirectory, threads: threads, reader: reader)
            : []
        var files: [DesiredStateInput.ReadFile] = []
        var gitOps: [DesiredStateInput.GitOpsDocument] = []
        var variableSources: [String] = []
        for (index, task) in tasks.enumerated() {
            // A file no worker read (none could open the repository) is read here.
            let file =
                (read.indices.contains(index) ? read[index] : nil)
                ?? reader.read(task.entry, selected: task.selected, repository)
            switch file.cache {
            case .hit: result.cacheUse.hits += 1
            case .stored: result.cacheUse.stored += 1
            case .miss: result.cacheUse.unstored += 1
            case .none: break
            }
            gitOps += file.gitOpsDocuments.map { DesiredStateInput.GitOpsDocument(path: file.path, root: $0) }
            if file.mayHoldVariables { variableSources.append(file.path) }
            guard file.selected else { continue }
            file.merge(into: &result)
            files.append(
                DesiredStateInput.ReadFile(
                    path: file.path, records: file.records, hasPlaceholders: file.hasPlaceholders))
        }

        if let cache {
            cache.flush()
            if result.cacheUse.stored > 0 { cache.trim() }
        }

        // Plain manifests with nothing to build: the records are final as read.
        guard
            !kustomizations.isEmpty || !gitOps.isEmpty || files.contains(where: \.hasPlaceholders)
                || !options.variableFiles.isEmpty
        else { return result }
        let prefixFilter = PathFilter(
            prefixes: filter.prefixes, includes: ["*"], excludes: filter.excludes.map(\.pattern))
        let input = DesiredStateInput(
            tree: tree, kustomizationFiles: kustomizations, gitOpsDocuments: gitOps,
            variableSourceFiles: variableSources, files: files, variableFiles: options.variableFiles,
            clusterVariables: options.clusterVariables, selectsEntry: { prefixFilter.selects($0) },
            selectsFile: { filter.selects($0) },
            defaultNamespace: options.defaultNamespace, limits: options.limits, commitID: commit.id.hex)
        let built = DesiredStateBuilder.build(input)
        guard built.changedAnything else { return result }
        let replaced = built.rebuiltFiles.union(built.excludedFiles)
        result.errors = result.errors.filter { !replaced.contains($0.path) } + built.errors
        result.notes = result.notes.filter { !built.rebuiltFiles.contains($0.path) } + built.notes
        result.records = built.records.sorted { lhs, rhs in
            let left = lhs.source ?? SourceLocation(path: "", line: 0)
            let right = rhs.source ?? SourceLocation(path: "", line: 0)
            if left.path != right.path { return left.path < right.path }
            if left.line != right.line { return left.line < right.line }
            return lhs.ref.namespace < rhs.ref.namespace
        }
        result.uncomparable = built.uncomparable
        result.variableSourceRequests = built.variableSourceRequests
        result.secretValues = built.secretValues
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
