import Foundation
import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs an exec credential plugin the way client-go does: the configured command, args and env,
/// `KUBERNETES_EXEC_INFO` describing the request, stdin only when interaction is allowed and
/// possible, stdout parsed as an `ExecCredential`. On failure the plugin's stderr is shown; its
/// stdout never is (it holds the credential).
public enum ExecPlugin {
    public static func run(
        _ config: ExecConfig, cluster: ExecClusterInfo, environment: ConnectionEnvironment
    ) async throws(LiveError) -> ExecCredential {
        let interactive: Bool
        switch config.interactiveMode {
        case .never: interactive = false
        case .ifAvailable: interactive = environment.stdinIsTerminal
        case .always:
            guard environment.stdinIsTerminal else {
                throw failure(
                    config,
                    "interactiveMode is Always, but stdin is not a terminal; use a plugin configuration that works without a person (interactiveMode: Never)"
                )
            }
            interactive = true
        }
        guard let executable = locate(config.command, path: environment.variables["PATH"]) else {
            var message = "command \"\(config.command)\" was not found"
            if !config.command.contains("/") { message += " in PATH" }
            if let hint = config.installHint { message += "\n\(hint)" }
            throw failure(config, message)
        }
        var variables = environment.variables
        for (name, value) in config.env { variables[name] = value.revealText() }
        variables["KUBERNETES_EXEC_INFO"] = execInfo(config, cluster: cluster, interactive: interactive)
        let outcome = await launch(
            executable, arguments: config.args, environment: variables, interactive: interactive,
            timeout: environment.execTimeout)
        let result: ProcessOutcome
        switch outcome {
        case .success(let value): result = value
        case .failure(let error): throw failure(config, "could not be started: \(error.localizedDescription)")
        }
        guard result.ending == .exited(0) else {
            var message: String
            switch result.ending {
            case .exited(let status): message = "exited with status \(status)"
            case .signalled(let signal): message = "was killed by signal \(signal)"
            case .timedOut:
                message =
                    "did not finish within \(APISession.format(environment.execTimeout)); it was stopped (with its child processes)"
            case .stdoutTooLarge: message = "wrote more than 1 MiB to stdout, which no credential needs; it was stopped"
            }
            let stderr = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !stderr.isEmpty { message += "; its stderr:\n\(tail(stderr))" }
            throw failure(config, message)
        }
        switch ExecCredential.parse(result.stdout, expectedAPIVersion: config.apiVersion) {
        case .success(let credential): return credential
        case .failure(let error): throw failure(config, "its output \(error.reason)")
        }
    }

    /// The `ExecCredential` request the plugin reads from `KUBERNETES_EXEC_INFO`.
    static func execInfo(_ config: ExecConfig, cluster: ExecClusterInfo, interactive: Bool) -> String {
        var spec = "\"interactive\":\(interactive)"
        if config.provideClusterInfo {
            var members = ["\"server\":\(JSONString.quoted(cluster.server))"]
            if let name = cluster.tlsServerName { members.append("\"tls-server-name\":\(JSONString.quoted(name))") }
            if cluster.insecureSkipTLSVerify { members.append("\"insecure-skip-tls-verify\":true") }
            if let data = cluster.certificateAuthorityData {
                members.append(
                    "\"certificate-authority-data\":\(JSONString.quoted(Data(data.reveal()).base64EncodedString()))")
            }
            if let proxy = cluster.proxyURL {
                members.append("\"proxy-url\":\(JSONString.quoted(proxy.revealText()))")
            }
            spec += ",\"cluster\":{\(members.joined(separator: ","))}"
        }
        return "{\"kind\":\"ExecCredential\",\"apiVersion\":\(JSONString.quoted(config.apiVersion)),\"spec\":{\(spec)}}"
    }

    static func locate(_ command: String, path: String?) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(command)"
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
                access(candidate, X_OK) == 0
            {
                return candidate
            }
        }
        return nil
    }

    private static func tail(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The plugin's words, not ours: no terminal escapes, no line of any length.
        let kept = lines.suffix(20).map { "  " + SafeText.escape(String($0.prefix(500))) }.joined(separator: "\n")
        return lines.count > 20 ? "  …\n" + kept : kept
    }

    private static func failure(_ config: ExecConfig, _ message: String) -> LiveError {
        LiveError(
            kind: .configuration, operation: "run exec plugin", resource: "\(config.fieldPath) in \(config.file)",
            message: message)
    }

    struct ProcessOutcome: Sendable {
        var ending: PluginProcess.Ending
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// Runs the process on a thread of its own so that waiting for it never blocks the concurrency pool.
    private static func launch(
        _ executable: String, arguments: [String], environment: [String: String], interactive: Bool, timeout: Double
    ) async -> Result<ProcessOutcome, any Error> {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    returning: Result {
                        try runBlocking(
                            executable, arguments: arguments, environment: environment, interactive: interactive,
                            timeout: timeout)
                    })
            }
        }
    }

    /// Runs the plugin, retrying briefly when it cannot be started with ETXTBSY: an executable that
    /// another process still holds open for writing (a package manager updating it, or a concurrent
    /// fork that inherited the descriptor of a file just written) cannot be run for a moment.
    private static func runBlocking(
        _ executable: String, arguments: [String], environment: [String: String], interactive: Bool, timeout: Double
    ) throws -> ProcessOutcome {
        var attempt = 0
        while true {
            do {
                return try runOnce(
                    executable, arguments: arguments, environment: environment, interactive: interactive,
                    timeout: timeout)
            } catch let error as NSError where error.domain == NSPOSIXErrorDomain && error.code == Int(ETXTBSY) {
                // Up to about 5 s: on a loaded machine the other process may take that long to exec.
                attempt += 1
                guard attempt < 10 else { throw error }
                usleep(useconds_t(100_000 * attempt))
            }
        }
    }

    private static func runOnce(
        _ executable: String, arguments: [String], environment: [String: String], interactive: Bool,
        timeout: Double
    ) throws -> ProcessOutcome {
        // kubectl waits for a person for as long as it takes; everything else is bounded.
        let limits = PluginProcess.Limits(timeout: interactive ? nil : timeout)
        let outcome = try PluginProcess.run(
            executable, arguments: arguments, environment: environment, interactive: interactive, limits: limits)
        return ProcessOutcome(ending: outcome.ending, stdout: outcome.stdout, stderr: outcome.stderr)
    }
}
