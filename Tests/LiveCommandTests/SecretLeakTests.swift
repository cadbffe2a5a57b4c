import Foundation
import TestSupport
import Testing

/// For every way to authenticate: the credential (token, password, key, certificate, exec plugin
/// output) never appears in stdout, stderr (error messages included) or the --save-live file,
/// whether the run succeeds or the server refuses it.
@Suite("Credentials never leak")
struct SecretLeakTests {
    enum Form: String, CaseIterable, Sendable {
        case token, tokenFile, clientCertificateFiles, clientCertificateData, basic, execToken, execCertificate,
            inCluster
    }

    static let token = "leak-canary-token-8d2e61f0"
    static let password = "leak-canary-password-4b1a"

    /// One auth form made ready: the kubeconfig (or environment), the server that accepts it, and
    /// every string that must not be printed.
    struct Setup {
        var arguments: [String]
        var environment: [String: String] = [:]
        var accepts: FakeKubernetesAPI.Authentication
        var secrets: [String]
    }

    private func setup(_ form: Form, server: FakeKubernetesAPI, home: TempFolder) throws -> Setup {
        let pki = server.pki
        let cluster = try KubeconfigText.cluster(server)
        let certificate = try pki.read(pki.clientCertificate)
        let key = try pki.read(pki.clientKey)
        // A line from the middle of each PEM, their base64 forms, and the PEM markers.
        let pemSecrets =
            [
                certificate.split(separator: "\n")[1], key.split(separator: "\n")[1],
            ].map(String.init) + [
                String(try pki.base64(pki.clientCertificate).prefix(60)),
                String(try pki.base64(pki.clientKey).prefix(60)),
                "PRIVATE KEY", "BEGIN CERTIFICATE",
            ]
        func kubeconfig(_ user: [String]) throws -> [String] {
            ["--kubeconfig", try home.write("kubeconfig", KubeconfigText.single(cluster: cluster, user: user))]
        }
        func plugin(_ output: String) throws -> String {
            try home.write(
                "plugin", "#!/bin/sh\ncat <<'EOF'\n\(output)\nEOF\n", executable: true)
        }
        switch form {
        case .token:
            return Setup(
                arguments: try kubeconfig(["token: \(Self.token)"]), accepts: .init(tokens: [Self.token]),
                secrets: [Self.token])
        case .tokenFile:
            let path = try home.write("token", Self.token + "\n")
            return Setup(
                arguments: try kubeconfig(["tokenFile: \(path)"]), accepts: .init(tokens: [Self.token]),
                secrets: [Self.token])
        case .clientCertificateFiles:
            return Setup(
                arguments: try kubeconfig([
                    "client-certificate: \(pki.clientCertificate)", "client-key: \(pki.clientKey)",
                ]),
                accepts: .init(clientCertificates: true), secrets: pemSecrets)
        case .clientCertificateData:
            return Setup(
                arguments: try kubeconfig([
                    "client-certificate-data: \(try pki.base64(pki.clientCertificate))",
                    "client-key-data: \(try pki.base64(pki.clientKey))",
                ]), accepts: .init(clientCertificates: true), secrets: pemSecrets)
        case .basic:
            return Setup(
                arguments: try kubeconfig(["username: leak-user", "password: \(Self.password)"]),
                accepts: .init(basic: ["leak-user": Self.password]),
                secrets: [Self.password, Data("leak-user:\(Self.password)".utf8).base64EncodedString()])
        case .execToken:
            let output =
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\#(Self.token)"}}"#
            let command = try plugin(output)
            return Setup(
                arguments: try kubeconfig([
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(command)",
                    "  interactiveMode: Never",
                ]), accepts: .init(tokens: [Self.token]), secrets: [Self.token, output])
        case .execCertificate:
            let output = """
                {"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{\
                "clientCertificateData":"\(certificate.replacingOccurrences(of: "\n", with: "\\n"))",\
                "clientKeyData":"\(key.replacingOccurrences(of: "\n", with: "\\n"))"}}
                """
            let command = try plugin(output)
            return Setup(
                arguments: try kubeconfig([
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1beta1", "  command: \(command)",
                ]), accepts: .init(clientCertificates: true), secrets: pemSecrets + [output])
        case .inCluster:
            try home.write("sa/token", Self.token)
            try home.write("sa/ca.crt", try pki.read(pki.caCertificate))
            return Setup(
                arguments: ["--in-cluster"],
                environment: [
                    "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                    "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": home.file("sa"),
                ], accepts: .init(tokens: [Self.token]), secrets: [Self.token])
        }
    }

    @Test("success, 401 and 403 runs print no credential", arguments: Form.allCases)
    func noLeaks(_ form: Form) async throws {
        let home = try TempFolder()
        let server = try await FakeKubernetesAPI.start(authentication: .init(clientCertificates: true))
        defer { Task { await server.stop() } }
        let setup = try setup(form, server: server, home: home)
        server.setAuthentication(setup.accepts)
        var printed: [String] = []

        let saved = home.file("live.json")
        let success = try await CLI.run(
            ["live", "-A", "--save-live", saved, "-o", "json", "-o", "text=\(home.file("live.txt"))"]
                + setup.arguments, environment: setup.environment, home: home)
        #expect(success.status == 0, "\(form): \(success.stderr)")
        #expect(server.requests.allSatisfy { $0.authenticatedAs != nil && $0.authenticatedAs != "anonymous" })
        printed += [success.stdout, success.stderr, try home.read("live.json"), try home.read("live.txt")]

        server.on("/api/v1/namespaces/shop/services", respond: .recorded("error-403-reader-namespace"))
        let forbidden = try await CLI.run(
            ["live", "-n", "shop"] + setup.arguments, environment: setup.environment, home: home)
        #expect(forbidden.status == 2)
        printed += [forbidden.stdout, forbidden.stderr]

        server.setAuthentication(.init())
        let refused = try await CLI.run(
            ["live", "-n", "shop"] + setup.arguments, environment: setup.environment, home: home)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("did not accept the credentials") || refused.stderr.contains("TLS"),
            "\(form): \(refused.stderr)")
        printed += [refused.stdout, refused.stderr]

        for text in printed {
            for secret in setup.secrets {
                #expect(!text.contains(secret), "\(form) printed a credential")
            }
            #expect(!text.contains("Bearer "), "\(form)")
        }
    }

    @Test("a failing exec plugin: its stderr is shown, the credential it printed is not")
    func failingPlugin() async throws {
        let home = try TempFolder()
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        let output =
            #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\#(Self.token)"}}"#
        let command = try home.write(
            "plugin", "#!/bin/sh\necho '\(output)'\necho 'token refresh failed: re-run login' >&2\nexit 1\n",
            executable: true)
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(
                cluster: try KubeconfigText.cluster(server),
                user: [
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(command)",
                    "  interactiveMode: Never",
                ]))
        let result = try await CLI.run(["live", "-A", "--kubeconfig", kubeconfig], home: home)
        #expect(result.status == 2)
        #expect(result.stderr.contains("run exec plugin users[0].user.exec in \(kubeconfig): exited with status 1"))
        #expect(result.stderr.contains("token refresh failed: re-run login"))
        #expect(!result.stderr.contains(Self.token))
        #expect(!result.stdout.contains(Self.token))
    }
}
