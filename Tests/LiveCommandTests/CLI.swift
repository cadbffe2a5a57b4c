import Foundation
import TestSupport

/// Runs the built `endpoint-drift` binary with a fresh HOME and no service account, on a thread of
/// its own (`EndpointDriftBinary` clears KUBECONFIG, proxies and the rest).
enum CLI {
    static func run(
        _ arguments: [String], environment: [String: String] = [:], home: TempFolder, currentDirectory: String? = nil
    ) async throws -> ProcessRunner.Result {
        var variables = ["HOME": home.path, "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": home.file("no-service-account")]
        for (name, value) in environment { variables[name] = value }
        let environment = variables
        let directory = currentDirectory ?? home.path
        // Wait on a thread of its own, not on one of the test pool's.
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try EndpointDriftBinary.run(arguments, environment: environment, currentDirectory: directory)
                    })
            }
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw FixtureError(message: "not a JSON object: \(text.prefix(200))")
        }
        return object
    }

    /// `namespace/name` → number of backends, from `live -o json`.
    static func backendCounts(_ document: [String: Any]) -> [String: Int] {
        var result: [String: Int] = [:]
        for service in document["services"] as? [[String: Any]] ?? [] {
            let key = "\(service["namespace"] as? String ?? "")/\(service["name"] as? String ?? "")"
            result[key] = (service["backends"] as? [Any])?.count ?? -1
        }
        return result
    }
}
