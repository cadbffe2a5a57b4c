/// How `RemoteMirror` proves who it is to a remote. Secret values never appear in `description`,
/// and `redact` removes them from any text (libgit2's messages included) before it is shown.
public struct RemoteCredentials: Sendable, CustomStringConvertible {
    public enum Method: Sendable {
        /// Anonymous (public HTTPS, `file://`, a local path).
        case none
        /// HTTPS basic authentication with a token as the password (GitHub, GitLab, Gitea accept
        /// any user name with a personal access token; GitLab's OAuth tokens want `oauth2`).
        case token(username: String, token: String)
        /// SSH with a private key file; the server's host key must be in `knownHostsFile`.
        case sshKey(
            username: String?, privateKeyFile: String, publicKeyFile: String?, passphrase: String?,
            knownHostsFile: String)
    }

    public let method: Method

    public init(_ method: Method) { self.method = method }

    public static let none = RemoteCredentials(.none)

    public var description: String {
        switch method {
        case .none: "anonymous"
        case .token(let username, _): "token for \(username) (hidden)"
        case .sshKey(_, let key, _, _, let knownHosts): "SSH key \(key) (known hosts: \(knownHosts))"
        }
    }

    /// The values that must never be shown.
    var secrets: [String] {
        switch method {
        case .none: []
        case .token(_, let token): [token]
        case .sshKey(_, _, _, let passphrase, _): passphrase.map { [$0] } ?? []
        }
    }

    /// `text` without the secrets and without any `user:password@` of a URL in it.
    public func redact(_ text: String) -> String {
        var result = RemoteURL.redacted(text)
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}

/// Remote addresses as `serve --repo` takes them.
public enum RemoteURL {
    /// Whether `text` names a remote (`https://`, `http://`, `ssh://`, `file://`, `git://`,
    /// or scp-like `user@host:path`) rather than a local folder.
    public static func isRemote(_ text: String) -> Bool {
        for scheme in ["https://", "http://", "ssh://", "file://", "git://"] where text.lowercased().hasPrefix(scheme) {
            return true
        }
        // scp-like: a `:` before any `/`, with something before it (`C:` style paths do not exist here).
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let before = text[..<colon]
        return !before.contains("/") && before.contains("@")
    }

    /// Whether the URL carries a password (`https://user:secret@host/...`), which serve refuses:
    /// it would end up in logs and in the clone's configuration.
    public static func hasPassword(_ text: String) -> Bool {
        guard let userInfo = userInfo(text) else { return false }
        return userInfo.contains(":")
    }

    /// Every `scheme://userinfo@` in `text` with the user information replaced by `***`.
    public static func redacted(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "://") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end =
                rest.firstIndex { $0 == "/" || $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\n" } ?? rest.endIndex
            if let at = rest[..<end].lastIndex(of: "@") {
                result += "***"
                rest = rest[at...]
            }
        }
        return result + rest
    }

    static func userInfo(_ text: String) -> Substring? {
        guard let range = text.range(of: "://") else { return nil }
        let rest = text[range.upperBound...]
        let end = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<end].lastIndex(of: "@") else { return nil }
        return rest[..<at]
    }
}
