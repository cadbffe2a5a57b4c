import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A git remote over HTTP: `git http-backend` (git's own smart-HTTP CGI) behind a small Python
/// server that asks for basic authentication with a token, read from a file on every request so a
/// test can change it while the server runs. Stopped when released.
public final class GitHTTPServer: @unchecked Sendable {
    public let port: Int
    /// The repositories served are the folders under this one (`http://127.0.0.1:port/<name>`).
    public let projectRoot: String
    private let process: Process
    private let folder: TempFolder

    /// Whether `git http-backend` is installed (the test is skipped without it).
    public static var isAvailable: Bool {
        guard let exec = try? TempGitRepository.run("/usr/bin/env", ["git", "--exec-path"]) else { return false }
        return FileManager.default.isExecutableFile(atPath: exec + "/git-http-backend")
    }

    /// Serves the bare repositories under `projectRoot`; a request needs any user name with the
    /// token held in `tokenFile`.
    public init(projectRoot: String, tokenFile: String) throws {
        self.projectRoot = projectRoot
        folder = try TempFolder()
        let script = try folder.write("git_http.py", Self.script)
        let portFile = folder.file("port")
        let exec = try TempGitRepository.run("/usr/bin/env", ["git", "--exec-path"])
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, portFile, projectRoot, tokenFile, exec + "/git-http-backend"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<1200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), text.hasSuffix("\n"),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                found = value
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw ProcessFailure(command: "python3 git_http.py", status: -1, stderr: "never listened")
        }
        port = found
    }

    deinit {
        // SIGKILL: a SIGTERM can be ignored (a test process may have set SIGTERM to SIG_IGN, which
        // the child inherits), and then the wait below would never end.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func url(_ repository: String) -> String { "http://127.0.0.1:\(port)/\(repository)" }

    static let script = #"""
        import base64, http.server, os, subprocess, sys

        port_file, root, token_file, backend = sys.argv[1:5]

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def authorized(self):
                with open(token_file) as f:
                    token = f.read().strip()
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return False
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                return password == token

            def body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length", "0")))

            def serve(self):
                body = self.body() if self.command == "POST" else b""
                if not self.authorized():
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path, _, query = self.path.partition("?")
                env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                           QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER="test",
                           CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)),
                           GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
                out = subprocess.run([backend], input=body, env=env, capture_output=True).stdout
                head, _, payload = out.partition(b"\r\n\r\n")
                status = 200
                headers = []
                for line in head.split(b"\r\n"):
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split(" ")[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = serve
            do_POST = serve

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        with open(port_file + ".tmp", "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.rename(port_file + ".tmp", port_file)
        server.serve_forever()
        """#
}
