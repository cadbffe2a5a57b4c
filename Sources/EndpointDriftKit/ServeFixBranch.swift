import Drift
import Foundation
import GitStore
import Manifests
import Remediation
import Scanner

/// `serve --fix-branch NAME`: the `fix --to live` commit of the report serve holds, made on top of
/// the commit serve serves and put on branch NAME: pushed to the remote (`--repo URL`, a force push
/// of that one branch, with the fetch's credentials) or set in the local repository (`--repo PATH`;
/// the working tree, the index and HEAD are not touched).
///
/// The branch belongs to serve: each fix replaces the previous one, but a branch whose tip serve did
/// not make (no `CommitMessage.serveTrailer` for NAME) is never moved.
///
/// `make` blocks on libgit2 (and the network): run it off the concurrency pool, one at a time.
struct ServeFixBranch: Sendable {
    let name: String
    /// The remote followed; `nil`: the local repository at `repositoryPath`.
    let remote: ServeJob.Remote?
    let repositoryPath: String
    /// The revision as the user gave it (the commit message names it).
    let revision: String
    let scanOptions: ScanOptions
    /// Where `GIT_AUTHOR_*` / `GIT_COMMITTER_*` are read from.
    let environment: [String: String]
    let clusterName: String

    /// Who the commit is by when neither the environment nor the repository's configuration says
    /// (a container has neither).
    static let defaultAuthor = "endpoint-drift <endpoint-drift@localhost>"

    /// What a report was computed from: the fix is made from the same.
    struct Basis: Sendable {
        var scan: ScanResult
        var records: [ObjectRecord]
        var report: DriftReport
        /// The commit serve serves (full id): the fix commit's parent.
        var commit: String
    }

    enum Outcome: Sendable, Equatable {
        /// A new fix commit is on the branch.
        case committed(ObjectID)
        /// The branch already holds this fix (same parent, same tree): nothing was made.
        case unchanged(ObjectID)
        /// The drift needs nothing git can take (or a person): nothing was made.
        case nothingToFix
    }

    func make(_ basis: Basis) throws(RunError) -> Outcome {
        let mirror = remote?.mirror
        // The remote's tip first: the commits fetched with it are then there for the snapshot to read.
        let remoteTip: ObjectID?
        do {
            remoteTip = try mirror?.remoteBranchTip(name)
        } catch {
            throw RunError(operation: "--fix-branch", subject: name, message: "\(error)")
        }
        let snapshot: RepositorySnapshot
        do {
            snapshot = try RepositorySnapshot(repositoryPath: mirror?.path ?? repositoryPath, revision: basis.commit)
        } catch {
            throw RunError(error)
        }
        let planned = FixEdits.plan(
            scan: basis.scan, liveRecords: basis.records, check: basis.report,
            options: FixPlanner.Options(direction: .live), filter: scanOptions.filter)
        let output = try FixEdits.correctedFiles(
            planned, snapshot: snapshot, scan: basis.scan, defaultNamespace: scanOptions.defaultNamespace,
            utf8Only: true)
        guard !output.files.isEmpty else { return .nothingToFix }
        let repository = snapshot.repository
        do {
            let tip = mirror == nil ? try repository.branchTarget(name) : remoteTip
            if mirror == nil, repository.currentBranch() == name {
                throw RunError(
                    operation: "--fix-branch", subject: name,
                    message: "the branch is checked out; serve does not move the branch HEAD is on")
            }
            let previous = try tip.map { (id) throws(GitError) in try repository.commit(id: id) }
            if let previous, !CommitMessage.isServeFix(previous.message, branch: name) {
                throw RunError(
                    operation: "--fix-branch", subject: name,
                    message:
                        "the branch is at \(previous.id.short), a commit serve did not make (no \"\(CommitMessage.serveTrailer): \(name)\" trailer); it is left as it is: delete it, or pass another --fix-branch"
                )
            }
            let committer = try FixCommitter(
                gitDirectory: repository.gitDirectory, baseCommit: snapshot.commit.id,
                baseTree: snapshot.commit.treeID)
            let tree = try committer.buildTree(output.files)
            if let previous, previous.parentIDs == [snapshot.commit.id], previous.treeID == tree {
                return .unchanged(previous.id)
            }
            let identity: (author: Signature, committer: Signature)
            do {
                identity = try CommitIdentity.resolve(author: nil, environment: environment, repository: repository)
            } catch {
                identity = try CommitIdentity.resolve(
                    author: Self.defaultAuthor, environment: environment, repository: repository)
            }
            let message = CommitMessage.make(
                services: output.services,
                context: CommitMessage.Context(
                    liveSource: "the watch of cluster \(clusterName)", observedAt: basis.report.live?.observedAt ?? "",
                    scannedCommit: basis.commit, revision: remote?.branch ?? revision, version: Version.current,
                    fixBranch: name))
            let id = try committer.makeCommit(message: message, author: identity.author, committer: identity.committer)
            let pack = try committer.publish()
            if let mirror {
                try mirror.push(id, toBranch: name, replacing: tip)
            } else {
                do {
                    try repository.moveReference("refs/heads/\(name)", to: id, from: tip)
                } catch {
                    committer.undo(pack: pack, branch: nil, previousTarget: nil)
                    throw error
                }
            }
            return .committed(id)
        } catch let error as RunError {
            throw error
        } catch let error as RemediationError {
            throw RunError(operation: error.operation, subject: error.subject, message: error.message)
        } catch {
            throw RunError(operation: "--fix-branch", subject: name, message: "\(error)")
        }
    }
}
