/// Kubeconfig YAML for tests: one cluster, one user, one context, each given as the YAML lines of
/// its body.
public enum KubeconfigText {
    /// - Parameters:
    ///   - cluster: lines under `cluster:` (e.g. `server: https://…`).
    ///   - user: lines under `user:`; nil for a context without a user.
    public static func single(
        cluster: [String], user: [String]?, context: String = "test", clusterName: String = "test-cluster",
        userName: String = "test-user", namespace: String? = nil, currentContext: Bool = true
    ) -> String {
        var text = "apiVersion: v1\nkind: Config\nclusters:\n- name: \(clusterName)\n  cluster:\n"
        text += cluster.map { "    \($0)\n" }.joined()
        if let user {
            text += "users:\n- name: \(userName)\n  user:\n"
            text += user.isEmpty ? "    {}\n" : user.map { "    \($0)\n" }.joined()
        }
        text += "contexts:\n- name: \(context)\n  context:\n    cluster: \(clusterName)\n"
        if user != nil { text += "    user: \(userName)\n" }
        if let namespace { text += "    namespace: \(namespace)\n" }
        if currentContext { text += "current-context: \(context)\n" }
        return text
    }

    /// The cluster lines for the fake server, trusting the test CA (inline).
    public static func cluster(_ server: FakeKubernetesAPI, caInline: Bool = true) throws -> [String] {
        if caInline {
            return [
                "server: \(server.serverURL)",
                "certificate-authority-data: \(try server.pki.base64(server.pki.caCertificate))",
            ]
        }
        return ["server: \(server.serverURL)", "certificate-authority: \(server.pki.caCertificate)"]
    }
}
