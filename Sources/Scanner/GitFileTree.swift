import DesiredState
import GitStore

/// The files of one commit for the desired-state step: the listing made by the scan's tree walk,
/// and blobs read on demand. Symbolic links and submodules are not files here (never followed).
final class GitFileTree: FileTree {
    private let repository: Repository
    private let maxFileSize: Int
    /// The walk's file entries, indexed on the first question: most scans have nothing to build and
    /// never ask one.
    private var entries: [TreeEntry] = []
    private var indexed = false
    private var files: [String: TreeEntry] = [:]
    private var folders: [String: [String]] = ["": []]

    init(repository: Repository, maxFileSize: Int) {
        self.repository = repository
        self.maxFileSize = maxFileSize
    }

    /// Records one entry of the walk (in the walk's order: a folder's files, then each subfolder's
    /// whole subtree in turn, so a folder's children arrive together).
    func add(_ entry: TreeEntry) {
        guard entry.mode == .file || entry.mode == .executable else { return }
        entries.append(entry)
    }

    private func index() {
        guard !indexed else { return }
        indexed = true
        files.reserveCapacity(entries.count)
        for entry in entries {
            files[entry.path] = entry
            var child = entry.path
            var folder = RepoPath.folder(of: child)
            while true {
                if folders[folder] != nil {
                    if folders[folder]?.last != child { folders[folder]?.append(child) }
                    // A folder already known is listed in its parent, and so on up to the root.
                    break
                }
                folders[folder] = [child]
                child = folder
                folder = RepoPath.folder(of: folder)
            }
        }
        entries = []
    }

    func kind(of path: String) -> FileTreeKind? {
        index()
        if files[path] != nil { return .file }
        return folders[path] != nil ? .folder : nil
    }

    func children(of folder: String) -> [String] {
        index()
        return (folders[folder] ?? []).sorted()
    }

    func bytes(of path: String) throws(DesiredStateError) -> [UInt8] {
        index()
        guard let entry = files[path] else {
            throw DesiredStateError(operation: "read file", subject: path, message: "no such file in the commit")
        }
        do {
            let size = try repository.objectSize(entry.id)
            guard size <= maxFileSize else {
                throw DesiredStateError(
                    operation: "read file", subject: path,
                    message: "\(size) bytes, over the \(maxFileSize)-byte limit (--max-file-size)")
            }
            return try repository.blobBytes(entry.id)
        } catch let error as DesiredStateError {
            throw error
        } catch {
            throw DesiredStateError(
                operation: "read file", subject: path,
                message: "cannot read blob \(entry.id.short): \(error) (a partial or shallow clone? try "
                    + "`git fetch --unshallow`)")
        }
    }

    func contentID(of path: String) -> String {
        index()
        return files[path]?.id.hex ?? ""
    }
}
