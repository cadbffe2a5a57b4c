import CLibgit2

extension Repository {
    /// Whether `.gitignore` (or `info/exclude`) ignores a working-tree path.
    public func isIgnored(_ relativePath: String) -> Bool {
        var ignored: Int32 = 0
        return git_ignore_path_is_ignored(&ignored, pointer, relativePath) == 0 && ignored == 1
    }
}
