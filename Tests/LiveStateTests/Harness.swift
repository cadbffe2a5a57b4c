import Foundation
import LiveState
import Manifests
import TestSupport

/// Collects what a source sends to stderr.
final class DiagnosticsLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }
    var text: String { lines.joined(separator: "\n") }

    var sink: @Sendable (String) -> Void {
        { line in self.lock.withLock { self.stored.append(line) } }
    }
}

/// Builds sources against the fake API server with test-sized retries and timeouts.
enum Harness {
    static let token = "test-token-5f8b2c"
    static let fastRetry = RetryPolicy(maximumAttempts: 4, initialDelay: 0.05, maximumDelay: 0.2, totalBudget: 5)

    /// `requestTimeout` and the connect timeout only bound a hang: on a busy 2-core machine running
    /// every suite at once an answer has been seen to take over 10 s (a test that wants a timeout
    /// passes its own).
    static func options(
        chunkSize: Int = 500, requestTimeout: Double? = 60, retry: RetryPolicy = fastRetry, savePath: String? = nil
    ) -> APIReadOptions {
        var options = APIReadOptions(
            chunkSize: chunkSize, requestTimeout: requestTimeout, connectTimeout: 60, retry: retry, savePath: savePath,
            userAgent: "endpoint-drift/test")
        // Retry budgets in virtual time: a busy machine cannot use them up.
        options.retryClock = RetryClock.virtual().clock
        return options
    }

    /// An environment with nothing inherited: no KUBECONFIG, no HOME config, no proxies.
    static func environment(_ variables: [String: String] = [:], home: String? = nil) -> ConnectionEnvironment {
        var all = variables
        all["PATH"] = all["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        all["HOME"] = home ?? "/nonexistent-home"
        return ConnectionEnvironment(variables: all, serviceAccountDirectory: variables["SA_DIR"])
    }

    /// A source for a kubeconfig written into `folder`.
    static func source(
        kubeconfig text: String, in folder: TempFolder, options: APIReadOptions = options(),
        environment: ConnectionEnvironment = environment(), log: DiagnosticsLog = DiagnosticsLog()
    ) throws -> KubernetesAPISource {
        let path = try folder.write("kubeconfig", text)
        let connection = try ConnectionResolver.resolve(
            ConnectionRequest(kubeconfigPath: path), environment: environment)
        return KubernetesAPISource(
            connection: connection, options: options, environment: environment, diagnostics: log.sink)
    }

    /// A token-authenticated source for `server`.
    static func tokenSource(
        _ server: FakeKubernetesAPI, in folder: TempFolder, options: APIReadOptions = options(),
        log: DiagnosticsLog = DiagnosticsLog()
    ) throws -> KubernetesAPISource {
        try source(
            kubeconfig: KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(token)"]),
            in: folder, options: options, log: log)
    }

    static func tokenServer() async throws -> FakeKubernetesAPI {
        try await FakeKubernetesAPI.start(authentication: .init(tokens: [token]))
    }
}

extension LiveSnapshot {
    /// `namespace/name` → backend descriptions (`address:port/proto (name)` plus ` not-ready`).
    var backendSummary: [String: [String]] {
        var result: [String: [String]] = [:]
        for entry in inventory.entries {
            result[entry.key.description] = entry.backends.backends.map {
                $0.key.description + ($0.ready ? "" : " not-ready")
            }
        }
        return result
    }
}

/// What the recorded cluster holds, as backend sets.
enum RecordedCluster {
    static let services: Set<String> = [
        "default/kubernetes", "payments/billing-api", "payments/ledger", "payments/mainframe", "shop/object-store",
        "shop/orders-db", "shop/web", "storage/ceph-rgw",
    ]

    static let ordersDB = [
        "203.0.113.20:5432/TCP", "203.0.113.21:5432/TCP", "203.0.113.22:5432/TCP not-ready",
    ]

    static let cephRGW = [
        "192.0.2.10:8080/TCP (http)", "192.0.2.10:8081/TCP (admin)", "192.0.2.11:8080/TCP (http)",
        "192.0.2.11:8081/TCP (admin)", "192.0.2.12:8080/TCP (http)", "192.0.2.12:8081/TCP (admin)",
    ]

    static let ledger = ["[2001:db8::10]:9090/TCP (grpc)", "[2001:db8::11]:9090/TCP (grpc)"]
}
