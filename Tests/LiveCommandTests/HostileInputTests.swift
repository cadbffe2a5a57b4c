import Foundation
import TestSupport
import Testing

/// Malformed secrets never reach any output, and pipes are read where a file is read.
@Suite("Hostile credentials and inputs from pipes")
struct HostileInputTests {
    static let canaryA = "canary-head-7c1f"
    static let canaryB = "canary-tail-93ab"

    /// A FIFO in `folder` that a thread of its own fills with `bytes` once a reader opens it.
    static func fifo(_ name: String, _ bytes: [UInt8], in folder: TempFolder) -> String {
        let path = folder.file(name)
        _ = mkfifo(path, 0o600)
        Thread.detachNewThread {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(descriptor)
        }
        return path
    }

    @Test(
        "a token with CR/LF, NUL, invalid UTF-8 or a megabyte of text is refused without being printed",
        arguments: ["crlf", "lf", "nul", "utf8", "huge", "escape"])
    func malformedTokens(kind: String) async throws {
        let home = try TempFolder()
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["good"]))
        defer { Task { await server.stop() } }
        let cluster = try KubeconfigText.cluster(server)
        let user: [String]
        switch kind {
        case "crlf": user = ["token: \"\(Self.canaryA)\\r\\n\(Self.canaryB)\""]
        case "lf": user = ["token: \"\(Self.canaryA)\\n\(Self.canaryB)\""]
        case "nul": user = ["token: \"\(Self.canaryA)\\0\(Self.canaryB)\""]
        case "escape": user = ["token: \"\(Self.canaryA)\\e]0;owned\\a\(Self.canaryB)\""]
        case "utf8":
            let path = home.file("token")
            FileManager.default.createFile(
                atPath: path, contents: Data(Array(Self.canaryA.utf8) + [0xFF, 0xFE, 0xC0] + Array(Self.canaryB.utf8)))
            user = ["tokenFile: \(path)"]
        default:
            let path = try home.write(
                "token", Self.canaryA + String(repeating: "x", count: 1 << 20) + "\r\n" + Self.canaryB)
            user = ["tokenFile: \(path)"]
        }
        let kubeconfig = try home.write("kubeconfig", KubeconfigText.single(cluster: cluster, user: user))
        let result = try await CLI.run(
            ["live", "-A", "--kubeconfig", kubeconfig, "--request-timeout", "20s"], home: home)
        #expect(result.status == 2, "\(kind): \(result.stderr)")
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains(Self.canaryA) && !text.contains(Self.canaryB), "\(kind) printed the token: \(text)")
            #expect(!text.contains("Bearer"), "\(kind)")
            #expect(!text.utf8.contains(0x1B) && !text.utf8.contains(0))
        }
        #expect(result.stderr.utf8.count < 4096, "\(kind): \(result.stderr.prefix(300))")
        #expect(!server.requests.contains { $0.authenticatedAs != nil })
    }

    @Test("--live-file, --kubeconfig and tokenFile may be FIFOs (as from <(…))")
    func pipes() async throws {
        let home = try TempFolder()
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("demo/live.json")))
        let fromFile = try await CLI.run(
            ["live", "--live-file", Fixtures.path("demo/live.json"), "-o", "json"], home: home)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let live = Self.fifo("live.json", Array(snapshot), in: home)
        let fromPipe = try await CLI.run(["live", "--live-file", live, "-o", "json"], home: home)
        #expect(fromPipe.status == 0, "\(fromPipe.stderr)")
        #expect(try CLI.backendCounts(CLI.json(fromPipe.stdout)) == CLI.backendCounts(CLI.json(fromFile.stdout)))
        #expect(!(try CLI.backendCounts(CLI.json(fromFile.stdout))).isEmpty)

        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["piped-token"]))
        defer { Task { await server.stop() } }
        let token = Self.fifo("token", Array("piped-token\n".utf8), in: home)
        let text = KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["tokenFile: \(token)"])
        let kubeconfig = Self.fifo("kubeconfig", Array(text.utf8), in: home)
        let api = try await CLI.run(["live", "-A", "--kubeconfig", kubeconfig, "-o", "json"], home: home)
        #expect(api.status == 0, "\(api.stderr)")
        #expect(server.requests.contains { $0.authenticatedAs != nil })

        let missing = try await CLI.run(["live", "--live-file", home.file("nothing-here")], home: home)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"), "\(missing.stderr)")
        let folder = try await CLI.run(["live", "--live-file", home.path], home: home)
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("is a folder"), "\(folder.stderr)")
    }

    @Test("a snapshot that is not a list exits 2 naming what it is")
    func notASnapshot() async throws {
        let home = try TempFolder()
        for (text, found) in [
            ("{}", "it is an empty object"), ("[]", "it is an array"), ("{\"items\":null}", "without `kind`"),
        ] {
            let path = try home.write("live.json", text)
            let result = try await CLI.run(["live", "--live-file", path], home: home)
            #expect(result.status == 2)
            #expect(result.stderr.contains(found), "\(result.stderr)")
        }
    }
}

/// Control characters from outside (object names, file names) are escaped in every text output.
@Suite("Terminal and log injection")
struct InjectionTests {
    static let hostile = "evil\u{1B}]0;owned\u{07}\u{1B}[2J\nFORGED: everything is fine"

    static func check(_ output: String) {
        // No BEL, no OSC or clear-screen sequence; colours (ESC[…m) are the tool's own.
        #expect(!output.utf8.contains(0x07), "\(output)")
        #expect(!output.contains("\u{1B}]") && !output.contains("\u{1B}[2J"), "\(output)")
        #expect(!output.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "\(output)")
    }

    @Test("live: a hostile object name cannot drive the terminal or forge a line", arguments: ["text", "json", "yaml"])
    func live(format: String) async throws {
        let home = try TempFolder()
        let name = Self.hostile.replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\u{1B}", with: "\\u001b").replacingOccurrences(of: "\u{07}", with: "\\u0007")
        let snapshot = """
            {"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"\(name)","namespace":"shop"},"spec":{"ports":[{"port":5432}]}},
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"\(name)","namespace":"shop"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":5432}]}]}
            ]}
            """
        let path = try home.write("live.json", snapshot)
        let result = try await CLI.run(["live", "--live-file", path, "-o", format, "--color", "always"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        Self.check(result.stdout + result.stderr)
    }

    @Test(
        "check: hostile names and file names are escaped in text, Markdown and GitHub annotations",
        arguments: ["text", "markdown", "github"])
    func check(format: String) async throws {
        let home = try TempFolder()
        let repository = try TempGitRepository()
        let yamlName = "\"evil\\e]0;owned\\a\\e[2J\\nFORGED: everything is fine\""
        try repository.write(
            "clusters/db\u{1B}[2J.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata: {name: \(yamlName), namespace: shop}
            spec: {ports: [{port: 5432}]}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: \(yamlName), namespace: shop}
            subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 5432}]}]

            """)
        try repository.commitAll("hostile")
        let live = try home.write("live.json", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}")
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--live-file", live, "-o", format, "--color", "always"], home: home)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("evil"))
        Self.check(result.stdout + result.stderr)
    }
}
