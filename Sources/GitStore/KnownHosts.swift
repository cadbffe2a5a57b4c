import Foundation

/// An OpenSSH `known_hosts` file, for checking an SSH server's host key before `RemoteMirror`
/// sends its key: a clone that trusts any host key would give a man in the middle the repository.
/// Plain host patterns (`host`, `host1,host2`, `[host]:port`) are read; hashed entries (`|1|…`,
/// written by `ssh-keyscan -H`) and `@revoked`/`@cert-authority` lines are not used.
public struct KnownHosts: Sendable {
    public struct Entry: Sendable, Equatable {
        public var hosts: [String]
        public var keyType: String
        public var key: [UInt8]
    }

    public let entries: [Entry]

    public init(text: String) {
        var entries: [Entry] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, !fields[0].hasPrefix("#"), !fields[0].hasPrefix("@"),
                !fields[0].hasPrefix("|"), let key = Data(base64Encoded: String(fields[2]))
            else { continue }
            let hosts = fields[0].split(separator: ",").map { host -> String in
                // `[host]:port` → host: libgit2 tells the callback the host name only.
                if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
                    return String(host[host.index(after: host.startIndex)..<close]).lowercased()
                }
                return String(host).lowercased()
            }
            entries.append(Entry(hosts: hosts, keyType: String(fields[1]), key: Array(key)))
        }
        self.entries = entries
    }

    public static func load(_ path: String) throws(GitError) -> KnownHosts {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(
                operation: "read known_hosts", subject: path, kind: .notFound,
                message: "cannot read the known_hosts file")
        }
        return KnownHosts(text: String(decoding: data, as: UTF8.self))
    }

    /// Whether `key` (the server's raw host key, as in the file's base64 field) is listed for `host`.
    public func trusts(host: String, key: [UInt8]) -> Bool {
        let name = host.lowercased()
        return entries.contains { $0.hosts.contains(name) && $0.key == key }
    }

    /// Whether the file lists any key for `host` (to say "unknown host" rather than "key changed").
    public func knows(host: String) -> Bool {
        let name = host.lowercased()
        return entries.contains { $0.hosts.contains(name) }
    }
}
