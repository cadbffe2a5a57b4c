#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Who owns a path and who we are, for the "not owned by the current user" message.
enum FileOwner {
    static func describe(path: String) -> (owner: String, current: String) {
        var info = stat()
        let owner = stat(path, &info) == 0 ? userName(info.st_uid) : "another user"
        return (owner, userName(geteuid()))
    }

    static func isOwnedByCurrentUser(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        return info.st_uid == geteuid()
    }

    /// The nearest folder at or above `path` that looks like a repository: one holding `.git`, or a
    /// bare repository (`HEAD`, `objects/`, `refs/`). Returns the folder git would name in
    /// `safe.directory` (the working tree, or the bare repository).
    static func repositoryFolder(above path: String) -> String? {
        var folder = absolute(path)
        while true {
            if exists(folder + "/.git") { return folder }
            if exists(folder + "/HEAD") && exists(folder + "/objects") && exists(folder + "/refs") { return folder }
            guard let slash = folder.lastIndex(of: "/"), folder != "/" else { return nil }
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func absolute(_ path: String) -> String {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if realpath(path, &resolved) != nil {
            return String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return path
    }

    private static func userName(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return "\(String(cString: name)) (uid \(uid))"
        }
        return "uid \(uid)"
    }
}
