import ArgumentParser
import Dispatch
import EndpointDriftKit
import Foundation
import GitStore
import LiveState

#if canImport(Glibc)
    import Glibc
#endif

/// `endpoint-drift serve`: the check kept current, with `/metrics`, `/healthz`, `/readyz`, `/report`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Keep the check current and serve it: /metrics (Prometheus), /healthz, /readyz, /report.",
        discussion: """
            Lists Services, Endpoints and EndpointSlices once, then watches them (with bookmarks; a 410 \
            lists again, a cut stream reconnects). The repository's --ref is looked at every --interval; a \
            new commit is scanned again. With a URL as --repo, serve keeps a bare clone of --branch in \
            --data-dir and fetches it every --interval (HTTPS with --git-token-file or \
            $ENDPOINT_DRIFT_GIT_TOKEN; SSH with --git-ssh-key-file and --git-known-hosts-file); a failed \
            fetch is logged and counted in endpoint_drift_git_fetch_errors_total, and serving goes on. After every change the report is computed as `check` computes it. \
            When the set of findings changes, --webhook is posted and --fix-branch gets the fix commit. \
            /readyz answers 200 once the first full sync is done; /report is HTML, or JSON with \
            Accept: application/json. Stops on SIGTERM or SIGINT.
            """ + "\n\n" + Examples.serve)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var cluster: ClusterOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the configuration from this file instead of .endpoint-drift.yaml at --ref.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Where to listen.", valueName: "host:port"))
    var listen = "0.0.0.0:9500"

    @Option(name: .long, help: "How often to look at the repository's --ref (e.g. 30s, 1m).")
    var interval = "1m"

    @Option(name: .customLong("cluster-name"), help: "The cluster label of the metrics.")
    var clusterName = "default"

    @Option(name: .long, help: "With a URL as --repo: the branch to follow.")
    var branch: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp("With a URL as --repo: the folder for the bare clone (kept between runs).", valueName: "dir")
    )
    var dataDir: String?

    @Option(
        name: .customLong("git-token-file"),
        help: ArgumentHelp(
            "HTTPS remotes: a file holding the token (default: $ENDPOINT_DRIFT_GIT_TOKEN). Never printed.",
            valueName: "file"))
    var gitTokenFile: String?

    @Option(name: .customLong("git-username"), help: "HTTPS remotes: the user name sent with the token.")
    var gitUsername = "git"

    @Option(
        name: .customLong("git-ssh-key-file"),
        help: ArgumentHelp("SSH remotes: the private key (its .pub beside it is used when present).", valueName: "file")
    )
    var gitSSHKeyFile: String?

    @Option(
        name: .customLong("git-known-hosts-file"),
        help: ArgumentHelp("SSH remotes: the known_hosts file the server's host key must be in.", valueName: "file"))
    var gitKnownHostsFile: String?

    @Option(
        name: .customLong("tls-cert-file"),
        help: ArgumentHelp("Serve HTTPS with this PEM certificate (chain); needs --tls-key-file.", valueName: "file"))
    var tlsCertFile: String?

    @Option(
        name: .customLong("tls-key-file"),
        help: ArgumentHelp("The PEM private key of --tls-cert-file.", valueName: "file"))
    var tlsKeyFile: String?

    @Option(
        name: .customLong("auth-token-file"),
        help: ArgumentHelp(
            "Every endpoint but /healthz wants Authorization: Bearer <the token in this file>.", valueName: "file"))
    var authTokenFile: String?

    @Flag(
        name: .customLong("metrics-backend-labels"),
        help:
            "Also export endpoint_drift_backend, one series per backend with its address, port and protocol (a series per address: small clusters only)."
    )
    var metricsBackendLabels = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "POST a JSON summary (with a Slack-compatible text field) when the set of findings changes. Optional bearer token from ENDPOINT_DRIFT_WEBHOOK_TOKEN.",
            valueName: "url"))
    var webhook: Secret?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Remember the notified findings in this file across restarts (without it, the first report after a start is the baseline).",
            valueName: "file"))
    var state: String?

    @Option(
        name: .customLong("fix-branch"),
        help: ArgumentHelp(
            "When the set of findings changes, put the fix commit (as fix --to live --commit makes it, on top of the commit served) on this branch; pushed with the --git-* credentials when --repo is a URL. The branch is serve's: each fix replaces the last; a branch whose tip serve did not make is never moved.",
            valueName: "name"))
    var fixBranch: String?

    static let tokenVariable = "ENDPOINT_DRIFT_GIT_TOKEN"

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen: '\(listen)' is not host:port (e.g. 0.0.0.0:9500, 127.0.0.1:0)")
        }
        guard let seconds = GoDuration.parse(interval), seconds > 0 else {
            throw ValidationError("--interval: '\(interval)' is not a duration (e.g. 30s, 1m)")
        }
        if cluster.liveFile != nil {
            throw ValidationError("serve watches the API server; --live-file does not change (use check --live-file)")
        }
        if let fixBranch {
            guard Repository.isValidBranchName(fixBranch) else {
                throw ValidationError("--fix-branch: '\(fixBranch)' is not a branch name")
            }
            let followed = RemoteURL.isRemote(repository.repo) ? (branch ?? "main") : repository.ref
            if fixBranch == followed || "refs/heads/" + fixBranch == followed {
                throw ValidationError(
                    "--fix-branch: '\(fixBranch)' is the branch serve follows; the fix goes on a branch of its own")
            }
        }
        if (tlsCertFile == nil) != (tlsKeyFile == nil) {
            throw ValidationError("--tls-cert-file and --tls-key-file go together")
        }
        if RemoteURL.isRemote(repository.repo) {
            guard dataDir != nil else {
                throw ValidationError("--repo is a URL: pass --data-dir, the folder for the clone")
            }
            if RemoteURL.hasPassword(repository.repo) {
                throw ValidationError(
                    "--repo: the URL carries a password; put the token in --git-token-file or $\(Self.tokenVariable)")
            }
            if let branch, !Repository.isValidBranchName(branch) {
                throw ValidationError("--branch: '\(branch)' is not a branch name")
            }
            if gitSSHKeyFile != nil, gitKnownHostsFile == nil {
                throw ValidationError(
                    "--git-ssh-key-file needs --git-known-hosts-file (the server's host key is checked)")
            }
        } else if branch != nil || dataDir != nil || gitTokenFile != nil || gitSSHKeyFile != nil {
            throw ValidationError(
                "--branch, --data-dir and the --git-* options follow a remote: pass its URL as --repo "
                    + "(a local repository is read at --ref)")
        }
    }

    /// The remote to follow, when --repo is a URL; secrets read here are never printed.
    func remote() throws -> ServeJob.Remote? {
        guard RemoteURL.isRemote(repository.repo), let dataDir else { return nil }
        let credentials: RemoteCredentials
        if let key = gitSSHKeyFile, let knownHosts = gitKnownHostsFile {
            let publicKey = key + ".pub"
            credentials = RemoteCredentials(
                .sshKey(
                    username: nil, privateKeyFile: key,
                    publicKeyFile: FileManager.default.fileExists(atPath: publicKey) ? publicKey : nil,
                    passphrase: nil, knownHostsFile: knownHosts))
        } else if let file = gitTokenFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("--git-token-file: cannot read \(file)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("--git-token-file: \(file) is empty") }
            credentials = RemoteCredentials(.token(username: gitUsername, token: token))
        } else if let token = ProcessInfo.processInfo.environment[Self.tokenVariable], !token.isEmpty {
            credentials = RemoteCredentials(.token(username: gitUsername, token: token))
        } else {
            credentials = .none
        }
        return ServeJob.Remote(
            url: repository.repo, branch: branch ?? "main", dataDirectory: dataDir, credentials: credentials)
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        guard let (host, port) = Self.address(listen) else { throw ExitCode(2) }
        let remote = try remote()
        let authToken = try authTokenFile.map { file in
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("--auth-token-file: cannot read \(file)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("--auth-token-file: \(file) is empty") }
            return token
        }
        let tls = tlsCertFile.flatMap { cert in
            tlsKeyFile.map { ServeJob.TLSFiles(certificateFile: cert, keyFile: $0) }
        }
        var configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(
                repositoryPath: repository.repo, revision: repository.ref, scanOptions: repository.scanOptions,
                strict: repository.strict, configFile: config),
            live: cluster.settings, clusterName: clusterName, host: host, port: port,
            interval: GoDuration.parse(interval) ?? 60, remote: remote, tls: tls, authToken: authToken,
            listening: { port in
                StandardStreams.writeError(
                    "endpoint-drift: serving \(tls == nil ? "http" : "https") on \(host):\(port)"
                        + (authToken == nil ? "\n" : " (bearer token required but for /healthz)\n"))
            })
        configuration.metricsBackendLabels = metricsBackendLabels
        configuration.webhook = webhook.flatMap { $0.revealText().allSatisfy(\.isWhitespace) ? nil : $0 }
        configuration.stateFile = state
        configuration.fixBranch = fixBranch
        let task = Task { () -> String? in
            do {
                try await ServeJob.run(configuration)
                return nil
            } catch {
                return "\(error)"
            }
        }
        // SIGTERM (a pod being stopped) and SIGINT end the watches and the server, then exit 0.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        if let error = await task.value {
            StandardStreams.writeError("endpoint-drift: error: \(error)\n")
            throw ExitCode(2)
        }
    }
}
