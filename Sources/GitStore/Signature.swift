import CLibgit2

/// Who made a commit and when, as a value (the libgit2 `git_signature` stays inside this module).
public struct Signature: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var email: String
    /// Seconds since 1970.
    public var time: Int64
    /// Offset from UTC in minutes (`+0200` is 120).
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// `Name <email>`, as git prints it.
    public var description: String { "\(name) <\(email)>" }

    /// Parses `Name <email>` (what `git commit --author` takes); `nil` when it is not in that form.
    public static func parseIdentity(_ text: String) -> (name: String, email: String)? {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close,
            text[text.index(after: close)...].allSatisfy({ $0 == " " })
        else { return nil }
        let name = text[..<open].trimmingCharacters(in: " ")
        let email = String(text[text.index(after: open)..<close])
        guard !name.isEmpty, !email.isEmpty, !email.contains("<"), !name.contains("<"), !name.contains(">") else {
            return nil
        }
        return (name, email)
    }

    /// Parses a date as git takes it in `GIT_AUTHOR_DATE`: `@1700000000 +0100`, `1700000000 +0100`, or
    /// `1700000000` (UTC). Returns seconds and offset minutes; `nil` for other forms.
    public static func parseGitDate(_ text: String) -> (time: Int64, offsetMinutes: Int32)? {
        var parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !parts.isEmpty, parts.count <= 2 else { return nil }
        if parts[0].hasPrefix("@") { parts[0].removeFirst() }
        guard let seconds = Int64(parts[0]) else { return nil }
        guard parts.count == 2 else { return (seconds, 0) }
        let zone = Array(parts[1].utf8)
        guard zone.count == 5, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"),
            let hours = Int32(parts[1].dropFirst().prefix(2)), let minutes = Int32(parts[1].suffix(2)),
            minutes < 60
        else { return nil }
        let offset = hours * 60 + minutes
        return (seconds, zone[0] == UInt8(ascii: "-") ? -offset : offset)
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(self).trimmingCharacters(in: character)
    }
}

/// Owns a `git_signature`.
final class OwnedSignature {
    let pointer: UnsafeMutablePointer<git_signature>

    init(_ signature: Signature) throws(GitError) {
        var raw: UnsafeMutablePointer<git_signature>?
        try Libgit2.check(
            git_signature_new(
                &raw, signature.name, signature.email, git_time_t(signature.time),
                Int32(signature.offsetMinutes)),
            "git_signature_new", signature.description)
        guard let raw else {
            throw GitError(
                operation: "git_signature_new", subject: signature.description, kind: .other(code: -1),
                message: "no signature")
        }
        pointer = raw
    }

    init(adopting raw: UnsafeMutablePointer<git_signature>) { pointer = raw }

    deinit { git_signature_free(pointer) }

    var value: Signature {
        Signature(
            name: String(cString: pointer.pointee.name), email: String(cString: pointer.pointee.email),
            time: Int64(pointer.pointee.when.time), offsetMinutes: Int32(pointer.pointee.when.offset))
    }
}

extension Repository {
    /// `user.name` and `user.email` from the repository's configuration (and the global one), dated now.
    public func defaultSignature() throws(GitError) -> Signature {
        var raw: UnsafeMutablePointer<git_signature>?
        let status = git_signature_default(&raw, pointer)
        if status == GIT_ENOTFOUND.rawValue {
            throw GitError(
                operation: "read identity", subject: displayPath, kind: .notFound,
                message:
                    "no user.name/user.email in the git configuration; pass --author \"Name <email>\" or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL"
            )
        }
        try Libgit2.check(status, "git_signature_default", displayPath)
        guard let raw else {
            throw GitError(
                operation: "git_signature_default", subject: displayPath, kind: .notFound, message: "no signature")
        }
        return OwnedSignature(adopting: raw).value
    }
}
