import Foundation

/// A real `prometheus-pushgateway` (Debian package) on 127.0.0.1 at a free port, for the push
/// tests; optionally behind basic auth. Read back through its API with python3 (no HTTP client
/// in the test dependencies). Stopped with `stop()` (by its process, never by name).
public final class TestPushgateway: @unchecked Sendable {
    /// The test user and its password; the web config holds a bcrypt hash of the password.
    public static let username = "pusher"
    public static let password = "gateway-test-password"
    static let passwordHash = "$2b$04$T.lhB8SYM3nAgu1XLK3mdOKavIjYZvi1F7JLZYZ/CIZWdRIaqNngG"

    public let port: Int
    public let basicAuth: Bool
    private let process: Process
    private let folder: TempFolder

    public var url: String { "http://127.0.0.1:\(port)" }

    public init(basicAuth: Bool = false) throws {
        guard
            let binary = ["/usr/bin/prometheus-pushgateway", "/usr/local/bin/pushgateway"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            throw FixtureError(
                message: "prometheus-pushgateway is not installed; run `make deps` (Debian prometheus-pushgateway)")
        }
        folder = try TempFolder()
        port = try FreePort.find()
        self.basicAuth = basicAuth
        var arguments = ["--web.listen-address=127.0.0.1:\(port)", "--persistence.file=", "--log.level=warn"]
        if basicAuth {
            let config = try folder.write(
                "web.yml", "basic_auth_users:\n  \(Self.username): \(Self.passwordHash)\n")
            arguments.append("--web.config.file=\(config)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            try waitUntilReady()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// `GET path` on the gateway (with the test credentials when it wants them); the body.
    public func get(_ path: String) throws -> String {
        let script = """
            import base64, sys, urllib.request
            request = urllib.request.Request(sys.argv[1])
            if len(sys.argv) > 2:
                request.add_header("Authorization", "Basic " + base64.b64encode(sys.argv[2].encode()).decode())
            print(urllib.request.urlopen(request, timeout=10).read().decode(), end="")
            """
        var arguments = ["python3", "-c", script, url + path]
        if basicAuth { arguments.append("\(Self.username):\(Self.password)") }
        let result = try ProcessRunner.run("/usr/bin/env", arguments)
        guard result.status == 0 else { throw FixtureError(message: "GET \(path) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The gateway's groups (`GET /api/v1/metrics`), parsed.
    public func groups() throws -> [[String: Any]] {
        let text = try get("/api/v1/metrics")
        let root = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return root?["data"] as? [[String: Any]] ?? []
    }

    private func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if !process.isRunning { throw FixtureError(message: "prometheus-pushgateway exited at start") }
            if (try? get("/-/ready")) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw FixtureError(message: "prometheus-pushgateway did not get ready on port \(port)")
    }
}
