import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A plain HTTP server on 127.0.0.1 (an ephemeral port) that records every request, body
/// included, and answers with a programmable status (and, per route, a body): the webhook
/// receiver, the bearer-token Pushgateway stand-in and the fake GitLab API of the tests.
public final class LocalHTTPReceiver: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public let port: Int
    private let channel: any Channel
    private let lock = NSLock()
    private var received: [Request] = []
    private var status = 200
    private var routes: [(method: String, pathPrefix: String, status: Int, body: String)] = []

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    public static func start() async throws -> LocalHTTPReceiver {
        let box = ReceiverBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ReceiverHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw FixtureError(message: "the receiver has no port") }
        let receiver = LocalHTTPReceiver(port: port, channel: channel)
        box.receiver = receiver
        return receiver
    }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    public func stop() async {
        try? await channel.close()
    }

    /// The status every later request is answered with (200 at first).
    public func answer(with status: Int) {
        lock.withLock { self.status = status }
    }

    /// Answers `method` requests whose path (with query) starts with `pathPrefix` with this status
    /// and JSON body; the first matching route wins.
    public func answer(_ method: String, pathPrefix: String, status: Int, json body: String) {
        lock.withLock { routes.append((method, pathPrefix, status, body)) }
    }

    public var requests: [Request] { lock.withLock { received } }

    /// The status and, for a route, the JSON body to answer with.
    func record(_ request: Request) -> (status: Int, json: String?) {
        lock.withLock {
            received.append(request)
            if let route = routes.first(where: { $0.method == request.method && request.path.hasPrefix($0.pathPrefix) })
            {
                return (route.status, route.body)
            }
            return (status, nil)
        }
    }
}

final class ReceiverBox: @unchecked Sendable {
    private let lock = NSLock()
    private weak var stored: LocalHTTPReceiver?
    var receiver: LocalHTTPReceiver? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

final class ReceiverHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: ReceiverBox
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(box: ReceiverBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head, let receiver = box.receiver else {
                context.close(promise: nil)
                return
            }
            self.head = nil
            let text = body.readString(length: body.readableBytes) ?? ""
            let (status, json) = receiver.record(
                LocalHTTPReceiver.Request(
                    method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: text))
            let reply = ByteBuffer(string: json ?? (status < 300 ? "ok\n" : "refused\n"))
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(reply.readableBytes))
            headers.add(name: "content-type", value: json == nil ? "text/plain" : "application/json")
            context.write(
                wrapOutboundOut(
                    .head(
                        HTTPResponseHead(
                            version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(reply))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
