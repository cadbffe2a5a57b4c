import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// Every wait is bounded and every number checked, whatever the server or a plugin does. Wall
/// times are asserted only as loose hang bounds.
@Suite("A hostile API server or exec plugin cannot hang, trap or flood the run")
struct HostileServerTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    /// Loose on purpose: a busy CI machine took 82 s for what takes 2 s alone; a real hang never ends.
    static let hangBound: Duration = .seconds(600)

    /// Runs `body`, failing the test (not hanging it) when it takes longer than the hang bound.
    static func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        let value = try await body()
        #expect(ContinuousClock.now - started < hangBound)
        return value
    }

    @Test("a body that trickles is cut at --request-timeout, which covers the whole request")
    func tricklingBody() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: .trickle(.cluster, keepingBytes: 20, interval: 0.2))
        var options = Harness.options(requestTimeout: 1)
        options.retry = RetryPolicy(maximumAttempts: 1)
        let source = try Harness.tokenSource(server, in: folder, options: options)
        let error = try await Self.bounded {
            await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        }
        #expect(
            error?.message.contains("no complete answer within 1s (--request-timeout)") == true,
            "\(String(describing: error))")
    }

    @Test("a body that stalls fails on the idle read timeout even without --request-timeout")
    func stalledBody() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: .trickle(.cluster, keepingBytes: 20, interval: 3600))
        var options = Harness.options(requestTimeout: nil)
        options.idleReadTimeout = 0.5
        options.retry = RetryPolicy(maximumAttempts: 1)
        let source = try Harness.tokenSource(server, in: folder, options: options)
        let error = try await Self.bounded {
            await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        }
        #expect(error?.message.contains("sent nothing for too long") == true, "\(String(describing: error))")
    }

    static func page(token: String?) -> FakeResponse {
        let metadata = token.map { "{\"continue\":\"\($0)\"}" } ?? "{}"
        return .custom(
            status: 200, headers: [("content-type", "application/json")],
            body: Array(#"{"kind":"EndpointsList","apiVersion":"v1","metadata":\#(metadata),"items":[]}"#.utf8))
    }

    @Test("a continue token that repeats stops paging, naming the resource")
    func repeatedToken() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: .dynamic { _ in Self.page(token: "again") })
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
        let error = try await Self.bounded {
            await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        }
        #expect(error?.resource == "endpoints")
        #expect(error?.message.contains("the same continue token again after 2 pages") == true)
    }

    @Test("pages that never end stop at the page limit, naming the resource")
    func endlessPages() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on(
            "/api/v1/endpoints",
            respond: .dynamic { request in Self.page(token: "t\(request.uri.count)-\(UUID().uuidString)") })
        var options = Harness.options(chunkSize: 2)
        options.maximumPages = 5
        let source = try Harness.tokenSource(server, in: folder, options: options)
        let error = try await Self.bounded {
            await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        }
        #expect(error?.resource == "endpoints")
        #expect(error?.message.contains("did not end after 5 pages") == true)
        #expect(server.requests.filter { $0.path == "/api/v1/endpoints" }.count <= 6)
    }

    @Test(
        "Retry-After of any size is clamped, never a trap",
        arguments: ["99999999999999999999999", "1e999", "inf", "nan", "-5"])
    func retryAfter(value: String) async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/endpoints", respond: .withHeaders([("Retry-After", value)], .internalError))
        let source = try Harness.tokenSource(server, in: folder)
        let error = try await Self.bounded {
            await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        }
        #expect(error?.message.contains("500") == true)
    }

    @Test("Retry-After parses digits and dates, clamped to a day")
    func retryAfterValues() {
        #expect(APIResponse.retryAfter("7") == 7)
        #expect(APIResponse.retryAfter(" 120 ") == 120)
        #expect(APIResponse.retryAfter("99999999999999999999999") == APIResponse.maximumRetryAfter)
        #expect(APIResponse.retryAfter("1e3") == nil)
        #expect(APIResponse.retryAfter("inf") == nil)
        #expect(APIResponse.retryAfter("-1") == nil)
        #expect(APIResponse.retryAfter("Fri, 31 Dec 9999 23:59:59 GMT") == APIResponse.maximumRetryAfter)
        #expect(APISession.format(.infinity) == "a very long time")
        #expect(APISession.format(1e300) == "a very long time")
    }

    @Test("Go durations past a century, inf and nan are not durations")
    func durations() {
        #expect(GoDuration.parse("99999999999999999999999h") == nil)
        #expect(GoDuration.parse("inf") == nil)
        #expect(GoDuration.parse("nan") == nil)
        #expect(GoDuration.parse("1e999") == nil)
        #expect(GoDuration.parse("1m30s") == 90)
    }

    // MARK: Exec plugins

    /// Long enough for a shell to start and write its pids on a loaded machine (at 1 s it once did
    /// not), short next to the hang bound.
    static let pluginTimeout = 10.0

    func runPlugin(_ script: String, timeout: Double = 60) async throws -> LiveError? {
        let command = try folder.write(
            "plugin-\(UUID().uuidString.prefix(6))", "#!/bin/sh\n" + script, executable: true)
        var settings = Harness.environment()
        settings.execTimeout = timeout
        let environment = settings
        let config = ExecConfig(
            apiVersion: "client.authentication.k8s.io/v1", command: command, interactiveMode: .never,
            file: "kubeconfig", fieldPath: "users[0].user.exec")
        return try await Self.bounded {
            await #expect(throws: LiveError.self) {
                _ = try await ExecPlugin.run(
                    config, cluster: ExecClusterInfo(server: "https://127.0.0.1:1"), environment: environment)
            }
        }
    }

    /// Waits (bounded) until no process has this pid.
    func gone(_ pidFile: String) async throws -> Bool {
        let text = try String(contentsOfFile: folder.file(pidFile), encoding: .utf8)
        let pids = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t(String($0)) }
        #expect(!pids.isEmpty)
        for _ in 0..<500 {
            if pids.allSatisfy({ kill($0, 0) != 0 && errno == ESRCH }) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("a plugin that hangs is killed at the timeout, with its children")
    func hangingPlugin() async throws {
        let pids = folder.file("hang.pids")
        let error = try await runPlugin(
            "sleep 3600 &\necho $! > '\(pids)'\necho $$ >> '\(pids)'\necho 'waiting for the browser' >&2\nwait\n",
            timeout: Self.pluginTimeout)
        #expect(
            error?.message.contains("did not finish within 10s; it was stopped") == true,
            "\(String(describing: error))")
        #expect(error?.message.contains("waiting for the browser") == true)
        #expect(try await gone("hang.pids"))
    }

    @Test("a plugin inherits none of the tool's other descriptors (a file being written stays ours)")
    func noInheritedDescriptors() async throws {
        let marker = folder.file("open-for-writing.txt")
        let descriptor = open(marker, O_WRONLY | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let error = try await runPlugin("for f in /proc/$$/fd/*; do readlink \"$f\"; done >&2\nexit 3\n")
        #expect(error?.message.contains("exited with status 3") == true, "\(String(describing: error))")
        #expect(error?.message.contains("open-for-writing.txt") == false, "\(String(describing: error))")
    }

    @Test("a plugin that exits but leaves a child holding stdout is stopped at the timeout")
    func stdoutHeldOpen() async throws {
        let pids = folder.file("held.pids")
        let error = try await runPlugin(
            "sleep 3600 &\necho $! > '\(pids)'\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\nexit 0\n",
            timeout: Self.pluginTimeout)
        #expect(error?.message.contains("did not finish within 10s") == true, "\(String(describing: error))")
        #expect(try await gone("held.pids"))
    }

    @Test("stdout past 1 MiB stops the plugin; stderr is bounded and its control characters escaped")
    func floodingPlugin() async throws {
        let error = try await runPlugin("head -c 3000000 /dev/zero | tr '\\0' 'x'\nsleep 3600\n")
        #expect(error?.message.contains("more than 1 MiB to stdout") == true, "\(String(describing: error))")

        let stderr = try #require(
            try await runPlugin(
                "head -c 5000000 /dev/zero >&2\ni=0\nwhile [ $i -lt 2000 ]; do printf '\\033]0;owned\\007\\033[31mred line %s\\n' $i >&2; i=$((i+1)); done\nexit 4\n"
            ))
        #expect(stderr.message.contains("exited with status 4"))
        #expect(!stderr.message.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A }))
        #expect(stderr.message.contains("\\x1b]0;owned\\x07\\x1b[31mred line 1999"))
        #expect(stderr.description.utf8.count < 20_000)
    }
}
