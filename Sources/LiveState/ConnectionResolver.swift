/// Turns `--kubeconfig`/`--context`/`--in-cluster` and the environment into a `ClusterConnection`,
/// following kubectl's rules. Every error names the kubeconfig file and the field.
public enum ConnectionResolver {
    public static func resolve(
        _ request: ConnectionRequest, environment: ConnectionEnvironment
    ) throws(LiveError) -> ClusterConnection {
        if request.inCluster { return try InClusterConfig.resolve(environment: environment) }
        let loaded = try KubeconfigLoader.load(explicitPath: request.kubeconfigPath, environment: environment)
        guard let (config, _) = loaded, !config.isEmpty else {
            // kubectl falls back to the pod's service account when no kubeconfig says anything.
            if request.context == nil, environment.variables["KUBERNETES_SERVICE_HOST"].flatMap(nonEmpty) != nil {
                return try InClusterConfig.resolve(environment: environment)
            }
            let advice =
                "pass --kubeconfig FILE, set KUBECONFIG, use --in-cluster inside a pod, or read a snapshot with --live-file FILE"
            if let loaded {
                throw LiveError(
                    kind: .configuration, operation: "read kubeconfig", resource: loaded.config.filesDescription,
                    message: "it defines no clusters, users or contexts; \(advice)")
            }
            throw LiveError(
                kind: .configuration, operation: "find kubeconfig", resource: "",
                message:
                    "none found (looked at \(KubeconfigLoader.searchedPlaces(environment: environment))); \(advice)")
        }
        return try resolve(context: request.context, in: config, environment: environment)
    }

    /// The connection of context `name` (default: `current-context`).
    public static func resolve(
        context name: String?, in config: Kubeconfig, environment: ConnectionEnvironment
    ) throws(LiveError) -> ClusterConnection {
        let files = config.filesDescription
        let known = config.contexts.keys.sorted()
        let knownText = known.isEmpty ? "it defines no contexts" : "known: \(known.joined(separator: ", "))"
        guard let contextName = name ?? config.currentContext else {
            throw LiveError(
                kind: .configuration, operation: "read kubeconfig", resource: files,
                message: "current-context is not set; pass --context NAME (\(knownText))")
        }
        guard let context = config.contexts[contextName] else {
            let origin = name == nil ? "current-context" : "--context"
            throw LiveError(
                kind: .configuration, operation: "read kubeconfig", resource: files,
                message: "\(origin): context \"\(contextName)\" is not defined (\(knownText))")
        }
        guard !context.cluster.isEmpty else {
            throw ConfigFields.error(file: context.file, field: "\(context.fieldPath).cluster", "is required")
        }
        guard let cluster = config.clusters[context.cluster] else {
            throw ConfigFields.error(
                file: context.file, field: "\(context.fieldPath).cluster",
                "cluster \"\(context.cluster)\" is not defined in \(files)")
        }
        var user: KubeconfigUser?
        if !context.user.isEmpty {
            guard let found = config.users[context.user] else {
                throw ConfigFields.error(
                    file: context.file, field: "\(context.fieldPath).user",
                    "user \"\(context.user)\" is not defined in \(files)")
            }
            user = found
        }
        var connection = try clusterSettings(cluster, environment: environment)
        connection.description = "context \(contextName) (\(connection.server))"
        connection.defaultNamespace = context.namespace
        if let user {
            try apply(user, cluster: cluster, to: &connection)
            connection.identityDescription = "user \"\(user.name)\" of context \"\(contextName)\""
        } else {
            connection.identityDescription = "anonymous (context \"\(contextName)\" names no user)"
        }
        return connection
    }

    // MARK: Cluster

