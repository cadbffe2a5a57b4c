import Foundation
import LiveState
import TestSupport
import Testing

@Suite("Every kubeconfig auth form against the fake API server")
struct AuthTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    private func read(
        _ server: FakeKubernetesAPI, user: [String]?, options: APIReadOptions = Harness.options(),
        environment: ConnectionEnvironment = Harness.environment()
    ) async throws -> (KubernetesAPISource, LiveSnapshot) {
        let source = try Harness.source(
            kubeconfig: KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: user), in: folder,
            options: options, environment: environment)
        return (source, try await source.read(scope: .only(["shop"])))
    }

    @Test("token")
    func token() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let (_, snapshot) = try await read(server, user: ["token: \(Harness.token)"])
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "token" })
        #expect(server.requests.first?.header("Authorization") == "Bearer \(Harness.token)")
    }

    @Test("tokenFile is re-read when it changes")
    func tokenFile() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["first-token"]))
        defer { Task { await server.stop() } }
        let tokenPath = try folder.write("token", "first-token\n")
        let (source, _) = try await read(server, user: ["tokenFile: \(tokenPath)"])
        #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer first-token" })

        // The token is rotated: the file changes, the server accepts only the new one.
        try FileManager.default.removeItem(atPath: tokenPath)
        try folder.write("token", "second-token\n")
        server.setAuthentication(.init(tokens: ["second-token"]))
        let count = server.requests.count
        let snapshot = try await source.read(scope: .only(["shop"]))
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.dropFirst(count).allSatisfy { $0.header("Authorization") == "Bearer second-token" })
    }

    @Test("client-certificate and client-key files")
    func clientCertificateFiles() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(clientCertificates: true))
        defer { Task { await server.stop() } }
        let pki = server.pki
        let (_, snapshot) = try await read(
            server, user: ["client-certificate: \(pki.clientCertificate)", "client-key: \(pki.clientKey)"])
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "certificate" && $0.header("Authorization") == nil })
    }

    @Test("client-certificate-data and client-key-data")
    func clientCertificateData() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(clientCertificates: true))
        defer { Task { await server.stop() } }
        let pki = server.pki
        let (_, snapshot) = try await read(
            server,
            user: [
                "client-certificate-data: \(try pki.base64(pki.clientCertificate))",
                "client-key-data: \(try pki.base64(pki.clientKey))",
            ])
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "certificate" })
    }

    @Test("a client certificate from another CA is refused, and a key of another certificate is caught early")
    func foreignClientCertificate() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(clientCertificates: true))
        defer { Task { await server.stop() } }
        let pki = server.pki
        let error = await #expect(throws: LiveError.self) {
            _ = try await read(
                server, user: ["client-certificate: \(pki.strangerCertificate)", "client-key: \(pki.strangerKey)"])
        }
        #expect(error?.kind == .network)
        #expect(server.requests.isEmpty)

        let mismatch = await #expect(throws: LiveError.self) {
            _ = try await read(
                server, user: ["client-certificate: \(pki.clientCertificate)", "client-key: \(pki.strangerKey)"])
        }
        #expect(mismatch?.kind == .configuration)
        #expect(mismatch?.message == "the client key does not match the client certificate")
    }

    @Test("username and password")
    func basic() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(basic: ["admin": "s3cret-pass"]))
        defer { Task { await server.stop() } }
        let (_, snapshot) = try await read(server, user: ["username: admin", "password: s3cret-pass"])
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "basic" })
    }

    @Test("as / as-groups impersonate")
    func impersonation() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        _ = try await read(
            server, user: ["token: \(Harness.token)", "as: jane", "as-groups: [developers, auditors]"])
        let request = try #require(server.requests.first)
        #expect(request.header("Impersonate-User") == "jane")
        #expect(request.headers.filter { $0.name == "Impersonate-Group" }.map(\.value) == ["developers", "auditors"])
    }

    /// A plugin that counts its runs in `runs`, records its environment, and prints `output`.
    private func plugin(_ name: String, output: String, exitCode: Int = 0, stderr: String = "") throws -> String {
        let runs = folder.file("\(name).runs")
        let script = """
            #!/bin/sh
            echo run >> '\(runs)'
            printf '%s' "$KUBERNETES_EXEC_INFO" > '\(folder.file("\(name).info"))'
            printf '%s %s' "$PLUGIN_REGION" "$*" > '\(folder.file("\(name).env"))'
            printf '%s' '\(stderr)' >&2
            cat <<'CREDENTIAL'
            \(output)
            CREDENTIAL
            exit \(exitCode)
            """
        return try folder.write(name, script, executable: true)
    }

    private func runs(_ name: String) -> Int {
        ((try? folder.read("\(name).runs")) ?? "").split(separator: "\n").count
    }

    private func execUser(_ command: String, apiVersion: String = "v1", extra: [String] = []) -> [String] {
        [
            "exec:", "  apiVersion: client.authentication.k8s.io/\(apiVersion)", "  command: \(command)",
            "  args: [get-token, --cluster, test]", "  env:", "  - name: PLUGIN_REGION", "    value: eu-west-1",
            "  interactiveMode: Never",
        ] + extra.map { "  \($0)" }
    }

    @Test("exec v1 with a token: args, env and KUBERNETES_EXEC_INFO passed, the answer cached for the run")
    func execToken() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["exec-token-1"]))
        defer { Task { await server.stop() } }
        let command = try plugin(
            "token-plugin",
            output:
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-1","expirationTimestamp":"2999-01-01T00:00:00Z"}}"#
        )
        let (source, snapshot) = try await read(
            server, user: execUser(command, extra: ["provideClusterInfo: true"]))
        #expect(snapshot.inventory.count == 3)
        _ = try await source.read(scope: .only(["payments"]))
        #expect(runs("token-plugin") == 1)
        #expect(await source.execPluginRuns == 1)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "token" })
        #expect(try folder.read("token-plugin.env") == "eu-west-1 get-token --cluster test")
        let info = try folder.read("token-plugin.info")
        #expect(info.contains(#""kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1""#))
        #expect(info.contains(#""interactive":false"#))
        #expect(info.contains(#""server":"\#(server.serverURL)""#))
    }

    @Test("exec credentials past their expirationTimestamp are fetched again")
    func execExpiry() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["expiring"]))
        defer { Task { await server.stop() } }
        let command = try plugin(
            "expired-plugin",
            output:
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"expiring","expirationTimestamp":"2001-01-01T00:00:00Z"}}"#
        )
        let (source, snapshot) = try await read(server, user: execUser(command))
        #expect(snapshot.inventory.count == 3)
        // Discovery, then the three lists (which share one run while it is under way).
        #expect(runs("expired-plugin") == 2)
        _ = try await source.read(scope: .only(["shop"]))
        #expect(runs("expired-plugin") == 4)
    }

    @Test("exec v1beta1 with a client certificate")
    func execClientCertificate() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(clientCertificates: true))
        defer { Task { await server.stop() } }
        let pki = server.pki
        let certificate = try pki.read(pki.clientCertificate).replacingOccurrences(of: "\n", with: "\\n")
        let key = try pki.read(pki.clientKey).replacingOccurrences(of: "\n", with: "\\n")
        let command = try plugin(
            "cert-plugin",
            output:
                #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":"\#(certificate)","clientKeyData":"\#(key)"}}"#
        )
        let (_, snapshot) = try await read(server, user: execUser(command, apiVersion: "v1beta1"))
        #expect(snapshot.inventory.count == 3)
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "certificate" })
        #expect(runs("cert-plugin") == 1)
    }

    @Test("after a 401 the exec plugin runs again once")
    func execRefreshAfterUnauthorized() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["fresh"]))
        defer { Task { await server.stop() } }
        // First run prints a revoked token, later runs the fresh one.
        let runsFile = folder.file("rotating.runs")
        let script = """
            #!/bin/sh
            echo run >> '\(runsFile)'
            if [ "$(wc -l < '\(runsFile)')" -le 1 ]; then token=revoked; else token=fresh; fi
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$token"
            """
        let command = try folder.write("rotating", script, executable: true)
        let (_, snapshot) = try await read(server, user: execUser(command))
        #expect(snapshot.inventory.count == 3)
        // Discovery and the two lists that go out beside it all get a 401 with the revoked token:
        // the plugin runs once more for all of them, and they are asked again with the fresh one.
        #expect(runs("rotating") == 2)
        let refused = server.requests.filter { $0.authenticatedAs == nil }
        #expect(server.requests.first?.authenticatedAs == nil)
        #expect((1...3).contains(refused.count))
        #expect(server.requests.allSatisfy { $0.authenticatedAs == nil || $0.authenticatedAs == "token" })
    }

    @Test("a failing exec plugin's stderr is shown, its stdout never")
    func execFailure() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let command = try plugin(
            "failing-plugin", output: "partial-credential-output-XYZ", exitCode: 3,
            stderr: "error: the SSO session has expired; run aws sso login")
        let error = await #expect(throws: LiveError.self) { _ = try await read(server, user: execUser(command)) }
        #expect(error?.operation == "run exec plugin")
        #expect(error?.resource.hasPrefix("users[0].user.exec in ") == true)
        #expect(error?.message.contains("exited with status 3") == true)
        #expect(error?.message.contains("the SSO session has expired; run aws sso login") == true)
        #expect(error?.description.contains("partial-credential-output-XYZ") == false)
        #expect(server.requests.isEmpty)

        let garbage = try plugin("garbage-plugin", output: "token=leaked-value-123")
        let parseError = await #expect(throws: LiveError.self) { _ = try await read(server, user: execUser(garbage)) }
        #expect(parseError?.message.hasPrefix("its output is not JSON") == true, "\(parseError?.message ?? "")")
        #expect(parseError?.description.contains("leaked-value-123") == false)

        let wrongVersion = try plugin(
            "version-plugin",
            output:
                #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}"#
        )
        let versionError = await #expect(throws: LiveError.self) {
            _ = try await read(server, user: execUser(wrongVersion))
        }
        #expect(versionError?.message.contains("but the kubeconfig asks for client.authentication.k8s.io/v1") == true)
    }

    @Test("a missing exec plugin shows the installHint")
    func execNotFound() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let error = await #expect(throws: LiveError.self) {
            _ = try await read(
                server,
                user: execUser(
                    "no-such-plugin-b7c1",
                    extra: ["installHint: Install it with brew install no-such-plugin"]))
        }
        #expect(
            error?.message
                == "command \"no-such-plugin-b7c1\" was not found in PATH\nInstall it with brew install no-such-plugin")
    }

    @Test("interactiveMode Always needs a terminal; Never gets no stdin")
    func execInteractiveMode() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let command = try plugin(
            "interactive-plugin",
            output: #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}"#)
        var always = execUser(command)
        always[always.count - 1] = "  interactiveMode: Always"
        let error = await #expect(throws: LiveError.self) { _ = try await read(server, user: always) }
        #expect(error?.message.contains("interactiveMode is Always, but stdin is not a terminal") == true)
        #expect(runs("interactive-plugin") == 0)
    }

    @Test("in-cluster: service-account token, CA and namespace from the mounted folder; token re-read when rotated")
    func inCluster() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["sa-token-1"]))
        defer { Task { await server.stop() } }
        try folder.write("sa/token", "sa-token-1")
        try folder.write("sa/ca.crt", try server.pki.read(server.pki.caCertificate))
        try folder.write("sa/namespace", "shop")
        let environment = Harness.environment([
            "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
            "SA_DIR": folder.file("sa"),
        ])
        let connection = try ConnectionResolver.resolve(ConnectionRequest(inCluster: true), environment: environment)
        #expect(connection.defaultNamespace == "shop")
        let source = KubernetesAPISource(
            connection: connection, options: Harness.options(), environment: environment, diagnostics: { _ in })
        #expect(try await source.read(scope: .only(["shop"])).inventory.count == 3)

        // The kubelet swaps the token file; the next requests carry the new token.
        let replacement = try folder.write("sa/token.new", "sa-token-2")
        #expect(rename(replacement, folder.file("sa/token")) == 0)
        server.setAuthentication(.init(tokens: ["sa-token-2"]))
        let before = server.requests.count
        #expect(try await source.read(scope: .only(["shop"])).inventory.count == 3)
        #expect(server.requests.dropFirst(before).allSatisfy { $0.header("Authorization") == "Bearer sa-token-2" })
    }
}
