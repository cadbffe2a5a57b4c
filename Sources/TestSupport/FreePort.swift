#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing listens on right now, for servers the tests start as
/// separate processes (they cannot be handed port 0). Another process could take it before the
/// server binds; the server then fails to start, visibly.
public enum FreePort {
    public static func find() throws -> Int {
        let socket = try BoundSocket()
        defer { close(socket.descriptor) }
        return socket.port
    }
}

/// A port on 127.0.0.1 that refuses every connection: its socket is bound but never listens, so
/// the kernel answers a connect with a reset. It stays bound for the whole test process, so unlike
/// a port found free and closed again, no server another test starts meanwhile can take it, and
/// "connection refused" is certain even when many tests start servers at once.
public enum RefusingPort {
    public static func port() throws -> Int { try held.get() }

    public static func url() throws -> String { "https://127.0.0.1:\(try port())" }

    private static let held = Result<Int, any Error> { try BoundSocket().port }
}

/// A TCP socket bound to an ephemeral port of 127.0.0.1, not listening.
private struct BoundSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FixtureError(message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(socket)
            throw FixtureError(message: "bind() failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard named == 0 else {
            close(socket)
            throw FixtureError(message: "getsockname() failed")
        }
        descriptor = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
