import CLibgit2

/// One change to a tree: a file written (new or replaced) or removed, by repository path.
public enum TreeChange: Sendable, Hashable {
    case write(path: String, blob: ObjectID, executable: Bool)
    case remove(path: String)

    public var path: String {
        switch self {
        case .write(let path, _, _), .remove(let path): path
        }
    }
}

/// Pack files written into a repository by `ObjectStage.publish()`; `remove()` takes them out again
/// when a later step of the same run fails.
public struct PublishedPack: Sendable, Hashable {
    /// Absolute paths of the `.pack` and `.idx` files.
    public let paths: [String]

    public init(paths: [String]) { self.paths = paths }
}

/// Builds git objects (blobs, trees, a commit) in memory on top of a repository, then writes them in
/// one pack when asked to.
///
/// Everything is written to an in-memory object backend (libgit2's mempack) added with the highest
/// priority to a handle of its own: reads see both the repository and the new objects, writes touch
/// nothing on disk. A run that only wants a diff or a patch never writes to the repository, and a run
/// that fails before `publish()` leaves no loose objects behind.
public final class ObjectStage {
    /// A handle of our own: the mempack backend stays attached to its object database for its life.
    public let repository: Repository
    /// Owned by the object database of `repository` once added (libgit2 frees it with the database).
    private let backend: UnsafeMutablePointer<git_odb_backend>

    /// Opens the repository at `gitDirectory` a second time and attaches the in-memory backend.
    public init(gitDirectory: String) throws(GitError) {
        repository = try Repository.discover(from: gitDirectory)
        let odb = try repository.objectDatabase()
        var raw: UnsafeMutablePointer<git_odb_backend>?
        try Libgit2.check(git_mempack_new(&raw), "git_mempack_new", repository.displayPath)
        guard let raw else {
            throw GitError(
                operation: "git_mempack_new", subject: repository.displayPath, kind: .other(code: -1),
                message: "no backend")
        }
        // Highest priority: libgit2 writes to the first backend that accepts writes.
        let status = git_odb_add_backend(odb, raw, 999)
        if status < 0 {
            // Not added, so still ours to free.
            let error = Libgit2.error(status, "git_odb_add_backend", repository.displayPath)
            raw.pointee.free?(raw)
            throw error
        }
        backend = raw
    }

