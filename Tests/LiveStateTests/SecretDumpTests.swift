import Delivery
import DesiredState
import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// Every credential is a `Secret` from the moment it is read: a kubeconfig's token, tokenFile
/// content, client certificate and key data, CA data, basic-auth password, proxy password, exec
/// plugin env and answer, webhook URL, Pushgateway and webhook auth, Flux Secret values. Each
/// structure that holds one is printed every way Swift can print it (`String(describing:)`,
/// `String(reflecting:)`, `dump`), and no secret's bytes may show, as text, base64 or numbers.
@Suite struct SecretDumpTests {
    /// A distinct marker per kind of secret, so that a leak names its kind.
    static let secrets = [
        "token": "TOKEN-9f3a71c2", "tokenFile": "TOKENFILE-5b82e0d4", "clientCertificate": "CLIENTCERT-1c9d44aa",
        "clientKey": "CLIENTKEY-7e21b3f0", "certificateAuthority": "CADATA-3a6f90de", "password": "PASSWORD-8d04c6e1",
        "proxyPassword": "PROXYPASS-2b7e55f9", "execEnv": "EXECENV-6c13a8b2", "execToken": "EXECTOKEN-4f92d7e3",
        "execKey": "EXECKEY-0a5c61f8", "execCertificate": "EXECCERT-9e47b2c5", "webhookPath": "WEBHOOKPATH-5d38f1a0",
        "webhookToken": "WEBHOOKTOKEN-7a0e42c9", "pushgatewayPassword": "PUSHPASS-1f6d83b4",
        "fluxSecret": "FLUXSECRET-3c5a97e2", "fluxStringData": "FLUXSTRING-8b1f06d5",
    ]

