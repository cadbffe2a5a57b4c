import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One connection of the fake API server: reads requests, asks the server what to do, does it
/// (including the faults: delays, bodies cut short, connections closed).
final class FakeAPIHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: ServerBox
    private var head: HTTPRequestHead?

    init(box: ServerBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head, let server = box.server else {
                context.close(promise: nil)
                return
            }
            self.head = nil
            let presented =
                (try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self))?
                .peerCertificate != nil
            let uri = head.uri
            let question = uri.firstIndex(of: "?")
            let request = FakeRequest(
                method: head.method.rawValue, uri: uri, path: question.map { String(uri[..<$0]) } ?? uri,
                query: question.map { String(uri[uri.index(after: $0)...]) },
                headers: head.headers.map { ($0.name, $0.value) }, presentedClientCertificate: presented,
                authenticatedAs: nil)
            // Answered off the event loop, which every test's servers share: building an answer can
            // be slow (a page of 500 items made and converted to protobuf per request), and doing
            // it on the loop held every other server's connections on that thread, long enough for
            // their clients to time out on a busy machine.
            let arrival = Date()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            DispatchQueue.global().async {
                let action = UncheckedAction(server.answer(request))
                loop.execute {
                    let (handler, context) = bound.value
                    handler.schedule(action.value, context: context, since: arrival)
                }
            }
        }
    }

    /// An answer handed from the queue that made it back to the connection's event loop; it holds
    /// feeds and gates, which are safe to share.
    private struct UncheckedAction: @unchecked Sendable {
        let value: FakeKubernetesAPI.Action
        init(_ value: FakeKubernetesAPI.Action) { self.value = value }
    }

    /// Performs `action` after its delay, or once its gate is open.
    private func schedule(_ action: FakeKubernetesAPI.Action, context: ChannelHandlerContext, since arrival: Date) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let delay: Double
        switch action {
        case .gated(let gate, let inner):
            if gate.isOpen || Date().timeIntervalSince(arrival) >= gate.longest {
                return schedule(inner, context: context, since: arrival)
            }
            context.eventLoop.scheduleTask(in: .milliseconds(10)) {
                let (handler, context) = bound.value
                handler.schedule(action, context: context, since: arrival)
            }
            return
        case .send(_, _, _, _, let seconds), .close(let seconds), .trickle(_, _, _, _, _, let seconds),
            .stream(_, _, let seconds), .split(_, _, _, _, _, let seconds):
            delay = seconds
        }
        if delay > 0 {
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                let (handler, context) = bound.value
                handler.perform(action, context: context)
            }
        } else {
            perform(action, context: context)
        }
    }

    private func perform(_ action: FakeKubernetesAPI.Action, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        switch action {
        case .gated(_, let inner):
            perform(inner, context: context)
        case .close:
            context.close(promise: nil)
        case .stream(let recordedHeaders, let feed, _):
            // No content-length: the encoder sends the body chunked, as the API server does.
            var headers = HTTPHeaders()
            for (name, value) in recordedHeaders { headers.add(name: name, value: value) }
            context.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            feed.attach { part in
                loop.execute {
                    let (handler, context) = bound.value
                    guard context.channel.isActive else { return }
                    switch part {
                    case .bytes(let bytes):
                        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
                        buffer.writeBytes(bytes)
                        context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                    case .end:
                        context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                    case .cut:
                        context.close(promise: nil)
                    }
                }
            }
        case .split(let status, let headers, let body, let keep, let gate, _):
            writeHead(status: status, recordedHeaders: headers, body: body, keeping: keep, context: context)
            release(body, from: keep, gate: gate, since: Date(), context: context)
        case .trickle(let status, let headers, let body, let keep, let interval, _):
            writeHead(status: status, recordedHeaders: headers, body: body, keeping: keep, context: context)
            trickle(body, from: keep, interval: interval, context: context)
        case .send(let status, let recordedHeaders, let body, let cutAfter, _):
            var headers = HTTPHeaders()
            for (name, value) in recordedHeaders {
                let lower = name.lowercased()
                guard lower != "content-length", lower != "transfer-encoding" else { continue }
                headers.add(name: name, value: value)
            }
            headers.replaceOrAdd(name: "content-length", value: String(body.count))
            context.write(
                wrapOutboundOut(
                    .head(
                        HTTPResponseHead(
                            version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))),
                promise: nil)
            if let cutAfter {
                var buffer = context.channel.allocator.buffer(capacity: cutAfter)
                buffer.writeBytes(body.prefix(cutAfter))
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                context.close(promise: nil)
                return
            }
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// The head (with the whole body's length) and the first `keep` bytes of the body, sent now.
    private func writeHead(
        status: Int, recordedHeaders: [(String, String)], body: [UInt8], keeping keep: Int,
        context: ChannelHandlerContext
    ) {
        writeHead(status: status, recordedHeaders: recordedHeaders, length: body.count, context: context)
        var buffer = context.channel.allocator.buffer(capacity: keep)
        buffer.writeBytes(body.prefix(keep))
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    private func writeHead(
        status: Int, recordedHeaders: [(String, String)], length: Int, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        for (name, value) in recordedHeaders {
            let lower = name.lowercased()
            guard lower != "content-length", lower != "transfer-encoding" else { continue }
            headers.add(name: name, value: value)
        }
        headers.replaceOrAdd(name: "content-length", value: String(length))
        context.write(
            wrapOutboundOut(
                .head(
                    HTTPResponseHead(
                        version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))
            ),
            promise: nil)
    }

    /// The rest of `body` once `gate` is open; the connection closed when it stays shut too long.
    private func release(
        _ body: [UInt8], from offset: Int, gate: FakeGate, since start: Date, context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        if gate.isOpen {
            var buffer = context.channel.allocator.buffer(capacity: max(0, body.count - offset))
            buffer.writeBytes(body.dropFirst(offset))
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        guard Date().timeIntervalSince(start) < gate.longest else {
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(10)) {
            let (handler, context) = bound.value
            handler.release(body, from: offset, gate: gate, since: start, context: context)
        }
    }

    /// One byte every `interval`, until the body is sent or the client goes away.
    private func trickle(_ body: [UInt8], from offset: Int, interval: Double, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        guard offset < body.count else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(Int64(interval * 1000))) {
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            var buffer = context.channel.allocator.buffer(capacity: 1)
            buffer.writeBytes(body[offset..<offset + 1])
            context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            handler.trickle(body, from: offset + 1, interval: interval, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
