import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A real HTTPS server on 127.0.0.1 (an ephemeral port) that answers like the kube-apiserver the
/// responses in `fixtures/k8s-api` were recorded from, with programmable faults.
///
/// Without programming it answers every request as the recorded cluster did: an exact recording
/// of the path and query, else the recording of the path, else (namespaced lists) the cluster-wide
/// recording filtered to the namespace, else a 404 `Status`. `on(_:query:respond:)` puts answers in
/// front of that, consumed in order, the last one repeating.
public final class FakeKubernetesAPI: @unchecked Sendable {
    /// Who may call it.
    public struct Authentication: Sendable {
        public var tokens: Set<String>
        /// User name → password.
        public var basic: [String: String]
        /// Accept client certificates signed by the test CA (they are requested but optional, as
        /// the kube-apiserver does).
        public var clientCertificates: Bool
        public var anonymous: Bool

        public init(
            tokens: Set<String> = [], basic: [String: String] = [:], clientCertificates: Bool = false,
            anonymous: Bool = false
        ) {
            self.tokens = tokens
            self.basic = basic
            self.clientCertificates = clientCertificates
            self.anonymous = anonymous
        }

        public static let anyone = Authentication(anonymous: true)
    }

    public let port: Int
    public let pki: TestPKI
    private let channel: any Channel
    private let lock = NSLock()
    private var authentication: Authentication
    private var routes: [(path: String, query: String?, responses: [FakeResponse])] = []
    private var received: [FakeRequest] = []
    private var warnsOnEndpoints = false
    private let recordedIndex: [RecordedResponse.IndexEntry]

    /// `https://127.0.0.1:PORT`.
    public var serverURL: String { "https://127.0.0.1:\(port)" }

    /// Which server certificate to present.
    public enum ServerCertificate: Sendable {
        /// Names 127.0.0.1, localhost and kubernetes.test.
        case standard
        /// Names kubernetes.test only. swift-nio-ssl accepts a certificate that names the address
        /// connected to whatever host name is asked for, so tests of `tls-server-name` need this one.
        case namesOnly
        /// Names api.elsewhere.test and 192.0.2.10 only: another server's certificate, signed by
        /// the same CA (the SAN-mismatch tests).
        case elsewhere
    }

