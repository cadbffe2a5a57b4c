import Foundation
import LiveState
import TestSupport
import Testing

@Suite("Kubeconfig loading, merging and resolution")
struct KubeconfigTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    private func cluster(_ name: String, server: String) -> String {
        "- name: \(name)\n  cluster:\n    server: \(server)\n    insecure-skip-tls-verify: true\n"
    }

    @Test("KUBECONFIG files merge: first definition of a name wins, first current-context wins, missing files skipped")
    func mergesLikeKubectl() throws {
        let first = try folder.write(
            "a/config",
            "clusters:\n" + cluster("shared", server: "https://first.example:6443")
                + "contexts:\n- name: one\n  context:\n    cluster: shared\ncurrent-context: one\n")
        let second = try folder.write(
            "b/config",
            "clusters:\n" + cluster("shared", server: "https://second.example:6443")
                + cluster("extra", server: "https://extra.example")
                + "users:\n- name: u\n  user:\n    token: abc\n"
                + "contexts:\n- name: one\n  context:\n    cluster: extra\n- name: two\n  context:\n    cluster: extra\n    user: u\n"
                + "current-context: two\n")
        let environment = Harness.environment(["KUBECONFIG": "\(first):\(folder.file("missing")):\(second)"])
        let loaded = try #require(try KubeconfigLoader.load(explicitPath: nil, environment: environment))
        #expect(loaded.config.files == [first, second])
        #expect(loaded.config.currentContext == "one")
        #expect(loaded.config.clusters["shared"]?.server == "https://first.example:6443")
        #expect(loaded.config.clusters["extra"]?.server == "https://extra.example")
        #expect(loaded.config.contexts["one"]?.cluster == "shared")
        #expect(loaded.config.users["u"] != nil)

        let connection = try ConnectionResolver.resolve(ConnectionRequest(), environment: environment)
        #expect(connection.server.host == "first.example")
        #expect(connection.description == "context one (https://first.example:6443)")
        let other = try ConnectionResolver.resolve(ConnectionRequest(context: "two"), environment: environment)
        #expect(other.server.description == "https://extra.example")
        #expect(other.identityDescription == "user \"u\" of context \"two\"")
    }

    @Test("--kubeconfig wins over KUBECONFIG, which wins over ~/.kube/config")
    func precedence() throws {
        let explicit = try folder.write(
            "explicit", "clusters:\n" + cluster("c", server: "https://explicit") + contexts("c"))
        let fromEnvironment = try folder.write(
            "environment", "clusters:\n" + cluster("c", server: "https://environment") + contexts("c"))
        try folder.write("home/.kube/config", "clusters:\n" + cluster("c", server: "https://home") + contexts("c"))
        let home = folder.file("home")

        let withAll = Harness.environment(["KUBECONFIG": fromEnvironment], home: home)
        #expect(
            try ConnectionResolver.resolve(ConnectionRequest(kubeconfigPath: explicit), environment: withAll).server
                .host == "explicit")
        #expect(try ConnectionResolver.resolve(ConnectionRequest(), environment: withAll).server.host == "environment")
        let homeOnly = Harness.environment([:], home: home)
        #expect(try ConnectionResolver.resolve(ConnectionRequest(), environment: homeOnly).server.host == "home")
    }

    private func contexts(_ clusterName: String) -> String {
        "contexts:\n- name: ctx\n  context:\n    cluster: \(clusterName)\ncurrent-context: ctx\n"
    }

    @Test("relative paths resolve against the folder of the file that names them")
    func relativePaths() throws {
        let pki = try TestPKI.shared
        try folder.write("certs/ca.crt", try pki.read(pki.caCertificate))
        try folder.write("kube/client.crt", try pki.read(pki.clientCertificate))
        try folder.write("kube/keys/client.key", try pki.read(pki.clientKey))
        try folder.write("kube/token", "relative-token\n")
        try folder.write("kube/bin/plugin", "#!/bin/sh\necho {}\n", executable: true)
        let path = try folder.write(
            "kube/config",
            KubeconfigText.single(
                cluster: ["server: https://127.0.0.1:1", "certificate-authority: ../certs/ca.crt"],
                user: [
                    "client-certificate: client.crt", "client-key: keys/client.key", "tokenFile: token",
                ]))
        let loaded = try Kubeconfig(parsing: try folder.read("kube/config"), file: path)
        let user = try #require(loaded.users["test-user"])
        #expect(user.clientCertificate == folder.file("kube/client.crt"))
        #expect(user.clientKey == folder.file("kube/keys/client.key"))
        #expect(user.tokenFile == folder.file("kube/token"))
        #expect(loaded.clusters["test-cluster"]?.certificateAuthority == folder.file("certs/ca.crt"))

        let connection = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: path), environment: Harness.environment())
        #expect(connection.certificateAuthorityPEM?.reveal() == Array(try pki.read(pki.caCertificate).utf8))
        #expect(connection.clientIdentity?.certificatePEM.revealText() == (try pki.read(pki.clientCertificate)))

        let execConfig = try Kubeconfig(
            parsing: KubeconfigText.single(
                cluster: ["server: https://x"],
                user: [
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: ./bin/plugin",
                    "  interactiveMode: Never",
                ]), file: path)
        #expect(execConfig.users["test-user"]?.exec?.command == folder.file("kube/bin/plugin"))
        let onPath = try Kubeconfig(
            parsing: KubeconfigText.single(
                cluster: ["server: https://x"],
                user: [
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: aws",
                    "  interactiveMode: Never",
                ]), file: path)
        #expect(onPath.users["test-user"]?.exec?.command == "aws")
    }

    @Test("a missing --kubeconfig file is an error naming it")
    func missingFile() throws {
        let missing = folder.file("nope/config")
        let error = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(
                ConnectionRequest(kubeconfigPath: missing), environment: Harness.environment())
        }
        #expect(error?.kind == .configuration)
        #expect(error?.resource == missing)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test("an unknown context names the files and the contexts there are")
    func unknownContext() throws {
        let path = try folder.write(
            "config", KubeconfigText.single(cluster: ["server: https://x"], user: nil, context: "prod"))
        let error = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(
                ConnectionRequest(kubeconfigPath: path, context: "staging"), environment: Harness.environment())
        }
        #expect(error?.resource == path)
        #expect(error?.message == "--context: context \"staging\" is not defined (known: prod)")

        let noCurrent = try folder.write(
            "no-current",
            KubeconfigText.single(cluster: ["server: https://x"], user: nil, context: "prod", currentContext: false))
        let unset = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(
                ConnectionRequest(kubeconfigPath: noCurrent), environment: Harness.environment())
        }
        #expect(unset?.message.contains("current-context is not set; pass --context NAME (known: prod)") == true)
    }

    @Test("a context naming an undefined cluster or user names the field")
    func undefinedReferences() throws {
        let path = try folder.write(
            "config",
            "clusters: []\ncontexts:\n- name: c\n  context:\n    cluster: gone\n    user: nobody\ncurrent-context: c\n")
        let error = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(kubeconfigPath: path), environment: Harness.environment())
        }
        #expect(error?.resource == path)
        #expect(error?.message.hasPrefix("contexts[0].context.cluster: cluster \"gone\" is not defined") == true)
    }

    @Test("field errors name the file and the field path, never the value")
    func fieldErrors() throws {
        let cases: [(user: [String], cluster: [String], field: String)] = [
            (["token: [not-a-secret-value]"], ["server: https://x"], "users[0].user.token: expected a string"),
            (
                ["token: t"], ["server: https://x", "certificate-authority-data: '%%%'"],
                "clusters[0].cluster.certificate-authority-data: is not valid base64"
            ),
            (
                ["client-certificate-data: '!!secret!!'"], ["server: https://x"],
                "users[0].user.client-certificate-data: is not valid base64"
            ),
            (["token: t"], ["server: ftp://x"], "clusters[0].cluster.server: is not an http(s) URL"),
            (["token: t"], [], "clusters[0].cluster.server: is required"),
            (
                ["token: t", "username: admin", "password: hunter2"], ["server: https://x"],
                "users[0].user: more than one authentication method is set (token, username/password)"
            ),
            (
                ["client-certificate: \(try TestPKI.shared.clientCertificate)"], ["server: https://x"],
                "users[0].user.client-key: is required"
            ),
            (
                ["auth-provider:", "  name: gcp"], ["server: https://x"],
                "users[0].user.auth-provider: the gcp auth-provider is not supported"
            ),
            (
                ["token: t"], ["server: https://x", "proxy-url: https://proxy:3128"],
                "clusters[0].cluster.proxy-url: https:// proxies"
            ),
            (
                ["token: t"],
                ["server: https://x", "insecure-skip-tls-verify: true", "certificate-authority-data: QUJD"],
                "clusters[0].cluster.insecure-skip-tls-verify: cannot be combined with certificate-authority"
            ),
            (
                ["exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: plugin"], ["server: https://x"],
                "users[0].user.exec.interactiveMode: is required for client.authentication.k8s.io/v1"
            ),
            (
                ["exec:", "  apiVersion: client.authentication.k8s.io/v1alpha1", "  command: plugin"],
                ["server: https://x"],
                "users[0].user.exec.apiVersion: client.authentication.k8s.io/v1alpha1 is not supported"
            ),
            (
                ["tokenFile: missing-token"], ["server: https://x", "certificate-authority: missing-ca.crt"],
                "clusters[0].cluster.certificate-authority: \(folder.file("missing-ca.crt")) does not exist"
            ),
        ]
        for (index, testCase) in cases.enumerated() {
            let path = try folder.write(
                "config-\(index)", KubeconfigText.single(cluster: testCase.cluster, user: testCase.user))
            let error = #expect(throws: LiveError.self, "case \(index)") {
                try ConnectionResolver.resolve(
                    ConnectionRequest(kubeconfigPath: path), environment: Harness.environment())
            }
            #expect(error?.resource == path, "case \(index)")
            #expect(error?.message.hasPrefix(testCase.field) == true, "case \(index): \(error?.message ?? "")")
            #expect(error?.message.contains("not-a-secret-value") == false)
            #expect(error?.message.contains("!!secret!!") == false)
            #expect(error?.message.contains("hunter2") == false)
        }
    }

    @Test("YAML that does not parse names the file and the line")
    func syntaxError() throws {
        let path = try folder.write("config", "clusters:\n- name: a\n  cluster: {server: [\n")
        let error = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(kubeconfigPath: path), environment: Harness.environment())
        }
        #expect(error?.resource == path)
        #expect(error?.message.hasPrefix("not valid YAML: line") == true)
    }

    @Test("proxy-url: http CONNECT and socks5 proxies are used, with credentials kept secret")
    func proxies() throws {
        let http = try folder.write(
            "http",
            KubeconfigText.single(
                cluster: ["server: https://x", "proxy-url: http://me:pw@proxy.example:3128"], user: nil))
        let connection = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: http), environment: Harness.environment())
        #expect(connection.proxy?.kind == .httpConnect)
        #expect(connection.proxy?.host == "proxy.example")
        #expect(connection.proxy?.port == 3128)
        #expect(connection.proxy?.username == "me")
        #expect(connection.proxy?.password?.revealText() == "pw")
        #expect(!String(describing: connection).contains("pw@"))

        let socks = try folder.write(
            "socks",
            KubeconfigText.single(cluster: ["server: https://x", "proxy-url: socks5://127.0.0.1:1080"], user: nil))
        let socksConnection = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: socks), environment: Harness.environment())
        #expect(socksConnection.proxy == ProxySettings(kind: .socks5, host: "127.0.0.1", port: 1080))

        // HTTPS_PROXY applies like kubectl's, except for NO_PROXY and loopback servers.
        let plain = try folder.write(
            "plain", KubeconfigText.single(cluster: ["server: https://api.example"], user: nil))
        let viaEnvironment = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: plain), environment: Harness.environment(["HTTPS_PROXY": "proxy:8080"]))
        #expect(viaEnvironment.proxy?.host == "proxy")
        let excluded = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: plain),
            environment: Harness.environment(["HTTPS_PROXY": "proxy:8080", "NO_PROXY": ".example"]))
        #expect(excluded.proxy == nil)
    }

    @Test("no kubeconfig: the pod's service account when KUBERNETES_SERVICE_HOST is set, else a clear error")
    func fallsBackToInCluster() throws {
        try folder.write("sa/token", "sa-token\n")
        try folder.write("sa/ca.crt", try TestPKI.shared.read(try TestPKI.shared.caCertificate))
        try folder.write("sa/namespace", "shop\n")
        let inPod = Harness.environment([
            "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "SA_DIR": folder.file("sa"),
        ])
        let connection = try ConnectionResolver.resolve(ConnectionRequest(), environment: inPod)
        #expect(connection.description == "in-cluster (https://10.96.0.1)")
        #expect(connection.defaultNamespace == "shop")
        guard case .tokenFile(let path, _) = connection.credentials else {
            Issue.record("expected a token file")
            return
        }
        #expect(path == folder.file("sa/token"))

        let nowhere = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(), environment: Harness.environment())
        }
        #expect(
            nowhere?.message.hasPrefix(
                "none found (looked at /nonexistent-home/.kube/config); pass --kubeconfig FILE, set KUBECONFIG") == true
        )

        let empty = try folder.write("empty-config", "")
        let emptyError = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(kubeconfigPath: empty), environment: Harness.environment())
        }
        #expect(emptyError?.resource == empty)
        #expect(emptyError?.message.hasPrefix("it defines no clusters, users or contexts") == true)

        let notInPod = #expect(throws: LiveError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(inCluster: true), environment: Harness.environment())
        }
        #expect(notInPod?.message.contains("KUBERNETES_SERVICE_HOST") == true)
    }
}
