import Foundation
import GitStore

/// Who the fix commit is by: `--author "Name <email>"` for both author and committer, else the
/// `GIT_AUTHOR_*` / `GIT_COMMITTER_*` environment, else the repository's `user.name`/`user.email`.
/// Dates come from `GIT_AUTHOR_DATE` / `GIT_COMMITTER_DATE` when set, as git does.
enum CommitIdentity {
    static func resolve(
        author: String?, environment: [String: String], repository: Repository, now: Date = Date()
    ) throws(RunError) -> (author: Signature, committer: Signature) {
        let offset = Int32(TimeZone.current.secondsFromGMT(for: now) / 60)
        let current = (time: Int64(now.timeIntervalSince1970), offsetMinutes: offset)
        func date(_ key: String) throws(RunError) -> (time: Int64, offsetMinutes: Int32) {
            guard let text = environment[key], !text.isEmpty else { return current }
            guard let parsed = Signature.parseGitDate(text) else {
                throw RunError(
                    operation: "read \(key)", subject: text,
                    message: "not a date git writes; use \"@<seconds since 1970> +hhmm\"")
            }
            return parsed
        }
        if let author {
            guard let identity = Signature.parseIdentity(author) else {
                throw RunError(operation: "--author", subject: author, message: "expected \"Name <email>\"")
            }
            let authorDate = try date("GIT_AUTHOR_DATE")
            let committerDate = try date("GIT_COMMITTER_DATE")
            return (
                Signature(
                    name: identity.name, email: identity.email, time: authorDate.time,
                    offsetMinutes: authorDate.offsetMinutes),
                Signature(
                    name: identity.name, email: identity.email, time: committerDate.time,
                    offsetMinutes: committerDate.offsetMinutes)
            )
        }
        let configured = try? repository.defaultSignature()
        func person(_ prefix: String) throws(RunError) -> Signature {
            let name = environment["\(prefix)_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? configured?.name
            let email = environment["\(prefix)_EMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? configured?.email
            guard let name, let email else {
                throw RunError(
                    operation: "find commit identity", subject: repository.displayPath,
                    message:
                        "no user.name/user.email in the git configuration and no \(prefix)_NAME/\(prefix)_EMAIL; pass --author \"Name <email>\""
                )
            }
            let when = try date("\(prefix)_DATE")
            return Signature(name: name, email: email, time: when.time, offsetMinutes: when.offsetMinutes)
        }
        return (try person("GIT_AUTHOR"), try person("GIT_COMMITTER"))
    }
}
