import ArgumentParser
import Foundation
import Scanner

/// `make bench-flux`: a Flux "home-ops" repository of `--files` files (apps with `ks.yaml`,
/// `app/kustomization.yaml`, external services whose addresses are `${VARIABLES}` from a
/// `cluster-settings` ConfigMap, and ordinary Deployments and ConfigMaps), scanned as `check` scans
/// it; prints the scan's figures beside `git cat-file --batch` reading the same blobs. A benchmark:
/// it asserts nothing.
struct FluxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flux", abstract: "Measure the scan of a generated Flux-layout repository.")

    @Option(help: "Where the data goes (git-ignored).") var dataDirectory = ".bench"
    @Option(help: "Files in the repository.") var files = 10_000
    @Option(help: "Runs; the fastest counts.") var runs = 3

    func run() throws {
        let root = "\(dataDirectory)/flux-\(files)"
        let repository = "\(root)/repo.git"
        let stamp = "\(root)/stamp"
        let version = "flux layout v2, \(files) files"
        if (try? String(contentsOfFile: stamp, encoding: .utf8)) != version {
            try generate(root: root, repository: repository)
            try version.write(toFile: stamp, atomically: true, encoding: .utf8)
        }
        var best: Figure?
        var records = 0
        var built = ""
        for _ in 0..<runs {
            let (result, figure) = try Meter.measure("scan (Flux layout)", scale: "\(files) files") {
                try RepositorySnapshot(repositoryPath: repository, revision: "HEAD").scan(ScanOptions())
            }
            records = result.records.count
            let substituted = result.records.filter { !$0.values.isEmpty }.count
            built =
                "\(result.records.filter { $0.build != nil }.count) objects built, \(substituted) with variables, "
                + "\(result.uncomparable.count) uncomparable, \(result.errors.count) errors, \(result.notes.count) notes"
            if best == nil || figure.wall < (best?.wall ?? 0) { best = figure }
        }
        let limit = try catFileLimit(repository: repository, root: root)
        guard let best else { return }
        print("Flux-layout repository: \(files) files")
        print(
            String(
                format: "  scan: %.3f s wall, %.3f s CPU, %.0f MB peak", best.wall, best.user + best.system,
                Double(best.peakRSS) / 1_048_576))
        print("  \(records) objects; \(built)")
        print(String(format: "  git cat-file --batch of every blob: %.3f s (scan is %.2f×)", limit, best.wall / limit))
    }

    /// Every file of the repository.
    static func layout(files count: Int) -> [(path: String, text: String)] {
        var files: [(String, String)] = [
            (
                "kubernetes/flux/vars/kustomization.yaml",
                "resources:\n  - cluster-settings.yaml\n"
            ),
            ("kubernetes/flux/vars/cluster-settings.yaml", settings(count / 10)),
        ]
        var app = 0
        // Whole apps only: a kustomization must never list a file that was cut off.
        while files.count + 4 <= count {
            let namespace = "ns-\(app % 20)"
            let folder = "kubernetes/apps/\(namespace)/app-\(app)"
            files.append(("kubernetes/apps/\(namespace)/app-\(app)/ks.yaml", kustomization(app, folder, namespace)))
            if app % 10 == 0 {
                files.append(("\(folder)/app/kustomization.yaml", "resources:\n  - ./external.yaml\n"))
                files.append(("\(folder)/app/external.yaml", external(app)))
            } else {
                files.append(
                    ("\(folder)/app/kustomization.yaml", "resources:\n  - ./deployment.yaml\n  - ./config.yaml\n"))
                files.append(("\(folder)/app/deployment.yaml", deployment(app)))
                files.append(("\(folder)/app/config.yaml", config(app)))
            }
            app += 1
        }
        return files
    }

    static func settings(_ services: Int) -> String {
        var text =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n"
        for index in 0...services { text += "  IP_\(index * 10): 10.\(index / 250).\(index % 250).10\n" }
        return text
    }

    static func kustomization(_ app: Int, _ folder: String, _ namespace: String) -> String {
        """
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: app-\(app)
          namespace: flux-system
        spec:
          interval: 30m
          path: ./\(folder)/app
          targetNamespace: \(namespace)
          sourceRef: {kind: GitRepository, name: home-ops}
          postBuild:
            substituteFrom:
              - {kind: ConfigMap, name: cluster-settings}

        """
    }

    static func external(_ app: Int) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: external-\(app)
        spec:
          ports:
            - name: http
              port: 8080
        ---
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: external-\(app)
        subsets:
          - addresses:
              - ip: ${IP_\(app)}
            ports:
              - name: http
                port: 8080

        """
    }

    static func deployment(_ app: Int) -> String {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app-\(app)
            spec:
              replicas: 1
              selector: {matchLabels: {app: app-\(app)}}
              template:
                metadata: {labels: {app: app-\(app)}}
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/example/app:\(app % 97).0.0
                      env:

            """
        for index in 0..<20 { text += "            - {name: SETTING_\(index), value: \"${TIMEZONE:=UTC}-\(index)\"}\n" }
        return text
    }

    static func config(_ app: Int) -> String {
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-\(app)\ndata:\n  config.yaml: |\n"
        for index in 0..<60 { text += "    key\(index): value \(index) of app \(app), kind: Endpoints\n" }
        return text
    }

    private func generate(root: String, repository: String) throws {
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let stream = "\(root)/fast-import.stream"
        let sink = try ByteSink(creating: stream)
        let message = "Flux-layout benchmark repository\n"
        sink.write("commit refs/heads/main\ncommitter Bench <bench@example.com> 1767225600 +0000\n")
        sink.write("data \(message.utf8.count)\n\(message)")
        for (path, text) in Self.layout(files: files) {
            sink.write("M 100644 inline \(path)\ndata \(text.utf8.count)\n")
            sink.write(text)
            sink.write("\n")
        }
        sink.write("done\n")
        try sink.close()
        for arguments in [
            ["init", "-q", "--bare", "--initial-branch=main", repository],
            ["-C", repository, "fast-import", "--quiet"], ["-C", repository, "gc", "--quiet"],
        ] {
            let usage = try ChildProcess.run(
                ["git"] + arguments, stdin: arguments.contains("fast-import") ? stream : nil, stdout: nil)
            guard usage.status == 0 else { throw BenchError("git \(arguments.joined(separator: " ")) failed") }
        }
        try FileManager.default.removeItem(atPath: stream)
    }

    /// `git cat-file --batch` reading every blob of the commit: the I/O limit of a scan.
    private func catFileLimit(repository: String, root: String) throws -> Double {
        let list = "\(root)/blobs.txt"
        let listing = "\(root)/ls-tree.txt"
        _ = try ChildProcess.run(["git", "-C", repository, "ls-tree", "-r", "HEAD"], stdin: nil, stdout: listing)
        let blobs = try String(contentsOfFile: listing, encoding: .utf8).split(separator: "\n").compactMap {
            $0.split(separator: "\t").first?.split(separator: " ").last.map(String.init)
        }
        try (blobs.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
        var best = Double.infinity
        for _ in 0..<runs {
            let start = Date()
            _ = try ChildProcess.run(
                ["git", "-C", repository, "cat-file", "--batch"], stdin: list, stdout: "/dev/null")
            best = min(best, Date().timeIntervalSince(start))
        }
        return best
    }
}