    static func secret(_ kind: String) -> String { secrets[kind] ?? "UNKNOWN-KIND-\(kind)" }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The three ways a value is printed.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    /// Whether `text` shows `secret`: as text, as base64, or as its bytes written as numbers (how
    /// a `[UInt8]` prints, one per line in `dump`).
    static func shows(_ text: String, _ secret: String) -> Bool {
        if text.contains(secret) || text.contains(base64(secret)) { return true }
        var numbers: [Int] = []
        var current: Int?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                current = (current ?? 0) * 10 + digit
            } else if let value = current {
                numbers.append(value)
                current = nil
            }
        }
        if let current { numbers.append(current) }
        let needle = Array(secret.utf8).prefix(8).map(Int.init)
        guard numbers.count >= needle.count else { return false }
        return (0...(numbers.count - needle.count)).contains { Array(numbers[$0..<($0 + needle.count)]) == needle }
    }

    static func expectNoSecret(_ value: Any, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    {
        for text in renderings(value) {
            for (kind, secret) in secrets where shows(text, secret) {
                Issue.record("\(label) shows the \(kind) secret: \(text.prefix(2000))", sourceLocation: sourceLocation)
            }
        }
    }

    static func pem(_ marker: String, _ type: String) -> String {
        "-----BEGIN \(type)-----\n\(base64(marker))\n-----END \(type)-----\n"
    }

    func kubeconfig(tokenFile: String) -> String {
        return """
            apiVersion: v1
            kind: Config
            current-context: token
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: \(Self.base64(Self.pem(Self.secret("certificateAuthority"), "CERTIFICATE")))
                proxy-url: http://proxy-user:\(Self.secret("proxyPassword"))@127.0.0.1:3128
            users:
            - name: token
              user: {token: \(Self.secret("token"))}
            - name: token-file
              user: {tokenFile: \(tokenFile)}
            - name: certs
              user:
                client-certificate-data: \(Self.base64(Self.pem(Self.secret("clientCertificate"), "CERTIFICATE")))
                client-key-data: \(Self.base64(Self.pem(Self.secret("clientKey"), "PRIVATE KEY")))
            - name: basic
              user: {username: admin, password: \(Self.secret("password"))}
            - name: exec
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: credential-plugin
                  interactiveMode: Never
                  provideClusterInfo: true
                  env: [{name: AWS_SECRET_ACCESS_KEY, value: \(Self.secret("execEnv"))}]
            contexts:
            - {name: token, context: {cluster: c, user: token}}
            - {name: token-file, context: {cluster: c, user: token-file}}
            - {name: certs, context: {cluster: c, user: certs}}
            - {name: basic, context: {cluster: c, user: basic}}
            - {name: exec, context: {cluster: c, user: exec}}

            """
    }

    @Test("a parsed kubeconfig and every connection resolved from it print no secret")
    func kubeconfigAndConnections() async throws {
        let folder = try TempFolder()
        let tokenFile = try folder.write("token", Self.secret("tokenFile") + "\n")
        let text = kubeconfig(tokenFile: tokenFile)
        // The markers are really in what is parsed.
        for kind in ["token", "password", "proxyPassword", "execEnv"] { #expect(text.contains(Self.secret(kind))) }
        let config = try Kubeconfig(parsing: text, file: folder.file("config"))
        Self.expectNoSecret(config, "Kubeconfig")
        for (name, user) in config.users { Self.expectNoSecret(user, "KubeconfigUser \(name)") }
        for (name, cluster) in config.clusters { Self.expectNoSecret(cluster, "KubeconfigCluster \(name)") }
        #expect(
            config.users["certs"]?.clientKeyData?.revealText()
                == Self.pem(Self.secret("clientKey"), "PRIVATE KEY"))
        #expect(config.users["exec"]?.exec?.env.first?.value.revealText() == Self.secret("execEnv"))

        let environment = ConnectionEnvironment(variables: [:])
        for context in config.contexts.keys.sorted() {
            let connection = try ConnectionResolver.resolve(context: context, in: config, environment: environment)
            Self.expectNoSecret(connection, "ClusterConnection \(context)")
            Self.expectNoSecret(connection.credentials, "CredentialSource \(context)")
            if let proxy = connection.proxy { Self.expectNoSecret(proxy, "ProxySettings \(context)") }
            if context != "exec" {
                // What a request would send (the token file is read here).
                let store = CredentialStore(
                    source: connection.credentials, identity: connection.clientIdentity, environment: environment)
                let credentials = try await store.current()
                Self.expectNoSecret(credentials, "RequestCredentials \(context)")
                if context == "token-file" {
                    #expect(credentials.authorization?.revealText() == "Bearer " + Self.secret("tokenFile"))
                }
            }
        }
        let proxy = try ConnectionResolver.resolve(context: "token", in: config, environment: environment).proxy
        #expect(proxy?.password?.revealText() == Self.secret("proxyPassword"))
    }

    @Test("an exec plugin's answer prints no secret")
    func execCredential() throws {
        let output = """
            {"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"\(Self.secret("execToken"))",\
            "clientCertificateData":"\(Self.secret("execCertificate"))","clientKeyData":"\(Self.secret("execKey"))"}}
            """
        let credential = try ExecCredential.parse(
            Array(output.utf8), expectedAPIVersion: "client.authentication.k8s.io/v1"
        ).get()
        #expect(credential.token?.revealText() == Self.secret("execToken"))
        Self.expectNoSecret(credential, "ExecCredential")
    }

    @Test("webhook URL and token, Pushgateway basic auth print no secret")
    func delivery() throws {
        let hook = try Webhook(
            url: Secret("https://hooks.slack.example/services/T000/B000/\(Self.secret("webhookPath"))"),
            credentials: .from(
                environment: ["ENDPOINT_DRIFT_WEBHOOK_TOKEN": Self.secret("webhookToken")],
                prefix: "ENDPOINT_DRIFT_WEBHOOK"))
        Self.expectNoSecret(hook, "Webhook")
        #expect(hook.target == "https://hooks.slack.example")
        let basic = DeliveryCredentials.from(
            environment: [
                "ENDPOINT_DRIFT_PUSHGATEWAY_USERNAME": "pusher",
                "ENDPOINT_DRIFT_PUSHGATEWAY_PASSWORD": Self.secret("pushgatewayPassword"),
            ], prefix: "ENDPOINT_DRIFT_PUSHGATEWAY")
        Self.expectNoSecret(basic, "DeliveryCredentials")
        let gateway = Pushgateway(
            base: try HTTPDelivery.parse("https://push.example:9091", option: "--pushgateway"), job: "j",
            credentials: basic)
        Self.expectNoSecret(gateway, "Pushgateway")
        // A webhook URL that does not parse is refused without repeating it.
        let error = #expect(throws: DeliveryError.self) {
            _ = try Webhook(url: Secret("ftp://x/\(Self.secret("webhookPath"))"), credentials: .none)
        }
        Self.expectNoSecret(error as Any, "DeliveryError")
    }

    @Test("a Flux Secret's values in the desired state print no secret")
    func fluxSecretValues() throws {
        let text = """
            apiVersion: v1
            kind: Secret
            metadata: {name: router, namespace: flux-system}
            data:
              ROUTER_PASSWORD: \(Self.base64(Self.secret("fluxSecret")))
            stringData:
              ROUTER_TOKEN: \(Self.secret("fluxStringData"))

            """
        let roots = try YAMLReader.documents(in: text)
        let sources = VariableSource.read(roots, file: "secret.yaml")
        #expect(sources.count == 1)
        #expect(sources.first?.values["ROUTER_PASSWORD"]?.value.revealText() == Self.secret("fluxSecret"))
        Self.expectNoSecret(sources, "VariableSource")
    }
}
