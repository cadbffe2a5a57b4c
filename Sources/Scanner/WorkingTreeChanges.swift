import Foundation
import GitStore

/// endpoint-drift reads commits, never the working tree: an edit that is not committed is not
/// checked. Saying so in one line saves a user from trusting a PASS for a file they just changed.
extension RepositorySnapshot {
    /// "3 files under clusters/ have uncommitted changes; endpoint-drift reads commits only", or
    /// `nil` when the selected files of the working tree are those of this commit (or the repository
    /// has no working tree).
    public func uncommittedChangesNote(_ filter: PathFilter) -> String? {
        guard let root = repository.workingDirectory else { return nil }
        var committed: [String: ObjectID] = [:]
        do {
            try repository.walkTree(commit.treeID, descend: filter.shouldDescend) { entry in
                if entry.mode == .file || entry.mode == .executable, filter.selects(entry.path) {
                    committed[entry.path] = entry.id
                }
            }
        } catch {
            return nil
        }
        var changed = 0
        for (path, id) in committed where (try? repository.workingTreeBlobID(path)) != id { changed += 1 }
        // Files in the working tree that the commit does not have (new, not committed).
        let folders = filter.prefixes.isEmpty ? [""] : filter.prefixes
        let files = FileManager.default
        for folder in folders {
            let start = folder.isEmpty ? root : (root.hasSuffix("/") ? root : root + "/") + folder
            guard let walker = files.enumerator(atPath: start) else { continue }
            while let name = walker.nextObject() as? String {
                if name == ".git" || name.hasPrefix(".git/") {
                    walker.skipDescendants()
                    continue
                }
                let path = folder.isEmpty ? name : "\(folder)/\(name)"
                guard committed[path] == nil, filter.selects(path) else { continue }
                var isFolder: ObjCBool = false
                if files.fileExists(atPath: start + "/" + name, isDirectory: &isFolder), !isFolder.boolValue,
                    !repository.isIgnored(path)
                {
                    changed += 1
                }
            }
        }
        guard changed > 0 else { return nil }
        let scope =
            filter.prefixes.isEmpty ? "the scanned paths" : filter.prefixes.map { "\($0)/" }.joined(separator: ", ")
        let against = revision == "HEAD" ? "" : " (compared with \(revision))"
        return "\(changed) file\(changed == 1 ? "" : "s") under \(scope) \(changed == 1 ? "has" : "have") uncommitted "
            + "changes\(against); endpoint-drift reads commits only"
    }
}
