import Manifests

/// What a file tree entry is.
public enum FileTreeKind: Sendable, Hashable {
    case file
    case folder
}

/// The files of one commit, as the desired-state step sees them: paths from the repository root,
/// slash-separated, "" for the root. The scanner implements it over git; tests over a dictionary.
/// Reading is lazy: a build only reads the files it includes.
public protocol FileTree {
    /// `nil` when nothing is at `path`.
    func kind(of path: String) -> FileTreeKind?
    /// The direct children of a folder (files and folders), full paths, in git's (sorted) order.
    func children(of folder: String) -> [String]
    /// A file's bytes.
    func bytes(of path: String) throws(DesiredStateError) -> [UInt8]
    /// The file's content id (git's blob id), for source locations; "" when unknown.
    func contentID(of path: String) -> String
}

extension FileTree {
    public func contentID(of path: String) -> String { "" }
}

/// A file tree held in memory: for tests and for callers that already have the files.
public struct MemoryFileTree: FileTree, Sendable {
    private var files: [String: [UInt8]] = [:]
    private var folders: [String: Set<String>] = ["": []]

    public init(_ files: [String: String] = [:]) {
        for (path, text) in files { add(path, text) }
    }

    public mutating func add(_ path: String, _ text: String) {
        files[path] = Array(text.utf8)
        var child = path
        var folder = RepoPath.folder(of: path)
        while true {
            folders[folder, default: []].insert(child)
            if folder.isEmpty { break }
            child = folder
            folder = RepoPath.folder(of: folder)
        }
    }

    public func kind(of path: String) -> FileTreeKind? {
        if files[path] != nil { return .file }
        return folders[path] != nil ? .folder : nil
    }

    public func children(of folder: String) -> [String] { (folders[folder] ?? []).sorted() }

    public func bytes(of path: String) throws(DesiredStateError) -> [UInt8] {
        guard let bytes = files[path] else {
            throw DesiredStateError(operation: "read file", subject: path, message: "no such file in the commit")
        }
        return bytes
    }
}
