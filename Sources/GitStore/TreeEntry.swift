import CLibgit2

/// One file-like entry of a commit's tree, with its full path from the repository root.
public struct TreeEntry: Sendable, Hashable {
    /// What the entry is, from its git file mode.
    public enum Mode: Sendable, Hashable {
        case file
        case executable
        case symlink
        case submodule
        case tree
    }

    /// Slash-separated path from the repository root, without a leading slash.
    public let path: String
    public let id: ObjectID
    public let mode: Mode

    init(path: String, id: ObjectID, rawMode: git_filemode_t) {
        self.path = path
        self.id = id
        switch rawMode {
        case GIT_FILEMODE_BLOB_EXECUTABLE: mode = .executable
        case GIT_FILEMODE_LINK: mode = .symlink
        case GIT_FILEMODE_COMMIT: mode = .submodule
        case GIT_FILEMODE_TREE: mode = .tree
        default: mode = .file
        }
    }
}

extension Repository {
    /// Visits every non-tree entry under `treeID` in path order. `descend` is asked for each folder
    /// (its path without trailing slash) so that whole subtrees can be skipped without reading them.
    public func walkTree(
        _ treeID: ObjectID,
        descend: (String) -> Bool = { _ in true },
        visit: (TreeEntry) throws -> Void
    ) throws {
        var pending: [(prefix: String, id: ObjectID)] = [("", treeID)]
        while let (prefix, id) = pending.popLast() {
            let tree = try OwnedTree(repository: self, id: id)
            var subtrees: [(String, ObjectID)] = []
            let count = git_tree_entrycount(tree.pointer)
            for index in 0..<count {
                guard let entry = git_tree_entry_byindex(tree.pointer, index),
                    let entryID = ObjectID(pointer: git_tree_entry_id(entry))
                else { continue }
                let name = String(cString: git_tree_entry_name(entry))
                let path = prefix.isEmpty ? name : prefix + "/" + name
                let item = TreeEntry(path: path, id: entryID, rawMode: git_tree_entry_filemode(entry))
                if item.mode == .tree {
                    if descend(path) { subtrees.append((path, entryID)) }
                } else {
                    try visit(item)
                }
            }
            // Reverse so that popLast visits folders in the tree's (sorted) order.
            pending.append(contentsOf: subtrees.reversed())
        }
    }

    /// The entry at `path` in the tree, or `nil` when there is none.
    public func entry(at path: String, inTree treeID: ObjectID) throws(GitError) -> TreeEntry? {
        let tree = try OwnedTree(repository: self, id: treeID)
        var raw: OpaquePointer?
        let status = git_tree_entry_bypath(&raw, tree.pointer, path)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try Libgit2.check(status, "git_tree_entry_bypath", path)
        guard let raw else { return nil }
        defer { git_tree_entry_free(raw) }
        guard let entryID = ObjectID(pointer: git_tree_entry_id(raw)) else { return nil }
        return TreeEntry(path: path, id: entryID, rawMode: git_tree_entry_filemode(raw))
    }
}

/// Owns a `git_tree` handle.
final class OwnedTree {
    let pointer: OpaquePointer

    init(repository: Repository, id: ObjectID) throws(GitError) {
        var oid = id.oid
        var raw: OpaquePointer?
        try Libgit2.check(git_tree_lookup(&raw, repository.pointer, &oid), "git_tree_lookup", id.hex)
        guard let raw else {
            throw GitError(operation: "git_tree_lookup", subject: id.hex, kind: .notFound, message: "no tree")
        }
        pointer = raw
    }

    deinit { git_tree_free(pointer) }
}
