import Foundation

/// The connection a pod has to its own cluster: `KUBERNETES_SERVICE_HOST`/`_PORT`, and the
/// service account's token, CA and namespace mounted in `serviceAccountDirectory`.
public enum InClusterConfig {
    public static func resolve(environment: ConnectionEnvironment) throws(LiveError) -> ClusterConnection {
        let variables = environment.variables
        guard let host = variables["KUBERNETES_SERVICE_HOST"].flatMap(nonEmpty),
            let portText = variables["KUBERNETES_SERVICE_PORT"].flatMap(nonEmpty)
        else {
            throw failure(
                "environment",
                "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; --in-cluster works inside a pod only")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw failure("environment", "KUBERNETES_SERVICE_PORT is not a port number")
        }
        let folder = environment.serviceAccountDirectory
        let tokenPath = URL(fileURLWithPath: folder).appendingPathComponent("token").path
        guard FileManager.default.fileExists(atPath: tokenPath) else {
            throw failure(
                tokenPath,
                "the service-account token is not mounted (is automountServiceAccountToken false for this pod?)")
        }
        let caPath = URL(fileURLWithPath: folder).appendingPathComponent("ca.crt").path
        let ca: Secret
        do {
            ca = Secret(bytes: try FileErrors.read(caPath))
        } catch {
            throw failure(caPath, error.message)
        }
        let namespacePath = URL(fileURLWithPath: folder).appendingPathComponent("namespace").path
        let namespaceText = try? String(contentsOfFile: namespacePath, encoding: .utf8)
        let namespace = namespaceText.flatMap { nonEmpty($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let server = ServerEndpoint(scheme: "https", host: host, port: port)
        var proxy: ProxySettings?
        if let fromEnvironment = ProxySettings.fromEnvironment(variables, server: server) {
            switch fromEnvironment {
            case .success(let settings): proxy = settings
            case .failure(let error): throw failure("environment", "HTTPS_PROXY \(error.reason)")
            }
        }
        return ClusterConnection(
            server: server, certificateAuthorityPEM: ca, certificateAuthorityOrigin: caPath,
            credentials: .tokenFile(path: tokenPath, field: "service-account token"), proxy: proxy,
            description: "in-cluster (\(server))",
            identityDescription: namespace.map { "the pod's service account (namespace \($0))" }
                ?? "the pod's service account",
            defaultNamespace: namespace)
    }

    private static func failure(_ resource: String, _ message: String) -> LiveError {
        LiveError(kind: .configuration, operation: "in-cluster configuration", resource: resource, message: message)
    }
}
