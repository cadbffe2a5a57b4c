import ArgumentParser
import Dispatch
import EndpointDriftKit
import Foundation
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
            new commit is scanned again. After every change the report is computed as `check` computes it. \
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
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(
                repositoryPath: repository.repo, revision: repository.ref, scanOptions: repository.scanOptions,
                strict: repository.strict, configFile: config),
            live: cluster.settings, clusterName: clusterName, host: host, port: port,
            interval: GoDuration.parse(interval) ?? 60,
            listening: { port in StandardStreams.writeError("endpoint-drift: serving on \(host):\(port)\n") })
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
