import Manifests

/// `--repo-url`: a template that turns a finding's place in git into a link, e.g.
/// `https://git.example.com/org/repo/blob/{commit}/{path}#L{line}`. Placeholders: `{commit}`
/// (full id), `{path}` (each segment percent-encoded, slashes kept), `{line}`.
public struct RepositoryLink: Sendable, Hashable {
    public let template: String

    public static let placeholders = ["{commit}", "{path}", "{line}"]

    /// `nil` when the template has no `{path}`: every link would go to the same page.
    public init?(template: String) {
        guard template.contains("{path}") else { return nil }
        self.template = template
    }

    public func url(for source: SourceLocation) -> String {
        url(path: source.path, line: source.line, commit: source.commitID)
    }

    public func url(path: String, line: Int, commit: String) -> String {
        template.replacingAll("{commit}", with: commit)
            .replacingAll("{path}", with: Self.encode(path))
            .replacingAll("{line}", with: line > 0 ? String(line) : "1")
    }

    /// Percent-encodes everything outside RFC 3986's unreserved characters, keeping `/` (links and
    /// SARIF artifact URIs alike).
    static func encode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

extension String {
    /// Without Foundation: every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
