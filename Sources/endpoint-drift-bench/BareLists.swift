import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The list requests `check` needs (one per resource over all namespaces, paged), made with the
/// same HTTP client library and nothing decoded: the live read's limit.
enum BareLists {
    static let paths = ["/api/v1/services", "/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices"]

    /// Bytes received.
    /// `protobuf`: asked for in Kubernetes' protobuf encoding.
    static func run(port: Int, caFile: String, limit: Int = 500, protobuf: Bool = false) async throws -> Int {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        let result: Result<Int, any Error>
        do {
            result = .success(
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for path in paths {
                        group.addTask {
                            try await list(client, port: port, path: path, limit: limit, protobuf: protobuf)
                        }
                    }
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

    private static func list(
        _ client: HTTPClient, port: Int, path: String, limit: Int, protobuf: Bool
    ) async throws -> Int {
        var token: String?
        var total = 0
        repeat {
            var url = "https://127.0.0.1:\(port)\(path)?limit=\(limit)"
            if let token {
                url += "&continue=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            var request = HTTPClientRequest(url: url)
            request.headers.add(
                name: "Accept",
                value: protobuf ? "application/vnd.kubernetes.protobuf, application/json" : "application/json")
            let response = try await client.execute(request, timeout: .seconds(300))
            guard response.status == .ok else { throw BenchError("\(path): \(response.status)") }
            let body = try await response.body.collect(upTo: 1 << 30)
            total += body.readableBytes
            token = protobuf ? protobufContinueToken(body) : continueToken(body)
        } while token != nil
        return total
    }

    /// The continue token of a protobuf page, read from the wire without decoding the items: the
    /// envelope's `raw` (field 2), in it the list's metadata (field 1), in it `continue` (field 3).
    private static func protobufContinueToken(_ body: ByteBuffer) -> String? {
        let bytes = Array(body.readableBytesView.dropFirst(4))
        guard let raw = field(2, in: bytes[...]), let meta = field(1, in: raw), let token = field(3, in: meta),
            !token.isEmpty
        else { return nil }
        return String(decoding: token, as: UTF8.self)
    }

    /// The first length-delimited field `number` of a message.
    private static func field(_ number: Int, in message: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = message.startIndex
        func varint() -> Int? {
            var value = 0
            var shift = 0
            while index < message.endIndex, shift < 64 {
                let byte = message[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while index < message.endIndex {
            guard let tag = varint() else { return nil }
            switch tag & 7 {
            case 0: guard varint() != nil else { return nil }
            case 2:
                guard let length = varint(), length <= message.endIndex - index else { return nil }
                if tag >> 3 == number { return message[index..<(index + length)] }
                index += length
            default: return nil
            }
        }
        return nil
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
