import Foundation
import Manifests
import NIOCore
import NIOPosix
import NIOSSL

/// The names a server's certificate holds, for the message when it does not name the host that was
/// dialled. swift-nio-ssl's hostname error carries only the expected name, so a second, short
/// handshake reads the certificate: its verification callback keeps the leaf and refuses it, so that
/// the connection ends with the handshake and nothing is sent.
enum CertificateNames {
    /// `DNS:api.example.com`, `IP:192.0.2.10`, in the certificate's order (hostname verification
    /// reads only these when there are any). `nil` when the certificate could not be read in time.
    static func read(
        host: String, port: Int, serverName: String?, timeout: TimeAmount, group: any EventLoopGroup
    ) async -> [String]? {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .noHostnameVerification
        tls.shutdownTimeout = .milliseconds(200)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            return nil
        }
        let leaf = LeafBox()
        // SNI carries host names only.
        let sni = serverName.flatMap { isAddress($0) ? nil : $0 }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: sni,
                        customVerificationCallback: { chain, verdict in
                            leaf.set(chain.first)
                            verdict.succeed(.failed)
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            // The handshake ends with the refused certificate and closes the channel; a server that
            // never answers is cut off at the timeout.
            let cutOff = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            cutOff.cancel()
        } catch {
            return nil
        }
        guard let certificate = leaf.get() else { return nil }
        return names(of: certificate)
    }

    static func names(of certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        for name in certificate._subjectAlternativeNames() {
            let bytes = Array(name.contents)
            switch name.nameType {
            case .dnsName:
                // Names come from the server: printed with control characters escaped.
                names.append("DNS:" + SafeText.escape(String(decoding: bytes, as: UTF8.self)))
            case .ipAddress:
                if let address = address(bytes) { names.append("IP:" + address) }
            default:
                continue
            }
        }
        return names
    }

    /// An iPAddress name's 4 or 16 bytes as text.
    static func address(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = bytes.withUnsafeBytes { raw in
            text.withUnsafeMutableBufferPointer { out in
                inet_ntop(family, raw.baseAddress, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard ok else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// "TLS: the server's certificate does not match 127.0.0.1, the host dialled (it names
    /// DNS:a.example, IP:192.0.2.10); …": what kubectl's x509 error says, and what to change.
    static func mismatchMessage(dialled host: String, serverName: String?, names: [String]?) -> String {
        let held: String
        if let names, !names.isEmpty {
            held = "it names " + names.joined(separator: ", ")
        } else if names != nil {
            held = "it has no DNS or IP names"
        } else {
            held = "its names could not be read"
        }
        if let serverName, serverName != host {
            return
                "TLS: the server's certificate does not match \(serverName), the tls-server-name of the kubeconfig's "
                + "cluster (dialled \(host); \(held)); set tls-server-name to one of the certificate's names"
        }
        return
            "TLS: the server's certificate does not match \(host), the host dialled (\(held)); use the API server URL "
            + "the certificate was issued for, or set tls-server-name in the kubeconfig's cluster to one of the "
            + "certificate's names"
    }
}

/// The certificate the verification callback saw, handed from the event loop to the caller.
private final class LeafBox: @unchecked Sendable {
    private let lock = NSLock()
    private var certificate: NIOSSLCertificate?

    func set(_ value: NIOSSLCertificate?) { lock.withLock { certificate = value } }
    func get() -> NIOSSLCertificate? { lock.withLock { certificate } }
}
