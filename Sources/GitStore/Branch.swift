import CLibgit2

extension Repository {
    /// Whether `name` is a valid local branch name (`git check-ref-format --branch`).
    public static func isValidBranchName(_ name: String) -> Bool {
        Libgit2.ensureInitialized()
        var valid: Int32 = 0
        guard git_branch_name_is_valid(&valid, name) == 0 else { return false }
        return valid != 0
    }

    /// The commit a local branch points at, or `nil` when there is no such branch.
    public func branchTarget(_ name: String) throws(GitError) -> ObjectID? {
        guard let reference = try OwnedReference(branch: name, in: self) else { return nil }
        return ObjectID(pointer: git_reference_target(reference.pointer))
    }

    /// The branch HEAD points at (`main`), or `nil` when HEAD is detached or unborn.
    public func currentBranch() -> String? {
        var raw: OpaquePointer?
        guard git_repository_head(&raw, pointer) == 0, let raw else { return nil }
        defer { git_reference_free(raw) }
        guard git_reference_is_branch(raw) != 0, let name = git_reference_shorthand(raw) else { return nil }
        return String(cString: name)
    }

    /// Creates local branch `name` at `target`. An existing branch is moved only with `force`, and never
    /// when it is the branch checked out (that would change what HEAD means). Returns where the branch
    /// pointed before, so that a failed run can put it back.
    @discardableResult
    public func createBranch(_ name: String, at target: ObjectID, force: Bool) throws(GitError) -> ObjectID? {
        guard Self.isValidBranchName(name) else {
            throw GitError(
                operation: "create branch", subject: name, kind: .invalidSpec, message: "not a valid branch name")
        }
        let previous = try branchTarget(name)
        if let previous {
            guard force else {
                throw GitError(
                    operation: "create branch", subject: name, kind: .exists,
                    message:
                        "the branch already exists (at \(previous.short)); pass --branch with another name, or --force to move it"
                )
            }
            if currentBranch() == name {
                throw GitError(
                    operation: "create branch", subject: name, kind: .exists,
                    message: "the branch is checked out; moving it would change HEAD. Pass --branch with another name")
            }
        }
        let commit = try OwnedCommit(repository: self, id: target)
        var raw: OpaquePointer?
        try Libgit2.check(
            git_branch_create(&raw, pointer, name, commit.pointer, force ? 1 : 0), "git_branch_create", name)
        git_reference_free(raw)
        return previous
    }

    /// Points reference `name` (a full name, `refs/...`) at `target`, creating or moving it.
    public func setReference(_ name: String, to target: ObjectID) throws(GitError) {
        var oid = target.oid
        var raw: OpaquePointer?
        try Libgit2.check(git_reference_create(&raw, pointer, name, &oid, 1, nil), "git_reference_create", name)
        git_reference_free(raw)
    }

    /// Points reference `name` at `target` only if it is still at `expected` (`nil`: only if it does
    /// not exist), in one step: a reference someone moved since it was looked at is left alone.
    public func moveReference(_ name: String, to target: ObjectID, from expected: ObjectID?) throws(GitError) {
        var oid = target.oid
        var raw: OpaquePointer?
        let status: Int32
        if var current = expected?.oid {
            status = git_reference_create_matching(&raw, pointer, name, &oid, 1, &current, nil)
        } else {
            status = git_reference_create(&raw, pointer, name, &oid, 0, nil)
        }
        git_reference_free(raw)
        if status == GIT_EMODIFIED.rawValue || status == GIT_EEXISTS.rawValue {
            throw GitError(
                operation: "move reference", subject: name, kind: .exists,
                message: "it changed since it was looked at; it is left as it is")
        }
        try Libgit2.check(status, "git_reference_create", name)
    }

    /// Deletes a local branch (used to undo `createBranch` when a later step of a run fails).
    public func deleteBranch(_ name: String) throws(GitError) {
        guard let reference = try OwnedReference(branch: name, in: self) else { return }
        try Libgit2.check(git_branch_delete(reference.pointer), "git_branch_delete", name)
    }
}

/// Owns a `git_reference`.
final class OwnedReference {
    let pointer: OpaquePointer

    /// The local branch `name`, or `nil` when it does not exist.
    init?(branch name: String, in repository: Repository) throws(GitError) {
        var raw: OpaquePointer?
        let status = git_branch_lookup(&raw, repository.pointer, name, GIT_BRANCH_LOCAL)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EINVALIDSPEC.rawValue { return nil }
        try Libgit2.check(status, "git_branch_lookup", name)
        guard let raw else { return nil }
        pointer = raw
    }

    deinit { git_reference_free(pointer) }
}

/// Owns a `git_commit`.
final class OwnedCommit {
    let pointer: OpaquePointer

    init(repository: Repository, id: ObjectID) throws(GitError) {
        var oid = id.oid
        var raw: OpaquePointer?
        try Libgit2.check(git_commit_lookup(&raw, repository.pointer, &oid), "git_commit_lookup", id.hex)
        guard let raw else {
            throw GitError(operation: "git_commit_lookup", subject: id.hex, kind: .notFound, message: "no commit")
        }
        pointer = raw
    }

    deinit { git_commit_free(pointer) }
}
