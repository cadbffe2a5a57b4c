import CLibgit2

extension Repository {
    /// The size of an object in bytes, read from its header without inflating its content where the
    /// storage allows it.
    public func objectSize(_ id: ObjectID) throws(GitError) -> Int {
        let odb = try objectDatabase()
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_ANY
        try Libgit2.check(git_odb_read_header(&size, &type, odb, &oid), "git_odb_read_header", id.hex)
        return size
    }

    /// Calls `body` with the blob's bytes; they are valid only inside `body` (no copy is made).
    public func withBlob<R>(_ id: ObjectID, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let blob = try OwnedBlob(repository: self, id: id)
        let size = Int(git_blob_rawsize(blob.pointer))
        let buffer = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob.pointer), count: size)
        return try body(buffer)
    }

    /// The blob's bytes, copied.
    public func blobBytes(_ id: ObjectID) throws -> [UInt8] {
        try withBlob(id) { Array($0) }
    }
}

/// Owns a `git_blob` handle.
final class OwnedBlob {
    let pointer: OpaquePointer

    init(repository: Repository, id: ObjectID) throws(GitError) {
        var oid = id.oid
        var raw: OpaquePointer?
        try Libgit2.check(git_blob_lookup(&raw, repository.pointer, &oid), "git_blob_lookup", id.hex)
        guard let raw else {
            throw GitError(operation: "git_blob_lookup", subject: id.hex, kind: .notFound, message: "no blob")
        }
        pointer = raw
    }

    deinit { git_blob_free(pointer) }
}
