import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the process environment contributes to finding the cluster. A value, so that tests can
/// describe any environment without touching the real one (tests run in parallel).
public struct ConnectionEnvironment: Sendable {
    /// Where a pod's service-account token, CA and namespace are mounted.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
    /// Overrides `defaultServiceAccountDirectory`; meant for tests of the in-cluster mode.
    public static let serviceAccountDirectoryVariable = "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR"

    public var variables: [String: String]
    public var serviceAccountDirectory: String
    /// Whether an exec plugin could talk to a person (stdin is a terminal).
    public var stdinIsTerminal: Bool
    /// Seconds an exec credential plugin may run (not an interactive one, which waits for a person).
    public var execTimeout: Double = 60

    public init(
        variables: [String: String], serviceAccountDirectory: String? = nil, stdinIsTerminal: Bool = false
    ) {
        self.variables = variables
        self.serviceAccountDirectory =
            serviceAccountDirectory ?? variables[Self.serviceAccountDirectoryVariable].flatMap(nonEmpty)
            ?? Self.defaultServiceAccountDirectory
        self.stdinIsTerminal = stdinIsTerminal
    }

    /// This process's environment.
    public static var current: ConnectionEnvironment {
        ConnectionEnvironment(variables: ProcessInfo.processInfo.environment, stdinIsTerminal: isatty(0) == 1)
    }

    /// `$HOME`, else the password database's home folder.
    var homeDirectory: String? {
        if let home = variables["HOME"], !home.isEmpty { return home }
        return nil
    }
}
