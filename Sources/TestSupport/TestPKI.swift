import Foundation

/// A certificate authority and certificates made with the `openssl` CLI for the fake API server:
/// a server certificate for 127.0.0.1, localhost and kubernetes.test, a client certificate signed
/// by the same CA, and a second, unrelated CA (to show that an untrusted server is refused).
/// Made once per test process; every test reads the same files.
public struct TestPKI: Sendable {
    public let folder: String
    public var caCertificate: String { "\(folder)/ca.crt" }
    public var serverCertificate: String { "\(folder)/server.crt" }
    public var serverKey: String { "\(folder)/server.key" }
    /// A server certificate for kubernetes.test only (no address).
    public var namesOnlyCertificate: String { "\(folder)/names-only.crt" }
    public var namesOnlyKey: String { "\(folder)/names-only.key" }
    /// A server certificate for `elsewhereNames` only: neither the address connected to nor localhost.
    public var elsewhereCertificate: String { "\(folder)/elsewhere.crt" }
    public var elsewhereKey: String { "\(folder)/elsewhere.key" }
    public var clientCertificate: String { "\(folder)/client.crt" }
    public var clientKey: String { "\(folder)/client.key" }
    /// A client certificate signed by the other CA: the server must refuse it.
    public var strangerCertificate: String { "\(folder)/stranger.crt" }
    public var strangerKey: String { "\(folder)/stranger.key" }
    public var otherCACertificate: String { "\(folder)/other-ca.crt" }

    /// The name in the server certificate that is not the address connected to (for tls-server-name).
    public static let alternateServerName = "kubernetes.test"
    /// The names in the `elsewhere` certificate, as the SAN-mismatch message lists them.
    public static let elsewhereNames = ["DNS:api.elsewhere.test", "IP:192.0.2.10"]
    /// The client certificate's user.
    public static let clientCommonName = "test-client"

    public static var shared: TestPKI {
        get throws { try cached.get() }
    }

    private static let cached: Result<TestPKI, any Error> = Result { try TestPKI.make() }

    public func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The base64 form kubeconfig `*-data` fields take.
    public func base64(_ path: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
    }

    private static func make() throws -> TestPKI {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "endpoint-drift-pki-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            try TempGitRepository.run("/usr/bin/env", ["openssl"] + arguments, currentDirectory: folder)
        }
        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
        }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try openssl(
                ["req", "-x509"] + curve + [
                    "-keyout", "\(ca).key", "-out", "\(ca).crt", "-days", "3", "-subj", "/CN=endpoint-drift \(ca)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ])
        }
        try write(
            "server.ext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:\(alternateServerName)\nextendedKeyUsage=serverAuth\n")
        try write("client.ext", "extendedKeyUsage=clientAuth\n")
        try write("names-only.ext", "subjectAltName=DNS:\(alternateServerName)\nextendedKeyUsage=serverAuth\n")
        try write(
            "elsewhere.ext", "subjectAltName=\(elsewhereNames.joined(separator: ","))\nextendedKeyUsage=serverAuth\n")
        let leaves: [(name: String, subject: String, ext: String, ca: String)] = [
            ("server", "/CN=kube-apiserver", "server.ext", "ca"),
            ("names-only", "/CN=kube-apiserver", "names-only.ext", "ca"),
            ("elsewhere", "/CN=kube-apiserver", "elsewhere.ext", "ca"),
            ("client", "/CN=\(clientCommonName)/O=system:masters", "client.ext", "ca"),
            ("stranger", "/CN=stranger", "client.ext", "other-ca"),
        ]
        for leaf in leaves {
            try openssl(
                ["req", "-new"] + curve + [
                    "-keyout", "\(leaf.name).key", "-out", "\(leaf.name).csr", "-subj", leaf.subject,
                ])
            try openssl([
                "x509", "-req", "-in", "\(leaf.name).csr", "-CA", "\(leaf.ca).crt", "-CAkey", "\(leaf.ca).key",
                "-CAcreateserial", "-out", "\(leaf.name).crt", "-days", "3", "-extfile", leaf.ext,
            ])
        }
        return TestPKI(folder: folder)
    }
}
