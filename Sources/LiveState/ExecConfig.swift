/// A `users[].user.exec` credential plugin (`client.authentication.k8s.io/v1` or `v1beta1`).
public struct ExecConfig: Sendable {
    /// When the plugin may talk to the user through stdin.
    public enum InteractiveMode: String, Sendable {
        case never = "Never"
        case ifAvailable = "IfAvailable"
        case always = "Always"
    }

    public static let supportedAPIVersions = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    public var apiVersion: String
    /// Absolute when it was written with a slash (resolved against the kubeconfig's folder);
    /// otherwise a name looked up in `PATH`.
    public var command: String
    public var args: [String]
    public var env: [(name: String, value: Secret)]
    public var interactiveMode: InteractiveMode
    public var installHint: String?
    public var provideClusterInfo: Bool
    /// Where it was configured, for messages.
    public var file: String
    public var fieldPath: String

    public init(
        apiVersion: String, command: String, args: [String] = [], env: [(name: String, value: Secret)] = [],
        interactiveMode: InteractiveMode = .ifAvailable, installHint: String? = nil, provideClusterInfo: Bool = false,
        file: String = "", fieldPath: String = ""
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.interactiveMode = interactiveMode
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.file = file
        self.fieldPath = fieldPath
    }

    static func parse(_ fields: ConfigFields, folder: String) throws(LiveError) -> ExecConfig {
        guard let apiVersion = try fields.string("apiVersion"), !apiVersion.isEmpty else {
            throw fields.error(
                "apiVersion", "is required (\(supportedAPIVersions.joined(separator: " or ")))")
        }
        guard supportedAPIVersions.contains(apiVersion) else {
            throw fields.error(
                "apiVersion",
                "\(apiVersion) is not supported; use \(supportedAPIVersions.joined(separator: " or ")) (v1alpha1 was removed in Kubernetes 1.24)"
            )
        }
        guard var command = try fields.string("command"), !command.isEmpty else {
            throw fields.error("command", "is required")
        }
        // kubectl resolves a command with a slash against the kubeconfig's folder, and looks a bare
        // name up in PATH.
        if command.contains("/") { command = KubeconfigPath.resolve(command, against: folder) }
        var env: [(String, Secret)] = []
        for item in try fields.list("env") {
            let entry = try ConfigFields(node: item.node, file: fields.file, path: item.path)
            guard let name = try entry.string("name"), !name.isEmpty else {
                throw entry.error("name", "is required")
            }
            // Plugins take keys and passwords from their environment.
            env.append((name, Secret(try entry.string("value") ?? "")))
        }
        var mode: InteractiveMode = .ifAvailable
        if let written = try fields.string("interactiveMode"), !written.isEmpty {
            guard let parsed = InteractiveMode(rawValue: written) else {
                throw fields.error("interactiveMode", "must be Never, IfAvailable or Always")
            }
            mode = parsed
        } else if apiVersion == "client.authentication.k8s.io/v1" {
            // client-go rejects a v1 exec config without it, so do we.
            throw fields.error("interactiveMode", "is required for \(apiVersion) (Never, IfAvailable or Always)")
        }
        return ExecConfig(
            apiVersion: apiVersion, command: command, args: try fields.strings("args"), env: env,
            interactiveMode: mode, installHint: try fields.string("installHint").flatMap(nonEmpty),
            provideClusterInfo: try fields.bool("provideClusterInfo") ?? false, file: fields.file,
            fieldPath: fields.path)
    }
}
