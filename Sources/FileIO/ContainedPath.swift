import Foundation

/// A relative path placed under a folder, refused when it could land outside it: an absolute path,
/// a `..` or empty component, or an existing symbolic link (file or folder) that points out of the
/// folder. The paths come from repositories and live object names, which a hostile snapshot or
/// repository chooses.
public enum ContainedPath {
    /// The full path of `relative` under `root`; throws naming `relative` and why.
    public static func resolve(_ relative: String, under root: String) throws(AtomicFile.WriteError) -> String {
        func refuse(_ why: String) -> AtomicFile.WriteError {
            AtomicFile.WriteError(operation: "place", path: relative, message: why)
        }
        guard !relative.isEmpty else { throw refuse("the path is empty") }
        guard !relative.hasPrefix("/") else { throw refuse("the path is absolute; it must stay inside \(root)") }
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) {
            throw refuse("the path has an empty, `.` or `..` part; it must stay inside \(root)")
        }
        if relative.utf8.contains(0) { throw refuse("the path contains a NUL byte") }
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        let full = base.isEmpty ? "/" + relative : base + "/" + relative
        // Only what exists can be a link; what does not yet exist is created as plain folders.
        guard let realRoot = realPath(base.isEmpty ? "/" : base) else { return full }
        var current = base
        for component in components {
            current += "/" + component
            var info = stat()
            guard lstat(current, &info) == 0 else { break }
            if info.st_mode & S_IFMT == S_IFLNK {
                guard let target = realPath(current) else {
                    throw refuse("\(current) is a symbolic link to a missing file; it is not followed")
                }
                guard target == realRoot || target.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
                    throw refuse("\(current) is a symbolic link to \(target), outside \(root)")
                }
            }
        }
        return full
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
