import CLibgit2

/// A commit, read out of libgit2 into a value.
public struct Commit: Sendable, Hashable {
    public let id: ObjectID
    public let treeID: ObjectID
    /// The first line of the message.
    public let summary: String
    /// The whole message (`serve --fix-branch` looks for its trailer in it).
    public let message: String
    /// Committer time, seconds since 1970.
    public let time: Int64
    public let parentIDs: [ObjectID]

    init(commitPointer: OpaquePointer) {
        id = ObjectID(git_commit_id(commitPointer).pointee)
        treeID = ObjectID(git_commit_tree_id(commitPointer).pointee)
        summary = git_commit_summary(commitPointer).map { String(cString: $0) } ?? ""
        message = git_commit_message(commitPointer).map { String(cString: $0) } ?? ""
        time = Int64(git_commit_time(commitPointer))
        let count = git_commit_parentcount(commitPointer)
        var parents: [ObjectID] = []
        for index in 0..<count {
            if let parent = ObjectID(pointer: git_commit_parent_id(commitPointer, index)) { parents.append(parent) }
        }
        parentIDs = parents
    }
}
