/// Repository paths: slash-separated, relative to the repository root, no leading or trailing
/// slash, "" for the root.
public enum RepoPath {
    // Searched in the UTF-8 view: Character-wise search is the slow part of a scan's tree listing.
    public static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    public static func name(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// `relative` resolved against `folder` (`./`, `..` and repeated slashes handled); `nil` when it
    /// leaves the repository or is absolute.
    public static func resolve(_ relative: String, in folder: String) -> String? {
        guard !relative.hasPrefix("/") else { return nil }
        var parts = folder.isEmpty ? [] : folder.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// Whether `path` is `folder` or inside it.
    public static func isWithin(_ path: String, _ folder: String) -> Bool {
        folder.isEmpty || path == folder || path.hasPrefix(folder + "/")
    }

    /// A remote resource (`https://…`, `github.com/org/repo//path?ref=v1`, `git@…`): kustomize fetches it.
    public static func isRemote(_ text: String) -> Bool {
        text.contains("://") || text.hasPrefix("git@") || text.hasPrefix("github.com/") || text.contains("?ref=")
    }
}
