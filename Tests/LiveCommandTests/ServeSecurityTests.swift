import EndpointDriftKit
import Foundation
import LiveState
import TestSupport
import Testing

/// serve's endpoints over real HTTPS (`--tls-cert-file`, `--tls-key-file`) with a bearer token
/// (`--auth-token-file`): everything but /healthz answers 401 without the token or with a wrong
/// one, and the token shows nowhere.
@Suite("serve over HTTPS with a bearer token")
struct ServeSecurityTests {
    static let token = "serve-bearer-5b7e0c2d"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    /// curl with the test CA: (status, body); status 0 when no HTTP answer came. It runs on a thread
    /// of its own: blocking one of the few threads serve needs to answer would starve it.
    static func curl(_ url: String, bearer: String? = nil, header: String? = nil) async throws -> (Int, String) {
        let pki = try TestPKI.shared
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result { try blockingCurl(url, ca: pki.caCertificate, bearer: bearer, header: header) })
            }
        }
    }

    static func blockingCurl(_ url: String, ca: String, bearer: String?, header: String?) throws -> (Int, String) {
        var arguments = [
            "curl", "-sS", "--max-time", "60", "--cacert", ca, "-w", "\n%{http_code}", url,
        ]
        if let bearer { arguments += ["-H", "Authorization: Bearer \(bearer)"] }
        if let header { arguments += ["-H", header] }
        let result = try ProcessRunner.run("/usr/bin/env", arguments)
        let text = result.stdout
        guard let newline = text.lastIndex(of: "\n") else { return (0, text + result.stderr) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]) + result.stderr)
    }

    @Test func onlyHealthzAnswersWithoutTheTokenAndTheTokenShowsNowhere() async throws {
        let (server, live) = try await ServeRemoteTests.cluster(home: home)
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let pki = try TestPKI.shared
        let log = ServeRemoteTests.Log()
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path), live: live, clusterName: "lab",
            host: "127.0.0.1", port: 0, interval: 0.2,
            tls: ServeJob.TLSFiles(certificateFile: pki.serverCertificate, keyFile: pki.serverKey),
            authToken: Self.token, log: { log.append($0) })
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }
        let base = "https://127.0.0.1:\(port)"

        #expect(try await Self.curl(base + "/healthz").0 == 200)
        try await ServeTests.eventually("ready") { try await Self.curl(base + "/readyz", bearer: Self.token).0 == 200 }
        var shown = ""
        for path in ["/metrics", "/readyz", "/report", "/nope"] {
            let none = try await Self.curl(base + path)
            #expect(none.0 == 401, "\(path): \(none)")
            // A wrong token of another length, and one of the same length differing in the last byte.
            let other = try await Self.curl(base + path, bearer: "nope")
            #expect(other.0 == 401, "\(path): \(other)")
            let near = try await Self.curl(base + path, bearer: String(Self.token.dropLast()) + "X")
            #expect(near.0 == 401, "\(path): \(near)")
            #expect(try await Self.curl(base + path, header: "Authorization: Basic \(Self.token)").0 == 401)
            shown += none.1 + other.1 + near.1
        }
        let metrics = try await Self.curl(base + "/metrics", bearer: Self.token)
        #expect(metrics.0 == 200 && metrics.1.contains("endpoint_drift_up{cluster=\"lab\"} 1"), "\(metrics)")
        // The scheme in any case (RFC 6750).
        #expect(try await Self.curl(base + "/metrics", header: "Authorization: bearer \(Self.token)").0 == 200)
        let report = try await Self.curl(base + "/report", bearer: Self.token)
        #expect(report.0 == 200 && report.1.contains("<html"))
        shown += metrics.1 + report.1 + log.text
        shown += try await Self.curl(base + "/report", header: "Accept: application/json").1
        #expect(!shown.contains(Self.token))
        // Plain HTTP gets no answer from the HTTPS port.
        #expect(try await Self.curl("http://127.0.0.1:\(port)/healthz").0 != 200)
        serving.cancel()
        _ = await serving.result
    }

    @Test func aKeyThatIsNotAKeyStopsServeWithoutPrintingIt() async throws {
        let (server, live) = try await ServeRemoteTests.cluster(home: home)
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", ServeTests.manifest("192.0.2.1"))
        try repository.commitAll("nas")
        let secretish = "-----BEGIN NOT A KEY----- s3cr3t-key-material"
        let key = try home.write("bad.key", secretish)
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path), live: live, host: "127.0.0.1", port: 0,
            tls: ServeJob.TLSFiles(certificateFile: try TestPKI.shared.serverCertificate, keyFile: key))
        let error = await #expect(throws: RunError.self) { try await ServeJob.run(configuration) }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains("bad.key") && !text.contains("s3cr3t"), "\(text)")
    }
}
