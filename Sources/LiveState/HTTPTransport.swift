import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// GET requests to one API server over async-http-client: TLS verified against the configured CA
/// (or the system's), the client certificate of the moment, the proxy, timeouts. Knows nothing of
/// Kubernetes beyond the URL layout.
actor HTTPTransport {
    /// A request failed before a complete answer arrived.
    struct Failure: Error {
        enum Kind {
            /// Worth another attempt: a connection reset or closed early, a body cut mid-way.
            case transient
            /// The request timeout passed.
            case timeout
            /// Connection refused, TLS verification failed, a bad proxy: retrying will not help.
            case permanent
        }

        var kind: Kind
        var message: String
    }

    static let maximumBodyBytes = 1 << 30

    /// Shown the bytes of a 200 answer received so far, as they come, until it returns true.
    typealias EarlyBytes = @Sendable (ByteBufferView) -> Bool

    static let untrustedCertificate =
        "TLS handshake failed: the server's certificate is not signed by a CA this client trusts; "
        + "set certificate-authority or certificate-authority-data for the cluster in the kubeconfig "
        + "(kubectl config view --raw shows it), or add its CA to the system's bundle (update-ca-certificates)"

    private let connection: ClusterConnection
    private let client: HTTPClient
    /// The host name put in URLs: `tls-server-name` when set (the client connects to the real host
    /// through `dnsOverride` and verifies the certificate against this name).
    private let urlHost: String
    private let userAgent: String
    private var tlsConfigurations: [ClientIdentity?: TLSConfiguration] = [:]

    init(
        connection: ClusterConnection, connectTimeout: TimeAmount, readTimeout: TimeAmount, userAgent: String
    ) throws(LiveError) {
        self.connection = connection
        self.userAgent = userAgent
        // The read timeout is an idle timeout: no byte for that long, even mid-body, fails the request.
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: connectTimeout, read: readTimeout))
        // A refused connection or a failed TLS handshake should fail now, not after the connect
        // timeout of silent retries; transient failures are retried by `APISession`'s policy.
        configuration.connectionPool.retryConnectionEstablishment = false
        // serve keeps one watch open per kind and namespace: over HTTP/1.1 each holds a connection,
        // and with the default pool of 8 the watches past the eighth waited for ever, so changes in
        // those namespaces were never seen. `check`'s lists are bounded by `APIReadOptions.concurrency`.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
        if let serverName = connection.tlsServerName, connection.server.scheme == "https",
            serverName != connection.server.host
        {
            configuration.dnsOverride = [serverName: connection.server.host]
            urlHost = serverName.contains(":") ? "[\(serverName)]" : serverName
        } else {
            urlHost = connection.server.urlHost
        }
        if let proxy = connection.proxy {
            switch proxy.kind {
            case .httpConnect:
                let authorization = proxy.username.map {
                    HTTPClient.Authorization.basic(username: $0, password: proxy.password?.revealText() ?? "")
                }
                configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            case .socks5:
                configuration.proxy = .socksServer(host: proxy.host, port: proxy.port)
            }
        }
        configuration.tlsConfiguration = try Self.tlsConfiguration(connection, identity: connection.clientIdentity)
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        tlsConfigurations[connection.clientIdentity] = configuration.tlsConfiguration
    }

    /// Must be called once the transport is no longer needed.
    func shutdown() async {
        try? await client.shutdown()
    }

    /// The full URL of an API path, for messages.
    nonisolated func url(_ path: String, query: [(String, String)] = []) -> String {
        Self.url(connection: connection, host: urlHostForMessages, path: path, query: query)
    }

    private nonisolated var urlHostForMessages: String { connection.server.urlHost }

    /// `accept`: the media types asked for, in order (lists may ask for protobuf).
    /// `early`: shown a 200 answer's bytes as they come (a list's next page can be asked for
    /// before this one is all in).
    func get(
        _ path: String, query: [(String, String)], credentials: RequestCredentials, timeout: TimeAmount?,
        accept: String = "application/json", early: EarlyBytes? = nil
    ) async throws(Failure) -> APIResponse {
        let request = try makeRequest(path, query: query, credentials: credentials, accept: accept)
        let deadline = timeout.map { NIODeadline.now() + $0 } ?? .distantFuture
        do {
            // async-http-client's deadline ends at the response head; the body gets its own race
            // against the same deadline, so that a body that trickles or stalls cannot hang the run.
            let response = try await client.execute(request, deadline: deadline)
            let body = try await Self.collect(
                response.body, deadline: deadline,
                expected: response.headers.first(name: "Content-Length").flatMap(Int.init),
                early: response.status == .ok ? early : nil)
            return APIResponse(status: Int(response.status.code), headers: response.headers, body: body)
        } catch {
            if connection.server.scheme == "https", Self.isHostnameMismatch(error) {
                throw await hostnameMismatch()
            }
            throw Self.classify(error, timeout: timeout)
        }
    }

    /// A GET of `path` with the headers every request carries: credentials, impersonation, TLS.
    private func makeRequest(
        _ path: String, query: [(String, String)], credentials: RequestCredentials, accept: String = "application/json"
    ) throws(Failure) -> HTTPClientRequest {
        var request = HTTPClientRequest(
            url: Self.url(connection: connection, host: urlHost, path: path, query: query))
        request.method = .GET
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: accept)
        if let authorization = credentials.authorization {
            // A header cannot carry these, and the HTTP stack's error would print the value.
            guard Self.isSendable(authorization.reveal()) else {
                throw Failure(
                    kind: .permanent,
                    message:
                        "the credential contains a line break, NUL or another control character, or is not UTF-8, so it cannot be sent in an HTTP header; check the token or password (a file saved with CRLF line ends?)"
                )
            }
            request.headers.add(name: "Authorization", value: authorization.revealText())
        }
        if let impersonation = connection.impersonation {
            request.headers.add(name: "Impersonate-User", value: impersonation.user)
            for group in impersonation.groups { request.headers.add(name: "Impersonate-Group", value: group) }
            if let uid = impersonation.uid { request.headers.add(name: "Impersonate-Uid", value: uid) }
        }
        if connection.server.scheme == "https" {
            do {
                request.tlsConfiguration = try tlsConfiguration(for: credentials.identity)
            } catch {
                throw Failure(kind: .permanent, message: error.message)
            }
        }
        return request
    }

    /// A GET whose body is handed to `receive` as it arrives (a watch stream), until the server ends
    /// it or `receive` returns false. `deadline` bounds the wait for the answer's head; the body is
    /// bounded by the idle read timeout. An answer other than 200 is returned whole, for its message.
    func stream(
        _ path: String, query: [(String, String)], credentials: RequestCredentials, deadline: NIODeadline,
        receive: @Sendable (ByteBuffer) async -> Bool
    ) async throws(Failure) -> APIResponse {
        let request = try makeRequest(path, query: query, credentials: credentials)
        do {
            let response = try await client.execute(request, deadline: deadline)
            guard response.status == .ok else {
                let body = try await Self.collect(response.body, deadline: deadline)
                return APIResponse(status: Int(response.status.code), headers: response.headers, body: body)
            }
            for try await chunk in response.body {
                guard await receive(chunk) else { break }
            }
            return APIResponse(status: 200, headers: response.headers, body: ByteBuffer())
        } catch {
            if connection.server.scheme == "https", Self.isHostnameMismatch(error) {
                throw await hostnameMismatch()
            }
            throw Self.classify(error, timeout: nil)
        }
    }

    static func isHostnameMismatch(_ error: any Error) -> Bool {
        if let error = error as? NIOSSLExtraError { return error == .failedToValidateHostname }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.contains { isHostnameMismatch($0.error) }
        }
        return false
    }

    /// The certificate does not name the host: say which names it holds (read with a second
    /// handshake; not through a proxy, which would need its own CONNECT) and what to change.
    private func hostnameMismatch() async -> Failure {
        let names =
            connection.proxy == nil
            ? await CertificateNames.read(
                host: connection.server.host, port: connection.server.port,
                serverName: connection.tlsServerName ?? connection.server.host, timeout: .seconds(10),
                group: HTTPClient.defaultEventLoopGroup) : nil
        return Failure(
            kind: .permanent,
            message: CertificateNames.mismatchMessage(
                dialled: connection.server.host, serverName: connection.tlsServerName, names: names))
    }

    /// The whole body, or `deadlineExceeded` once `deadline` passes (the read is cancelled).
    /// `expected`: the `Content-Length`, room for which is made at once (growing the buffer as the
    /// pages of a list came copied each of them once more).
    static func collect(
        _ body: HTTPClientResponse.Body, deadline: NIODeadline, expected: Int? = nil, early: EarlyBytes? = nil
    ) async throws -> ByteBuffer {
        guard deadline != .distantFuture else { return try await collect(body, expected: expected, early: early) }
        // The read on a task of its own, cancelled by a timer on the event loop at the deadline: one
        // task and one timer per answer (a task group racing a sleeping task cost several).
        let reading = Task { try await collect(body, expected: expected, early: early) }
        let timer = HTTPClient.defaultEventLoopGroup.any().scheduleTask(deadline: deadline) { reading.cancel() }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            do {
                return try await reading.value
            } catch {
                if NIODeadline.now() >= deadline { throw HTTPClientError.deadlineExceeded }
                throw error
            }
        } onCancel: {
            reading.cancel()
        }
    }

    private static func collect(
        _ body: HTTPClientResponse.Body, expected: Int?, early: EarlyBytes?
    ) async throws -> ByteBuffer {
        // The length is the server's word: room is made for 64 MiB at most (more grows as it comes).
        var buffer = ByteBufferAllocator().buffer(capacity: min(max(0, expected ?? 0), 64 << 20))
        var watching = early != nil
        for try await var chunk in body {
            guard buffer.readableBytes + chunk.readableBytes <= maximumBodyBytes else {
                throw NIOTooManyBytesError(maxBytes: maximumBodyBytes)
            }
            buffer.writeBuffer(&chunk)
            if watching, let early { watching = !early(buffer.readableBytesView) }
        }
        return buffer
    }

    /// Visible ASCII, spaces, tabs and valid UTF-8 beyond: what a header value may hold.
    static func isSendable(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) } && String(validating: bytes, as: UTF8.self) != nil
    }

    private func tlsConfiguration(for identity: ClientIdentity?) throws(LiveError) -> TLSConfiguration {
        if let cached = tlsConfigurations[identity] { return cached }
        let configuration = try Self.tlsConfiguration(connection, identity: identity)
        tlsConfigurations[identity] = configuration
        return configuration
    }

    static func url(connection: ClusterConnection, host: String, path: String, query: [(String, String)]) -> String {
        var text = "\(connection.server.scheme)://\(host):\(connection.server.port)\(connection.server.basePath)\(path)"
        if !query.isEmpty {
            text += "?" + query.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    /// RFC 3986's unreserved characters stay; every other byte of the UTF-8 is written `%XX`. (By
    /// hand: Foundation's `addingPercentEncoding` cost a tenth of a millisecond per continue token.)
    static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    // MARK: TLS

    static func tlsConfiguration(
        _ connection: ClusterConnection, identity: ClientIdentity?
    ) throws(LiveError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // A server that stopped answering will not send close_notify either: do not wait the
        // default 5 s for it when the connection is closed after a timeout.
        tls.shutdownTimeout = .milliseconds(500)
        if connection.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else if let pem = connection.certificateAuthorityPEM {
            let origin = connection.certificateAuthorityOrigin ?? "certificate-authority"
            let certificates: [NIOSSLCertificate]
            do {
                certificates = try NIOSSLCertificate.fromPEMBytes(pem.reveal())
            } catch {
                throw LiveError(
                    kind: .configuration, operation: "load CA certificates", resource: origin,
                    message: "no PEM certificate could be read")
            }
            guard !certificates.isEmpty else {
                throw LiveError(
                    kind: .configuration, operation: "load CA certificates", resource: origin,
                    message: "no PEM certificate found")
            }
            // Like kubectl: a configured CA replaces the system's roots.
            tls.trustRoots = .certificates(certificates)
        }
        if let identity {
            do {
                let chain = try NIOSSLCertificate.fromPEMBytes(identity.certificatePEM.reveal())
                guard !chain.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
                tls.certificateChain = chain.map { .certificate($0) }
            } catch {
                throw LiveError(
                    kind: .configuration, operation: "load client certificate", resource: identity.origin,
                    message: "no PEM certificate could be read")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: identity.keyPEM.reveal(), format: .pem))
            } catch {
                throw LiveError(
                    kind: .configuration, operation: "load client key", resource: identity.origin,
                    message: "no PEM private key could be read (RSA, EC or PKCS#8, unencrypted)")
            }
            do {
                // Building a context checks that the key belongs to the certificate.
                _ = try NIOSSLContext(configuration: tls)
            } catch {
                throw LiveError(
                    kind: .configuration, operation: "load client certificate", resource: identity.origin,
                    message: "the client key does not match the client certificate")
            }
        }
        return tls
    }

    // MARK: Errors

    static func classify(_ error: any Error, timeout: TimeAmount?) -> Failure {
        let limit = timeout.map { " within \(Self.describe($0)) (--request-timeout)" } ?? ""
        if let error = error as? HTTPClientError {
            // `invalidHeaderFieldValues`/`Names` carry the values, which may be a credential, and
            // cannot be matched without them: recognised by name, never printed.
            if String(describing: error).contains("invalidHeaderField") {
                return Failure(
                    kind: .permanent,
                    message: "a request header holds a character HTTP does not allow (values not shown)")
            }
            switch error {
            case .deadlineExceeded:
                return Failure(kind: .timeout, message: "no complete answer\(limit)")
            case .readTimeout:
                return Failure(kind: .timeout, message: "the server sent nothing for too long (idle read timeout)")
            case .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return Failure(kind: .permanent, message: "could not connect in time (\(error))")
            case .remoteConnectionClosed, .bodyLengthMismatch, .uncleanShutdown:
                return Failure(kind: .transient, message: "the connection was closed before the answer was complete")
            case .proxyAuthenticationRequired:
                return Failure(kind: .permanent, message: "the proxy asks for authentication (407)")
            case .invalidProxyResponse:
                return Failure(kind: .permanent, message: "the proxy refused the connection")
            case .cancelled:
                return Failure(kind: .permanent, message: "cancelled")
            default:
                return Failure(kind: .permanent, message: "\(error)")
            }
        }
        if error is NIOTooManyBytesError {
            return Failure(kind: .permanent, message: "the answer is larger than 1 GiB; use a smaller --chunk-size")
        }
        if let error = error as? NIOSSLError {
            switch error {
            case .uncleanShutdown:
                return Failure(kind: .transient, message: "the connection was closed before the answer was complete")
            case .handshakeFailed(let reason):
                // BoringSSL's own text names its source file and line; say what it means instead.
                if "\(reason)".contains("CERTIFICATE_VERIFY_FAILED") {
                    return Failure(kind: .permanent, message: untrustedCertificate)
                }
                return Failure(kind: .permanent, message: "TLS handshake failed: \(reason)")
            default:
                return Failure(kind: .permanent, message: "TLS error: \(error)")
            }
        }
        if let error = error as? NIOSSLExtraError {
            return Failure(kind: .permanent, message: "TLS handshake failed: \(error)")
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNRESET, EPIPE, ECONNABORTED:
                return Failure(kind: .transient, message: "the connection was reset")
            case ECONNREFUSED:
                return Failure(kind: .permanent, message: "connection refused")
            default:
                return Failure(kind: .permanent, message: "\(error)")
            }
        }
        if error is HTTPParserError {
            return Failure(kind: .transient, message: "the answer was cut off or malformed (\(error))")
        }
        if let error = error as? NIOConnectionError {
            let reasons = error.connectionErrors.map { "\($0.target): \(reason($0.error))" }
            var message = "could not connect"
            if let dns = error.dnsAAAAError ?? error.dnsAError, reasons.isEmpty {
                message += ": DNS lookup failed (\(dns))"
            }
            if !reasons.isEmpty { message += " (\(reasons.joined(separator: "; ")))" }
            return Failure(kind: .permanent, message: message)
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return Failure(kind: .permanent, message: "could not connect in time")
        }
        return Failure(kind: .permanent, message: "\(error)")
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return "connection refused" }
        return "\(error)"
    }

    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
