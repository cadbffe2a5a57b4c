import CBuildInfo
import CLibgit2
import EndpointDriftKit

/// What `--version` and `version` print: this build's version, the git commit `make dist` stamped
/// into it, and the libgit2 it runs with (linked statically in the release tarball).
struct BuildInfo: Sendable, Equatable {
    var version: String
    var commit: String
    var libgit2: String

    static let current = BuildInfo(
        version: EndpointDriftKit.Version.current, commit: stampedCommit(), libgit2: libgit2Version())

    /// `endpoint-drift 0.1.0 (commit 1a2b3c4d5e6f, libgit2 1.5.1)`.
    var line: String { "endpoint-drift \(version) (commit \(commit), libgit2 \(libgit2))" }

    /// One JSON object with string values only; none needs escaping beyond quotes and backslashes,
    /// but they are escaped all the same (the commit section could be stamped with anything).
    var json: String {
        func quoted(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20:
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        return "{\"version\": \(quoted(version)), \"commit\": \(quoted(commit)), \"libgit2\": \(quoted(libgit2))}\n"
    }

    private static func stampedCommit() -> String {
        var buffer = [CChar](repeating: 0, count: 65)
        buffer.withUnsafeMutableBufferPointer { pointer in
            if let base = pointer.baseAddress { endpoint_drift_build_commit(base) }
        }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown" : text
    }

    private static func libgit2Version() -> String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        guard git_libgit2_version(&major, &minor, &revision) == 0 else { return "unknown" }
        return "\(major).\(minor).\(revision)"
    }
}
