import GitStore

/// `--path` and `--include` that select no file at the commit are a mistake, not "0 services": a
/// typo (`clusters/prd`) must not pass a CI job. The error names the nearest paths that exist.
extension RepositorySnapshot {
    /// Throws when the filter was given by the user (a `--path`, or `--include` other than the
    /// default) and `result` read no file; does nothing otherwise.
    public func requireSelection(_ result: ScanResult, _ filter: PathFilter) throws(ScanError) {
        let explicitIncludes = filter.includes.map(\.pattern) != PathFilter.defaultIncludes
        guard result.stats.filesSelected == 0, !filter.prefixes.isEmpty || explicitIncludes else { return }
        var folders = Set<String>()
        var files: [String] = []
        do {
            try repository.walkTree(commit.treeID) { entry in
                // Folders are known by the files in them (the walk visits files, not folders).
                var folder = Substring(entry.path)
                while let slash = folder.lastIndex(of: "/") {
                    folder = folder[..<slash]
                    guard folders.insert(String(folder)).inserted else { break }
                }
                if entry.mode != .tree, filter.isUnderPrefix(entry.path) { files.append(entry.path) }
            }
        } catch {
            return
        }
        let at = "at \(revision) (\(commit.id.short))"
        let missing = filter.prefixes.filter { prefix in
            !folders.contains(prefix) && !files.contains(prefix)
        }
        if !missing.isEmpty {
            let nearest = Self.nearest(to: missing, in: folders)
            let names = missing.joined(separator: ", ")
            throw ScanError(
                operation: "select files", subject: "--path \(names)",
                message:
                    "no such folder or file \(at)"
                    + (nearest.isEmpty ? "" : "; nearest existing paths: \(nearest.joined(separator: ", "))")
                    + " (paths are relative to the repository root)")
        }
        let includes = filter.includes.map(\.pattern).joined(separator: ", ")
        let examples = files.sorted().prefix(3).joined(separator: ", ")
        throw ScanError(
            operation: "select files", subject: "--include \(includes)",
            message:
                "selects none of the \(files.count) file\(files.count == 1 ? "" : "s") "
                + (filter.prefixes.isEmpty ? "" : "under \(filter.prefixes.joined(separator: ", ") ) ") + at
                + (examples.isEmpty ? "" : "; they include \(examples)"))
    }

    /// Up to three folders closest to the missing paths by edit distance, closest first.
    static func nearest(to missing: [String], in folders: Set<String>) -> [String] {
        var scored: [(distance: Int, path: String)] = []
        for folder in folders {
            let distance = missing.map { EditDistance.between($0, folder) }.min() ?? Int.max
            scored.append((distance, folder))
        }
        scored.sort { ($0.distance, $0.path) < ($1.distance, $1.path) }
        return scored.prefix(3).map(\.path)
    }
}
