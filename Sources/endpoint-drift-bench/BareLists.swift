import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The list requests `check` needs (one per resource over all namespaces, paged), made with the
/// same HTTP client library and nothing decoded: the live read's limit.
enum BareLists {
    static let paths = ["/api/v1/services", "/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices"]

    /// Bytes received.
    static func run(port: Int, caFile: String, limit: Int = 500) async throws -> Int {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        let result: Result<Int, any Error>
        do {
            result = .success(
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for path in paths { group.addTask { try await list(client, port: port, path: path, limit: limit) } }
                    var total = 0
                    for try await bytes in group { total += bytes }
                    return total
                })
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        return try result.get()
    }

    private static func list(_ client: HTTPClient, port: Int, path: String, limit: Int) async throws -> Int {
        var token: String?
        var total = 0
        repeat {
            var url = "https://127.0.0.1:\(port)\(path)?limit=\(limit)"
            if let token {
                url += "&continue=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(300))
            guard response.status == .ok else { throw BenchError("\(path): \(response.status)") }
            let body = try await response.body.collect(upTo: 1 << 30)
            total += body.readableBytes
            token = continueToken(body)
        } while token != nil
        return total
    }

    /// `"continue":"…"` in the list's metadata, which the API server writes before the items.
    private static func continueToken(_ body: ByteBuffer) -> String? {
        let head = String(decoding: body.readableBytesView.prefix(4096), as: UTF8.self)
        guard let start = head.range(of: "\"continue\":\"") else { return nil }
        let rest = head[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return rest[..<end].isEmpty ? nil : String(rest[..<end])
    }
}
