import Foundation
import TestSupport
import Testing

/// Hostile input of a size that once took gigabytes: each case runs the built binary as a child,
/// reads its peak resident memory from `wait4` (`ru_maxrss`), and bounds it generously, with the
/// exit code and the message. The time limit is a hang bound only.
@Suite("Peak memory on hostile input", .serialized)
struct PeakMemoryTests {
    /// Generous for a debug build (the demo's `check` peaks near 30 MB); what failed before took
    /// 0.6–7 GB.
    static let bound = 300 << 20

    static func expectBounded(
        _ result: MeasuredRun.Result, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(!result.timedOut, "\(label): hit the hang bound", sourceLocation: sourceLocation)
        #expect(
            result.peakBytes < bound, "\(label): peak RSS \(result.peakMiB) MiB", sourceLocation: sourceLocation)
        // Recorded for the report (`swift test` shows it with the test's output).
        print("peak-rss \(label): \(result.peakMiB) MiB, exit \(result.status)")
    }

    /// `count` bytes of `pattern` repeated, written in 1 MiB blocks.
    static func write(_ pattern: String, prefix: String = "", count: Int, to path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(prefix.utf8))
        let unit = Array(pattern.utf8)
        var block: [UInt8] = []
        block.reserveCapacity(1 << 20)
        while block.count + unit.count <= 1 << 20 { block += unit }
        var written = 0
        while written < count {
            let chunk = block.prefix(count - written)
            try handle.write(contentsOf: Data(chunk))
            written += chunk.count
        }
    }

    @Test("a 512 MiB junk snapshot (JSON-looking and YAML-looking) fails at once, in bounded memory")
    func junkSnapshot() throws {
        let home = try TempFolder()
        for (name, prefix, pattern) in [
            ("junk.json", "{\"kind\": \"List\", \"items\": [", "@#!junk "), ("junk.yaml", "", "junk-that-is-no-list "),
        ] {
            let path = home.file(name)
            try Self.write(pattern, prefix: prefix, count: 512 << 20, to: path)
            let result = try MeasuredRun.run(
                ["live", "--live-file", path], environment: ["HOME": home.path], currentDirectory: home.path)
            #expect(result.status == 2, "\(name): \(result.stderr.prefix(500))")
            #expect(result.stderr.contains(path), "\(name): \(result.stderr.prefix(500))")
            #expect(result.stderr.utf8.count < 4096)
            Self.expectBounded(result, "junk snapshot \(name)")
            try FileManager.default.removeItem(atPath: path)
        }
    }

    @Test("a snapshot nested a million levels deep is refused in bounded memory")
    func deepSnapshot() throws {
        let home = try TempFolder()
        let path = home.file("deep.json")
        try Self.write("[", prefix: "{\"kind\": \"List\", \"items\": ", count: 1_000_000, to: path)
        let result = try MeasuredRun.run(["live", "--live-file", path], environment: ["HOME": home.path])
        #expect(result.status == 2, "\(result.stderr.prefix(500))")
        #expect(result.stderr.contains("deep"), "\(result.stderr.prefix(500))")
        Self.expectBounded(result, "deep snapshot")
    }

    /// An exec plugin that floods stdout (it would print 2 GB, then forever) or stderr (500 MB).
    @Test("an exec plugin flooding stdout or stderr is cut off, in bounded memory", arguments: ["stdout", "stderr"])
    func floodingPlugin(stream: String) async throws {
        let home = try TempFolder()
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["unused"]))
        defer { Task { await server.stop() } }
        let script =
            stream == "stdout"
            ? "#!/bin/sh\nhead -c 2147483648 /dev/zero | tr '\\0' 'x'\nexec yes\n"
            : "#!/bin/sh\nhead -c 500000000 /dev/zero | tr '\\0' 'e' >&2\nexit 3\n"
        let plugin = try home.write("plugin.sh", script, executable: true)
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(
                cluster: try KubeconfigText.cluster(server),
                user: [
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(plugin)",
                    "  interactiveMode: Never",
                ]))
        let result = try MeasuredRun.run(
            ["live", "-A", "--kubeconfig", kubeconfig], environment: ["HOME": home.path],
            currentDirectory: home.path)
        #expect(result.status == 2, "\(result.stderr.prefix(500))")
        if stream == "stdout" {
            #expect(result.stderr.contains("more than 1 MiB to stdout"), "\(result.stderr.prefix(500))")
        } else {
            #expect(result.stderr.contains("exited with status 3"), "\(result.stderr.prefix(500))")
            #expect(result.stderr.utf8.count < 100_000)
        }
        Self.expectBounded(result, "exec plugin flooding \(stream)")
        #expect(server.requests.isEmpty)
    }

    @Test("a 200 MB manifest in the repository is skipped by size, in bounded memory")
    func hugeManifest() throws {
        let repository = try TempGitRepository()
        try repository.write(
            "db.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop}\nspec: {ports: [{port: 5432}]}\n")
        let huge = repository.path + "/huge.yaml"
        try Self.write(
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: filler, namespace: shop}\n",
            count: 200_000_000, to: huge)
        try repository.commitAll("huge")
        try FileManager.default.removeItem(atPath: huge)
        let home = try TempFolder()
        let result = try MeasuredRun.run(
            ["scan", "--repo", repository.path], environment: ["HOME": home.path], currentDirectory: home.path)
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        #expect((result.stdout + result.stderr).contains("huge.yaml"), "\(result.stdout.prefix(500))")
        #expect(result.stdout.contains("shop/db"), "\(result.stdout.prefix(500))")
        Self.expectBounded(result, "200 MB manifest")
    }

    @Test("YAML bombs in manifests (a billion laughs, deep nesting) are refused, in bounded memory")
    func yamlBombs() throws {
        let repository = try TempGitRepository()
        try repository.write(
            "db.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop}\nspec: {ports: [{port: 5432}]}\n")
        var laughs = "apiVersion: v1\nkind: Service\nmetadata:\n  name: lol\n  namespace: shop\n"
        laughs += "a0: &a0 [\"\(String(repeating: "lol", count: 100))\", x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            laughs +=
                "a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        try repository.write("laughs.yaml", laughs)
        try repository.write(
            "deep.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: deep, namespace: shop}\nspec: "
                + String(repeating: "[", count: 200_000) + "\n")
        try repository.commitAll("bombs")
        let home = try TempFolder()
        let result = try MeasuredRun.run(
            ["scan", "--repo", repository.path], environment: ["HOME": home.path], currentDirectory: home.path)
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        let output = result.stdout + result.stderr
        #expect(output.contains("laughs.yaml"), "\(output.prefix(800))")
        #expect(output.contains("deep.yaml"), "\(output.prefix(800))")
        #expect(result.stdout.contains("shop/db"))
        Self.expectBounded(result, "YAML bombs")
    }
}
