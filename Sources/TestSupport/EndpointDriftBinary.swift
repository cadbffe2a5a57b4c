import Foundation

/// Runs the built `endpoint-drift` executable for end-to-end tests, in an environment of its own:
/// no colour, no KUBECONFIG, no proxies, not in a pod, no GitHub step summary — whatever the
/// machine running the tests has set. `environment` adds to or overrides these.
public enum EndpointDriftBinary {
    public static let isolatedEnvironment: [String: String] = [
        "NO_COLOR": "1", "KUBECONFIG": "", "HTTPS_PROXY": "", "https_proxy": "", "HTTP_PROXY": "", "http_proxy": "",
        "NO_PROXY": "", "no_proxy": "", "KUBERNETES_SERVICE_HOST": "", "KUBERNETES_SERVICE_PORT": "",
        "GITHUB_STEP_SUMMARY": "",
    ]

    /// Never throws for a non-zero exit: tests check the status.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: Data? = nil, currentDirectory: String? = nil
    ) throws -> ProcessRunner.Result {
        var variables = isolatedEnvironment
        for (name, value) in environment { variables[name] = value }
        return try ProcessRunner.run(
            try TestBinary.endpointDrift, arguments, environment: variables, input: input,
            currentDirectory: currentDirectory)
    }
}