    /// Starts a server; stop it with `stop()`.
    public static func start(
        authentication: Authentication = .anyone, certificate: ServerCertificate = .standard
    ) async throws -> FakeKubernetesAPI {
        let pki = try TestPKI.shared
        let (certificatePath, keyPath) =
            switch certificate {
            case .standard: (pki.serverCertificate, pki.serverKey)
            case .namesOnly: (pki.namesOnlyCertificate, pki.namesOnlyKey)
            case .elsewhere: (pki.elsewhereCertificate, pki.elsewhereKey)
            }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        if authentication.clientCertificates {
            tls.certificateVerification = .optionalVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pki.caCertificate))
        }
        let context = try NIOSSLContext(configuration: tls)
        let box = ServerBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FakeAPIHandler(box: box))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw FixtureError(message: "the server has no port") }
        let server = FakeKubernetesAPI(
            port: port, pki: pki, channel: channel, authentication: authentication, index: try RecordedResponse.index())
        box.server = server
        return server
    }

    private init(
        port: Int, pki: TestPKI, channel: any Channel, authentication: Authentication,
        index: [RecordedResponse.IndexEntry]
    ) {
        self.port = port
        self.pki = pki
        self.channel = channel
        self.authentication = authentication
        recordedIndex = index
    }

    public func stop() async {
        try? await channel.close()
    }

    // MARK: Programming

    /// Answers requests for `path` (whose query contains `query`, when given) with `responses`,
    /// one per request, the last one repeating.
    public func on(_ path: String, query: String? = nil, respond responses: [FakeResponse]) {
        lock.withLock { routes.append((path, query, responses)) }
    }

    public func on(_ path: String, query: String? = nil, respond response: FakeResponse) {
        on(path, query: query, respond: [response])
    }

    /// Changes who may call it (a rotated token, a revoked one).
    public func setAuthentication(_ authentication: Authentication) {
        lock.withLock { self.authentication = authentication }
    }

    /// Adds the Kubernetes 1.33+ deprecation `Warning` header to every Endpoints answer.
    public func warnOnEndpoints() {
        lock.withLock { warnsOnEndpoints = true }
    }

    /// The requests received so far, in order.
    public var requests: [FakeRequest] { lock.withLock { received } }

    // MARK: Answering

    /// What to send: resolved on the event loop from the request and the programming.
    enum Action {
        case send(status: Int, headers: [(String, String)], body: [UInt8], cutAfter: Int?, delay: Double)
        case close(delay: Double)
        case trickle(
            status: Int, headers: [(String, String)], body: [UInt8], keep: Int, interval: Double, delay: Double)
        case stream(headers: [(String, String)], feed: WatchFeed, delay: Double)
        /// The inner action once `gate` is open.
        indirect case gated(FakeGate, Action)
        case split(status: Int, headers: [(String, String)], body: [UInt8], keep: Int, gate: FakeGate, delay: Double)
    }

    func answer(_ incoming: FakeRequest) -> Action {
        var request = incoming
        let (programmed, auth, warns) = lock.withLock { () -> (FakeResponse?, Authentication, Bool) in
            (nextProgrammed(for: request), authentication, warnsOnEndpoints)
        }
        request.authenticatedAs = authenticate(request, auth)
        lock.withLock { received.append(request) }
        var response: FakeResponse = programmed ?? .cluster
        if request.authenticatedAs == nil { response = .recorded("error-401-bad-token") }
        if warns && (request.path.hasSuffix("/endpoints") || request.path.contains("/endpoints/")) {
            response = .withHeaders([("Warning", FakeResponse.endpointsDeprecationWarning)], response)
        }
        return resolve(response, request: request, delay: 0, extraHeaders: [], cutAfter: nil)
    }

    private func nextProgrammed(for request: FakeRequest) -> FakeResponse? {
        for index in routes.indices.reversed() where routes[index].path == request.path {
            if let query = routes[index].query, !(request.query ?? "").contains(query) { continue }
            let responses = routes[index].responses
            guard let first = responses.first else { continue }
            if responses.count > 1 { routes[index].responses.removeFirst() }
            return first
        }
        return nil
    }

    private func authenticate(_ request: FakeRequest, _ auth: Authentication) -> String? {
        if let header = request.header("Authorization") {
            if header.hasPrefix("Bearer "), auth.tokens.contains(String(header.dropFirst(7))) { return "token" }
            if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
                let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":"),
                auth.basic[String(pair[..<colon])] == String(pair[pair.index(after: colon)...])
            {
                return "basic"
            }
            // Like the kube-apiserver: a wrong credential is a 401 even when a certificate was sent.
            return nil
        }
        if request.presentedClientCertificate && auth.clientCertificates { return "certificate" }
        return auth.anonymous ? "anonymous" : nil
    }

    private func resolve(
        _ response: FakeResponse, request: FakeRequest, delay: Double, extraHeaders: [(String, String)],
        cutAfter: Int?
    ) -> Action {
        switch response {
        case .cluster:
            return resolve(
                clusterAnswer(request), request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: cutAfter)
        case .recorded(let name):
            guard let recorded = try? RecordedResponse.load(name) else {
                return .send(
                    status: 500, headers: [], body: Array("missing fixture \(name)".utf8), cutAfter: nil, delay: delay)
            }
            let (headers, body) = Self.negotiated(
                status: recorded.status, headers: recorded.headers.map { ($0.name, $0.value) }, body: recorded.body,
                request: request)
            return .send(
                status: recorded.status, headers: headers + extraHeaders, body: body, cutAfter: cutAfter, delay: delay)
        case .custom(let status, let headers, let body):
            let (headers, body) = Self.negotiated(status: status, headers: headers, body: body, request: request)
            return .send(status: status, headers: headers + extraHeaders, body: body, cutAfter: cutAfter, delay: delay)
        case .delayed(let seconds, let inner):
            return resolve(
                inner, request: request, delay: delay + seconds, extraHeaders: extraHeaders, cutAfter: cutAfter)
        case .cutBody(let inner, let keepingBytes):
            return resolve(inner, request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: keepingBytes)
        case .trickle(let inner, let keep, let interval):
            let action = resolve(inner, request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: nil)
            guard case .send(let status, let headers, let body, _, let delay) = action else { return action }
            return .trickle(status: status, headers: headers, body: body, keep: keep, interval: interval, delay: delay)
        case .holdingRest(let inner, let keep, let gate):
            let action = resolve(inner, request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: nil)
            guard case .send(let status, let headers, let body, _, let delay) = action else { return action }
            return .split(status: status, headers: headers, body: body, keep: keep, gate: gate, delay: delay)
        case .closeConnection:
            return .close(delay: delay)
        case .withHeaders(let headers, let inner):
            return resolve(
                inner, request: request, delay: delay, extraHeaders: extraHeaders + headers, cutAfter: cutAfter)
        case .dynamic(let make):
            return resolve(
                make(request), request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: cutAfter)
        case .gated(let gate, let inner):
            gate.arrive()
            return .gated(
                gate, resolve(inner, request: request, delay: delay, extraHeaders: extraHeaders, cutAfter: cutAfter))
        case .watch(let feed):
            return .stream(headers: [("Content-Type", "application/json")] + extraHeaders, feed: feed, delay: delay)
        }
    }

    /// A JSON list or `Status` answer in protobuf when the request asks for protobuf, as the API
    /// server answers for built-in kinds; any other answer as it is.
    static func negotiated(
        status: Int, headers: [(String, String)], body: [UInt8], request: FakeRequest
    ) -> ([(String, String)], [UInt8]) {
        guard PagedList.asksForProtobuf(request),
            headers.contains(where: { $0.0.lowercased() == "content-type" && $0.1.hasPrefix("application/json") }),
            let converted = ProtobufConversions.shared.converted(status: status, body: body)
        else { return (headers, body) }
        let others = headers.filter { !["content-type", "content-length"].contains($0.0.lowercased()) }
        return (others + [("Content-Type", ProtobufFixture.mediaType)], converted)
    }

    /// What the recorded cluster answers.
    func clusterAnswer(_ request: FakeRequest) -> FakeResponse {
        if let exact = recordedIndex.first(where: { $0.path == request.path && $0.query == request.query }) {
            return .recorded(exact.name)
        }
        let byPath = recordedIndex.first { $0.path == request.path && $0.query == nil }
        if let list = ListPath(request.path) {
            // The recording when it answers the request as a whole; otherwise a page cut from the
            // cluster-wide recording, as the API server would cut it.
            if let byPath, request.parameter("continue") == nil,
                let recorded = try? RecordedResponse.load(byPath.name),
                request.parameter("limit").flatMap(Int.init).map({ $0 == 0 || $0 >= Self.itemCount(recorded.body) })
                    ?? true
            {
                return .recorded(byPath.name)
            }
            if let page = derivedPage(list, request: request) { return page }
        }
        if let byPath { return .recorded(byPath.name) }
        return .status(404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    /// A list path: `/api/v1[/namespaces/NS]/endpoints` and the like.
    struct ListPath {
        var prefix: String
        var namespace: String?
        var resource: String

        init?(_ path: String) {
            let parts = path.split(separator: "/").map(String.init)
            let resources = ["endpoints", "endpointslices", "services"]
            if parts.count >= 3, parts[0] == "api", parts[1] == "v1" {
                prefix = "/api/v1"
                if parts.count == 3 {
                    namespace = nil
                } else if parts.count == 5, parts[2] == "namespaces" {
                    namespace = parts[3]
                } else {
                    return nil
                }
            } else if parts.count >= 4, parts[0] == "apis", parts[1] == "discovery.k8s.io", parts[2] == "v1" {
                prefix = "/apis/discovery.k8s.io/v1"
                if parts.count == 4 {
                    namespace = nil
                } else if parts.count == 6, parts[3] == "namespaces" {
                    namespace = parts[4]
                } else {
                    return nil
                }
            } else {
                return nil
            }
            guard let last = parts.last, resources.contains(last) else { return nil }
            resource = last
        }
    }

    static func itemCount(_ body: [UInt8]) -> Int {
        let list = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (list?["items"] as? [Any])?.count ?? 0
    }

    /// The cluster-wide recording, filtered to the namespace, cut at `limit` after the `continue`
    /// token's start key. Tokens have the API server's form (base64 of `{"v":…,"rv":…,"start":"ns/name\u0000"}`),
    /// so the recorded tokens work here too.
    private func derivedPage(_ list: ListPath, request: FakeRequest) -> FakeResponse? {
        guard let all = recordedIndex.first(where: { $0.path == "\(list.prefix)/\(list.resource)" && $0.query == nil }),
            let recorded = try? RecordedResponse.load(all.name),
            var document = try? JSONSerialization.jsonObject(with: Data(recorded.body)) as? [String: Any],
            var items = document["items"] as? [[String: Any]]
        else { return nil }
        func key(_ item: [String: Any]) -> String {
            let metadata = item["metadata"] as? [String: Any]
            return "\(metadata?["namespace"] as? String ?? "")/\(metadata?["name"] as? String ?? "")"
        }
        if let namespace = list.namespace {
            items = items.filter { ($0["metadata"] as? [String: Any])?["namespace"] as? String == namespace }
        }
        items.sort { key($0) < key($1) }
        var metadata = document["metadata"] as? [String: Any] ?? [:]
        if let token = request.parameter("continue") {
            guard let start = Self.startKey(of: token) else {
                return .status(400, reason: "BadRequest", message: "invalid continue token")
            }
            items = items.filter { key($0) >= start }
        }
        if let limit = request.parameter("limit").flatMap(Int.init), limit > 0, items.count > limit {
            let remaining = items.count - limit
            items = Array(items.prefix(limit))
            metadata["continue"] = Self.token(
                after: key(items[limit - 1]), resourceVersion: metadata["resourceVersion"])
            metadata["remainingItemCount"] = remaining
        }
        document["items"] = items
        document["metadata"] = metadata
        guard let body = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) else {
            return nil
        }
        return .custom(status: 200, headers: recorded.headers, body: Array(body))
    }

    static func startKey(of token: String) -> String? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let start = object["start"] as? String
        else { return nil }
        return start
    }

    static func token(after key: String, resourceVersion: Any?) -> String {
        let version = (resourceVersion as? String).flatMap(Int.init) ?? 1
        let object: [String: Any] = ["v": "meta.k8s.io/v1", "rv": version, "start": key + "\u{0}"]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}

/// Lets the channel initializer reach the server object created after the bind.
final class ServerBox: @unchecked Sendable {
    private let lock = NSLock()
    private weak var storedServer: FakeKubernetesAPI?
    var server: FakeKubernetesAPI? {
        get { lock.withLock { storedServer } }
        set { lock.withLock { storedServer = newValue } }
    }
}
