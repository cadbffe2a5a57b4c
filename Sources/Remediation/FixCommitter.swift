import GitStore

/// Turns the edited files into git objects on top of the scanned commit: a tree, its diff, and on
/// request a commit and its mbox patch. Everything stays in memory (`ObjectStage`) until `publish()`;
/// the working tree, the index and HEAD are never touched.
public final class FixCommitter {
    private let stage: ObjectStage
    public let baseCommit: ObjectID
    public let baseTree: ObjectID
    public private(set) var tree: ObjectID?
    public private(set) var commit: ObjectID?

    public init(gitDirectory: String, baseCommit: ObjectID, baseTree: ObjectID) throws(RemediationError) {
        do {
            stage = try ObjectStage(gitDirectory: gitDirectory)
        } catch {
            throw Self.wrap(error)
        }
        self.baseCommit = baseCommit
        self.baseTree = baseTree
    }

    /// The scanned tree with the files changed, added and deleted.
    @discardableResult
    public func buildTree(_ files: [ManifestEditor.FileResult]) throws(RemediationError) -> ObjectID {
        do {
            var changes: [TreeChange] = []
            for file in files {
                guard let bytes = file.edited else {
                    changes.append(.remove(path: file.path))
                    continue
                }
                let existing = try stage.repository.entry(at: file.path, inTree: baseTree)
                changes.append(
                    .write(path: file.path, blob: try stage.writeBlob(bytes), executable: existing?.mode == .executable)
                )
            }
            let id = try stage.writeTree(base: baseTree, changes: changes)
            tree = id
            return id
        } catch {
            throw Self.wrap(error)
        }
    }

    /// The unified diff from the scanned tree to the new one (what `--patch` writes).
    public func diff() throws(RemediationError) -> String {
        guard let tree else { return "" }
        do {
            return try stage.diff(from: baseTree, to: tree)
        } catch {
            throw Self.wrap(error)
        }
    }

    /// A commit of the new tree whose parent is the scanned commit (no reference is updated).
    @discardableResult
    public func makeCommit(
        message: String, author: Signature, committer: Signature
    ) throws(RemediationError)
        -> ObjectID
    {
        guard let tree else {
            throw RemediationError(operation: "commit", subject: baseCommit.short, message: "no tree was built")
        }
        do {
            let id = try stage.writeCommit(
                tree: tree, parents: [baseCommit], author: author, committer: committer,
                message: message.hasSuffix("\n") ? message : message + "\n")
            commit = id
            return id
        } catch {
            throw Self.wrap(error)
        }
    }

    /// The commit as an mbox message for `git am` (what `--format-patch` writes).
    public func emailPatch() throws(RemediationError) -> String {
        guard let commit else {
            throw RemediationError(operation: "format patch", subject: baseCommit.short, message: "no commit was made")
        }
        do {
            return try stage.emailPatch(commit: commit)
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Writes the new objects into the repository (one pack).
    public func publish() throws(RemediationError) -> PublishedPack? {
        do {
            return try stage.publish()
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Points branch `name` at the commit; returns where an existing branch pointed (moved only with `force`).
    public func createBranch(_ name: String, force: Bool) throws(RemediationError) -> ObjectID? {
        guard let commit else {
            throw RemediationError(operation: "create branch", subject: name, message: "no commit was made")
        }
        do {
            return try stage.repository.createBranch(name, at: commit, force: force)
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Undoes `publish()` and `createBranch` after a later step failed: the branch is deleted (or put
    /// back where it was) and the pack files are removed.
    public func undo(pack: PublishedPack?, branch: String?, previousTarget: ObjectID?) {
        if let branch {
            if let previousTarget {
                _ = try? stage.repository.createBranch(branch, at: previousTarget, force: true)
            } else {
                try? stage.repository.deleteBranch(branch)
            }
        }
        for path in pack?.paths ?? [] { PackFiles.remove(path) }
    }

    static func wrap(_ error: any Error) -> RemediationError {
        if let error = error as? GitError {
            return RemediationError(operation: error.operation, subject: error.subject, message: error.message)
        }
        if let error = error as? RemediationError { return error }
        return RemediationError(operation: "git", subject: "", message: "\(error)")
    }
}