    /// Stores `bytes` as a blob (in memory); returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let status = bytes.withUnsafeBytes { buffer in
            git_blob_create_from_buffer(&oid, repository.pointer, buffer.baseAddress, buffer.count)
        }
        try Libgit2.check(status, "git_blob_create_from_buffer", "\(bytes.count) bytes")
        return ObjectID(oid)
    }

    /// The tree `base` with `changes` applied; new folders are created and emptied ones disappear, as git does.
    public func writeTree(base: ObjectID, changes: [TreeChange]) throws(GitError) -> ObjectID {
        let index = try OwnedIndex()
        let tree = try OwnedTree(repository: repository, id: base)
        try Libgit2.check(git_index_read_tree(index.pointer, tree.pointer), "git_index_read_tree", base.hex)
        for change in changes {
            switch change {
            case .write(let path, let blob, let executable):
                var entry = git_index_entry()
                entry.mode = executable ? 0o100755 : 0o100644
                entry.id = blob.oid
                let status = path.withCString { cPath in
                    entry.path = cPath
                    return git_index_add(index.pointer, &entry)
                }
                try Libgit2.check(status, "git_index_add", path)
            case .remove(let path):
                try Libgit2.check(git_index_remove(index.pointer, path, 0), "git_index_remove", path)
            }
        }
        var oid = git_oid()
        try Libgit2.check(
            git_index_write_tree_to(&oid, index.pointer, repository.pointer), "git_index_write_tree_to", base.hex)
        return ObjectID(oid)
    }

    /// A commit of `tree` with the given parents; no reference is updated (HEAD is never touched).
    public func writeCommit(
        tree treeID: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) throws(GitError) -> ObjectID {
        let tree = try OwnedTree(repository: repository, id: treeID)
        var parentCommits: [OwnedCommit] = []
        for parent in parents { parentCommits.append(try OwnedCommit(repository: repository, id: parent)) }
        let authorSignature = try OwnedSignature(author)
        let committerSignature = try OwnedSignature(committer)
        var oid = git_oid()
        var parentPointers: [OpaquePointer?] = parentCommits.map { $0.pointer }
        let status = parentPointers.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(
                &oid, repository.pointer, nil, authorSignature.pointer, committerSignature.pointer, nil,
                message, tree.pointer, parents.count, buffer.baseAddress)
        }
        withExtendedLifetime(parentCommits) {}
        try Libgit2.check(status, "git_commit_create", treeID.hex)
        return ObjectID(oid)
    }

    /// The difference between two trees as a unified diff in git's format (`diff --git`, `index`
    /// lines, three lines of context), which `git apply` takes.
    public func diff(from oldTree: ObjectID, to newTree: ObjectID) throws(GitError) -> String {
        let old = try OwnedTree(repository: repository, id: oldTree)
        let new = try OwnedTree(repository: repository, id: newTree)
        var options = git_diff_options()
        try Libgit2.check(
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init", "")
        var raw: OpaquePointer?
        try Libgit2.check(
            git_diff_tree_to_tree(&raw, repository.pointer, old.pointer, new.pointer, &options),
            "git_diff_tree_to_tree", "\(oldTree.short)..\(newTree.short)")
        guard let raw else { return "" }
        defer { git_diff_free(raw) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try Libgit2.check(
            git_diff_to_buf(&buffer, raw, GIT_DIFF_FORMAT_PATCH), "git_diff_to_buf",
            "\(oldTree.short)..\(newTree.short)")
        return Self.string(buffer)
    }

    /// The commit as one mbox message, as `git format-patch` writes it, for `git am`.
    public func emailPatch(commit commitID: ObjectID) throws(GitError) -> String {
        let commit = try OwnedCommit(repository: repository, id: commitID)
        var options = git_email_create_options()
        options.version = 1
        options.flags = GIT_EMAIL_CREATE_NO_RENAMES.rawValue
        options.start_number = 1
        try Libgit2.check(
            git_diff_options_init(&options.diff_opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init", "")
        options.diff_opts.flags = GIT_DIFF_SHOW_BINARY.rawValue
        try Libgit2.check(
            git_diff_find_options_init(&options.diff_find_opts, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)),
            "git_diff_find_options_init", "")
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let status = "PATCH".withCString { prefix in
            options.subject_prefix = prefix
            return git_email_create_from_commit(&buffer, commit.pointer, &options)
        }
        try Libgit2.check(status, "git_email_create_from_commit", commitID.hex)
        return Self.string(buffer)
    }

    /// Writes every object built so far into the repository as one pack (pack and index written to
    /// temporary files and renamed by libgit2's indexer). Returns the files, or `nil` when nothing was new.
    public func publish() throws(GitError) -> PublishedPack? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try Libgit2.check(
            git_mempack_dump(&buffer, repository.pointer, backend), "git_mempack_dump", repository.displayPath)
        guard let data = buffer.ptr, buffer.size >= 12 else { return nil }
        let raw = UnsafeRawPointer(data)
        // Bytes 8..<12 of a pack header hold the object count, big-endian.
        let count = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(raw.load(fromByteOffset: 8 + $1, as: UInt8.self)) }
        guard count > 0 else { return nil }
        let packFolder = Self.packFolder(repository)
        var options = git_indexer_options()
        try Libgit2.check(
            git_indexer_options_init(&options, UInt32(GIT_INDEXER_OPTIONS_VERSION)), "git_indexer_options_init", "")
        var rawIndexer: OpaquePointer?
        try Libgit2.check(git_indexer_new(&rawIndexer, packFolder, 0, nil, &options), "git_indexer_new", packFolder)
        guard let indexer = rawIndexer else {
            throw GitError(
                operation: "git_indexer_new", subject: packFolder, kind: .other(code: -1), message: "no indexer")
        }
        defer { git_indexer_free(indexer) }
        var progress = git_indexer_progress()
        try Libgit2.check(git_indexer_append(indexer, data, buffer.size, &progress), "git_indexer_append", packFolder)
        try Libgit2.check(git_indexer_commit(indexer, &progress), "git_indexer_commit", packFolder)
        guard let name = git_indexer_name(indexer) else {
            throw GitError(
                operation: "git_indexer_name", subject: packFolder, kind: .other(code: -1), message: "pack has no name")
        }
        let base = packFolder + "/pack-" + String(cString: name)
        return PublishedPack(paths: [base + ".pack", base + ".idx"])
    }

    /// `objects/pack` of the repository's common folder (linked worktrees share it).
    private static func packFolder(_ repository: Repository) -> String {
        var folder = String(cString: git_repository_commondir(repository.pointer))
        if folder.hasSuffix("/") { folder.removeLast() }
        return folder + "/objects/pack"
    }

    private static func string(_ buffer: git_buf) -> String {
        guard let pointer = buffer.ptr, buffer.size > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
    }
}

/// Owns an in-memory `git_index` (never the repository's own index file).
final class OwnedIndex {
    let pointer: OpaquePointer

    init() throws(GitError) {
        var raw: OpaquePointer?
        try Libgit2.check(git_index_new(&raw), "git_index_new", "in-memory index")
        guard let raw else {
            throw GitError(
                operation: "git_index_new", subject: "in-memory index", kind: .other(code: -1), message: "no index")
        }
        pointer = raw
    }

    deinit { git_index_free(pointer) }
}

extension Repository {
    /// The blob id the working-tree file at `path` would get from `git add` (clean filters such as
    /// CRLF conversion applied), or `nil` when there is no file. Compared with a commit's blob id it
    /// tells whether the file differs from that commit.
    public func workingTreeBlobID(_ path: String) throws(GitError) -> ObjectID? {
        guard let workingDirectory else {
            throw GitError(
                operation: "read working tree", subject: path, kind: .notFound,
                message: "the repository is bare; it has no working tree")
        }
        let full = workingDirectory + path
        guard FileExistence.isRegularFile(full) else { return nil }
        var oid = git_oid()
        try Libgit2.check(
            git_repository_hashfile(&oid, pointer, full, GIT_OBJECT_BLOB, path), "git_repository_hashfile", path)
        return ObjectID(oid)
    }
}
