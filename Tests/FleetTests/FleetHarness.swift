import Foundation
import TestSupport

/// A repository holding the demo manifests (`fixtures/demo/repo`, copied under `apps/`) with a
/// cluster map, a kubeconfig with a context per fake API server, and the built binary run with an
/// environment of its own (fresh HOME, no KUBECONFIG, no proxies, not in a pod).
final class FleetHarness: @unchecked Sendable {
    let repository: TempGitRepository
    let home: TempFolder

    init() throws {
        repository = try TempGitRepository()
        home = try TempFolder()
        let demo = Fixtures.path("demo/repo")
        let files = FileManager.default.enumerator(atPath: demo)?.allObjects.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".yaml") {
            try repository.write("apps/\(file)", String(contentsOfFile: "\(demo)/\(file)", encoding: .utf8))
        }
    }

    /// Commits `.endpoint-drift.yaml` with the demo's ignore rule and these cluster entries (YAML
    /// list items, each starting with `- name:`).
    func commitMap(_ entries: [String]) throws {
        let configuration = """
            namespaces:
              exclude: [kube-system]
            ignore:
              findings:
                - services: [storage/ceph-rgw]
                  types: [unknown-port-name]
                  reason: the admin port is reached directly
            clusters:
            \(entries.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n"))

            """
        try repository.write(".endpoint-drift.yaml", configuration)
        try repository.commitAll("cluster map")
    }

    /// A kubeconfig with one context per (name, server URL), all trusting the test CA; `token` for every user.
    func kubeconfig(_ contexts: [(name: String, server: String)], token: String = FleetHarness.token) throws -> String {
        let pki = try TestPKI.shared
        let ca = try pki.base64(pki.caCertificate)
        var text = "apiVersion: v1\nkind: Config\nclusters:\n"
        for context in contexts {
            text +=
                "- name: \(context.name)\n  cluster:\n    server: \(context.server)\n    certificate-authority-data: \(ca)\n"
        }
        text += "users:\n- name: reader\n  user:\n    token: \(token)\ncontexts:\n"
        for context in contexts {
            text += "- name: \(context.name)\n  context:\n    cluster: \(context.name)\n    user: reader\n"
        }
        return try home.write("kubeconfig", text)
    }

    static let token = "fleet-test-token-0123456789"

    /// Runs the binary in the repository; waits on a thread of its own, not the test pool's.
    func run(
        _ arguments: [String], executable: String? = nil, environment: [String: String] = [:]
    ) async throws -> ProcessRunner.Result {
        var variables = [
            "HOME": home.path, "KUBECONFIG": "", "HTTPS_PROXY": "", "https_proxy": "", "HTTP_PROXY": "",
            "http_proxy": "", "NO_PROXY": "", "no_proxy": "", "KUBERNETES_SERVICE_HOST": "",
            "KUBERNETES_SERVICE_PORT": "", "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": "", "CI": "",
            "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": home.file("no-service-account"),
        ]
        for (name, value) in environment { variables[name] = value }
        let binary = try executable ?? TestBinary.endpointDrift
        let environment = variables
        let directory = repository.path
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try ProcessRunner.run(binary, arguments, environment: environment, currentDirectory: directory)
                    })
            }
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw FixtureError(message: "not a JSON object: \(text.prefix(300))")
        }
        return object
    }
}

/// Times at which something happened, from several threads.
final class Timeline: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [(String, Date)] = []

    func record(_ name: String) { lock.withLock { events.append((name, Date())) } }

    var all: [(String, Date)] { lock.withLock { events } }
}