    private static func clusterSettings(
        _ cluster: KubeconfigCluster, environment: ConnectionEnvironment
    ) throws(LiveError) -> ClusterConnection {
        func fail(_ key: String, _ message: String) -> LiveError {
            ConfigFields.error(file: cluster.file, field: "\(cluster.fieldPath).\(key)", message)
        }
        guard !cluster.server.isEmpty else { throw fail("server", "is required") }
        guard let server = ServerEndpoint(parsing: cluster.server) else {
            throw fail("server", "is not an http(s) URL such as https://host:6443")
        }
        var ca: Secret?
        var caOrigin: String?
        if let data = cluster.certificateAuthorityData {
            // As in kubectl, the inline data wins over the file.
            ca = data
            caOrigin = "\(cluster.fieldPath).certificate-authority-data in \(cluster.file)"
        } else if let path = cluster.certificateAuthority {
            do {
                ca = Secret(bytes: try FileErrors.read(path))
            } catch {
                throw fail("certificate-authority", error.message)
            }
            caOrigin = "\(path) (\(cluster.fieldPath).certificate-authority in \(cluster.file))"
        }
        if cluster.insecureSkipTLSVerify && ca != nil {
            throw fail(
                "insecure-skip-tls-verify",
                "cannot be combined with certificate-authority(-data): trust the CA, or skip verification, not both")
        }
        var proxy: ProxySettings?
        if let proxyURL = cluster.proxyURL {
            switch ProxySettings.parse(proxyURL.revealText()) {
            case .success(let settings): proxy = settings
            case .failure(let error): throw fail("proxy-url", error.reason)
            }
        } else if let fromEnvironment = ProxySettings.fromEnvironment(environment.variables, server: server) {
            switch fromEnvironment {
            case .success(let settings): proxy = settings
            case .failure(let error):
                throw LiveError(
                    kind: .configuration, operation: "read environment", resource: "HTTPS_PROXY",
                    message: error.reason)
            }
        }
        return ClusterConnection(
            server: server, certificateAuthorityPEM: ca, certificateAuthorityOrigin: caOrigin,
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify, tlsServerName: cluster.tlsServerName, proxy: proxy,
            description: "cluster \(cluster.name) (\(server))", identityDescription: "anonymous")
    }

    // MARK: User

    private static func apply(
        _ user: KubeconfigUser, cluster: KubeconfigCluster, to connection: inout ClusterConnection
    ) throws(LiveError) {
        func fail(_ key: String, _ message: String) -> LiveError {
            ConfigFields.error(
                file: user.file, field: key.isEmpty ? user.fieldPath : "\(user.fieldPath).\(key)", message)
        }
        if let provider = user.authProvider {
            throw fail(
                "auth-provider",
                "the \(provider) auth-provider is not supported (kubectl removed auth providers in 1.26); use an exec plugin such as gke-gcloud-auth-plugin or kubelogin"
            )
        }
        var methods: [String] = []
        if user.token != nil || user.tokenFile != nil { methods.append("token") }
        if user.username != nil || user.password != nil { methods.append("username/password") }
        if user.exec != nil { methods.append("exec") }
        guard methods.count <= 1 else {
            throw fail("", "more than one authentication method is set (\(methods.joined(separator: ", "))); keep one")
        }
        if let tokenFile = user.tokenFile {
            // kubectl: a readable tokenFile wins over token.
            connection.credentials = .tokenFile(
                path: tokenFile, field: "\(user.fieldPath).tokenFile in \(user.file)")
        } else if let token = user.token {
            connection.credentials = .token(token)
        } else if user.username != nil || user.password != nil {
            guard let username = user.username else { throw fail("username", "is required with password") }
            connection.credentials = .basic(username: username, password: user.password ?? Secret(""))
        } else if let exec = user.exec {
            connection.credentials = .exec(
                exec,
                cluster: ExecClusterInfo(
                    server: cluster.server, tlsServerName: cluster.tlsServerName,
                    insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
                    certificateAuthorityData: connection.certificateAuthorityPEM, proxyURL: cluster.proxyURL))
        }
        connection.clientIdentity = try clientIdentity(user, fail: fail)
        if let impersonate = user.impersonate {
            connection.impersonation = Impersonation(
                user: impersonate, groups: user.impersonateGroups, uid: user.impersonateUID)
        } else if !user.impersonateGroups.isEmpty || user.impersonateUID != nil {
            throw fail("as", "is required with as-groups or as-uid")
        }
    }

    private static func clientIdentity(
        _ user: KubeconfigUser, fail: (String, String) -> LiveError
    ) throws(LiveError) -> ClientIdentity? {
        var certificate: Secret?
        var certificateOrigin = ""
        if let data = user.clientCertificateData {
            certificate = data
            certificateOrigin = "client-certificate-data"
        } else if let path = user.clientCertificate {
            do {
                certificate = Secret(bytes: try FileErrors.read(path))
            } catch {
                throw fail("client-certificate", error.message)
            }
            certificateOrigin = "client-certificate"
        }
        var key: Secret?
        if let data = user.clientKeyData {
            key = data
        } else if let path = user.clientKey {
            do {
                key = Secret(bytes: try FileErrors.read(path))
            } catch {
                throw fail("client-key", error.message)
            }
        }
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (.some, nil):
            throw fail("client-key", "is required with \(certificateOrigin) (or set client-key-data)")
        case (nil, .some):
            throw fail("client-certificate", "is required with a client key (or set client-certificate-data)")
        case (.some(let certificate), .some(let key)):
            return ClientIdentity(
                certificatePEM: certificate, keyPEM: key,
                origin: "\(user.fieldPath).\(certificateOrigin) in \(user.file)")
        }
    }
}
