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

    private static func userName(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return "\(String(cString: name)) (uid \(uid))"
        }
        return "uid \(uid)"
    }
}
