/// One entry of `clusters:` in `.endpoint-drift.yaml`: a name, how to reach the cluster, and where
/// its desired state lives in the repository.
///
/// ```yaml
/// clusters:
///   - name: prod-eu
///     context: prod-eu-admin            # kubeconfig context (default: current-context)
///     kubeconfig: ~/.kube/prod.yaml      # optional; default --kubeconfig, KUBECONFIG, ~/.kube/config
///     paths: [clusters/prod-eu, common]  # default: --path, else the whole repository
///     namespaces: [shop, payments]       # default: -n/-A, else the namespaces git uses
///   - name: prod-us
///     inCluster: true                    # the pod's service account
///     paths: [clusters/prod-us]
///   - name: lab
///     liveFile: snapshots/lab.json       # a `kubectl get … -o json` snapshot instead of an API server
///     vars: [vars/lab.env]               # Flux variables git lacks, for this cluster (as --vars)
///     variables: {NAS_IP: 192.0.2.10}    # the same, written here
///     varsFromCluster: true              # as --vars-from-cluster, for this cluster
/// ```
public struct ClusterEntry: Sendable, Hashable {
    /// Names the cluster in reports, metric labels and Pushgateway groups.
    public var name: String
    public var context: String?
    public var kubeconfig: String?
    public var inCluster: Bool
    public var liveFile: String?
    /// Repository folders or files that hold this cluster's desired state; empty: as the command line says.
    public var paths: [String]
    /// The namespaces to read; empty: as the command line says.
    public var namespaces: [String]
    /// `vars:`: files of Flux variable values for this cluster, read before the command line's `--vars`.
    public var variableFiles: [String] = []
    /// `variables:`: values written in the entry; they win over every file.
    public var variables: [String: String] = [:]
    /// `varsFromCluster:`; `nil`: as the command line says.
    public var variablesFromCluster: Bool?
    /// Where the entry starts in the configuration file, for messages.
    public var line: Int?

    public init(
        name: String, context: String? = nil, kubeconfig: String? = nil, inCluster: Bool = false,
        liveFile: String? = nil, paths: [String] = [], namespaces: [String] = [], line: Int? = nil
    ) {
        self.name = name
        self.context = context
        self.kubeconfig = kubeconfig
        self.inCluster = inCluster
        self.liveFile = liveFile
        self.paths = paths
        self.namespaces = namespaces
        self.line = line
    }

    /// Names go into Prometheus label values and Pushgateway URL paths unescaped, so they are
    /// kept to what both take as is: a letter or digit, then letters, digits, `.`, `_`, `-`; at most 63.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63, isAlphanumeric(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
