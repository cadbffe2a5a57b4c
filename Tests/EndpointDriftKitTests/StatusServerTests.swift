import Foundation
import StatusServer
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("StatusServer answers over real HTTP")
struct StatusServerTests {
    @Test func answersEachRequestAndKeepsTheConnection() async throws {
        let server = try await StatusServer.start(host: "127.0.0.1", port: 0) { request in
            switch request.path {
            case "/healthz": return .init(status: 200, body: "ok\n")
            case "/echo":
                return .init(
                    status: 200, contentType: "application/json",
                    body: "{\"query\":\"\(request.query ?? "")\",\"accept\":\"\(request.header("accept") ?? "")\"}")
            default: return .init(status: 404, body: "not found\n")
            }
        }
        defer { Task { await server.stop() } }
        #expect(server.port > 0)
        let session = URLSession(configuration: .ephemeral)
        for _ in 0..<3 {
            let (body, response) = try await session.data(
                from: try #require(URL(string: "http://127.0.0.1:\(server.port)/healthz")))
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: body, as: UTF8.self) == "ok\n")
        }
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/echo?a=1")))
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (echo, echoResponse) = try await session.data(for: request)
        #expect((echoResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type") == "application/json")
        #expect(String(decoding: echo, as: UTF8.self) == "{\"query\":\"a=1\",\"accept\":\"application/json\"}")
        let (_, missing) = try await session.data(from: try #require(URL(string: "http://127.0.0.1:\(server.port)/x")))
        #expect((missing as? HTTPURLResponse)?.statusCode == 404)
    }
}
