/// Which files of the tree are manifests to read: `--path` prefixes, then `--include`/`--exclude` globs.
public struct PathFilter: Sendable, Hashable {
    public static let defaultIncludes = ["*.yaml", "*.yml", "*.json"]

    public let prefixes: [String]
    public let includes: [Glob]
    public let excludes: [Glob]

    public init(prefixes: [String] = [], includes: [String] = [], excludes: [String] = []) {
        self.prefixes = prefixes.map(Self.normalize).filter { !$0.isEmpty }
        self.includes = (includes.isEmpty ? Self.defaultIncludes : includes).map(Glob.init)
        self.excludes = excludes.map(Glob.init)
    }

    /// `./a/b/` → `a/b`.
    static func normalize(_ prefix: String) -> String {
        var text = prefix
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasPrefix("/") { text.removeFirst() }
        while text.hasSuffix("/") { text.removeLast() }
        return text == "." ? "" : text
    }

    /// Whether a folder can hold selected files, or is an ancestor of one (kustomization files there
    /// still give namespaces).
    public func shouldDescend(into folder: String) -> Bool {
        prefixes.isEmpty
            || prefixes.contains { $0 == folder || $0.hasPrefix(folder + "/") || folder.hasPrefix($0 + "/") }
    }

    public func isUnderPrefix(_ path: String) -> Bool {
        prefixes.isEmpty || prefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    public func selects(_ path: String) -> Bool {
        isUnderPrefix(path) && includes.contains { $0.matches(path) } && !excludes.contains { $0.matches(path) }
    }
}
