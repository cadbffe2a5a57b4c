import Foundation

/// An HTTP CONNECT and SOCKS5 proxy on 127.0.0.1 (a small python3 script run for the test), to
/// show that `proxy-url` really sends the connection through the proxy. It logs each tunnel it
/// opens (`CONNECT host:port`, `SOCKS host:port`) and can require proxy credentials.
public final class TestProxy: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let folder: TempFolder

    /// - Parameter credentials: `user:password` the proxy requires (HTTP CONNECT only), if any.
    public init(credentials: String? = nil) throws {
        folder = try TempFolder()
        let script = try folder.write("proxy.py", Self.script)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let expected = credentials.map { Data($0.utf8).base64EncodedString() } ?? ""
        process.arguments = ["python3", script, expected, folder.file("tunnels.log")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints its port once it listens.
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw FixtureError(message: "the test proxy did not start (is python3 installed?)")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the test runner's threads block SIGTERM, and children inherit the mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The tunnels opened so far.
    public var tunnels: [String] {
        ((try? folder.read("tunnels.log")) ?? "").split(separator: "\n").map(String.init)
    }

    private static let script = #"""
        import socket, struct, sys, threading

        expected = sys.argv[1]
        log_path = sys.argv[2]
        lock = threading.Lock()

        def log(line):
            with lock, open(log_path, "a") as log_file:
                log_file.write(line + "\n")

        def recv_exact(sock, count):
            data = b""
            while len(data) < count:
                chunk = sock.recv(count - len(data))
                if not chunk:
                    raise OSError("closed")
                data += chunk
            return data

        def pipe(source, target):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    target.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    target.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        def tunnel(client, upstream):
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            pipe(upstream, client)

        def http_connect(client):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(4096)
                if not chunk:
                    return
                data += chunk
            lines = data.split(b"\r\n\r\n")[0].decode().split("\r\n")
            method, target, _ = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            if expected and headers.get("proxy-authorization") != "Basic " + expected:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host.strip("[]"), int(port)))
            log("CONNECT " + target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            tunnel(client, upstream)

        def socks5(client):
            _, methods = recv_exact(client, 2)
            recv_exact(client, methods)
            client.sendall(b"\x05\x00")
            _, command, _, address_type = recv_exact(client, 4)
            if address_type == 1:
                host = socket.inet_ntoa(recv_exact(client, 4))
            elif address_type == 3:
                host = recv_exact(client, recv_exact(client, 1)[0]).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, recv_exact(client, 16))
            port = struct.unpack(">H", recv_exact(client, 2))[0]
            upstream = socket.create_connection((host, port))
            log("SOCKS %s:%d" % (host, port))
            client.sendall(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
            tunnel(client, upstream)

        def handle(client):
            try:
                if client.recv(1, socket.MSG_PEEK) == b"\x05":
                    socks5(client)
                else:
                    http_connect(client)
            except OSError:
                pass
            finally:
                client.close()

        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        print(server.getsockname()[1], flush=True)
        while True:
            connection, _ = server.accept()
            threading.Thread(target=handle, args=(connection,), daemon=True).start()
        """#
}
