import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 server for `serve`'s endpoints (`/metrics`, `/healthz`, `/readyz`, `/report`):
/// each request is answered by an async handler; the connection is kept alive between requests.
/// It knows nothing of drift: the job gives it the handler.
public final class StatusServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: String?
        public var headers: [(name: String, value: String)]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        public var headers: [(String, String)]

        public init(
            status: Int, contentType: String = "text/plain; charset=utf-8", body: String,
            headers: [(String, String)] = []
        ) {
            self.status = status
            self.contentType = contentType
            self.body = Array(body.utf8)
            self.headers = headers
        }
    }

    public typealias Handler = @Sendable (Request) async -> Response

    /// A certificate (chain) and its private key, PEM files: the server then speaks only HTTPS.
    public struct TLSFiles: Sendable {
        public var certificateFile: String
        public var keyFile: String

        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// Why the server could not start; never holds key material.
    public struct StartError: Error, CustomStringConvertible {
        public let subject: String
        public let message: String
        public var description: String { "\(subject): \(message)" }
    }

    private let channel: any Channel
    /// The port listened on (useful when 0 was asked for).
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Listens on `host:port` (port 0: any free one); with `tls`, HTTPS only.
    public static func start(
        host: String, port: Int, tls: TLSFiles? = nil, handler: @escaping Handler
    ) async throws -> StatusServer {
        let context = try tls.map { try Self.context($0) }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(StatusHandler(handler: handler))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return StatusServer(channel: channel, port: channel.localAddress?.port ?? port)
    }

    /// The TLS context of the files; errors name the file, not its contents.
    private static func context(_ files: TLSFiles) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile)
        } catch {
            throw StartError(subject: files.certificateFile, message: "not a readable PEM certificate")
        }
        guard !chain.isEmpty else {
            throw StartError(subject: files.certificateFile, message: "no certificate in the file")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            throw StartError(subject: files.keyFile, message: "not a readable PEM private key")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw StartError(
                subject: files.certificateFile, message: "the certificate and the key do not make a TLS context")
        }
    }

    public func stop() async {
        try? await channel.close()
    }
}

/// One connection: collects a request, asks the handler, writes the answer.
private final class StatusHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: StatusServer.Handler
    private var head: HTTPRequestHead?

    init(handler: @escaping StatusServer.Handler) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let uri = head.uri
            let question = uri.firstIndex(of: "?")
            let request = StatusServer.Request(
                method: head.method.rawValue, path: question.map { String(uri[..<$0]) } ?? uri,
                query: question.map { String(uri[uri.index(after: $0)...]) },
                headers: head.headers.map { ($0.name, $0.value) })
            let keepAlive = head.isKeepAlive
            let version = head.version
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let handler = self.handler
            let promise = context.eventLoop.makePromise(of: StatusServer.Response.self)
            promise.completeWithTask { await handler(request) }
            promise.futureResult.whenSuccess { response in
                let (this, context) = bound.value
                this.write(response, version: version, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func write(
        _ response: StatusServer.Response, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(
                .head(
                    HTTPResponseHead(
                        version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))),
            promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            done.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
