import Foundation

/// Writes one scale's data: the git repository (through `git fast-import`, then packed as `git gc`
/// would), the live snapshot file, the API list items, and the inputs of the two limits.
struct DataGenerator {
    let data: BenchData
    let world: BenchWorld

    init(data: BenchData) {
        self.data = data
        world = BenchWorld(scale: data.scale)
    }

    func generate(log: (String) -> Void) throws {
        try? FileManager.default.removeItem(atPath: data.root)
        for folder in [data.root, "\(data.root)/api", "\(data.root)/limits"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var stats = BenchData.Stats()
        log("generating \(data.scale) repository")
        try writeRepository(&stats)
        log("generating \(data.scale) live state")
        try writeLive(&stats)
        stats.drifts = data.scale.drifts
        try JSONEncoder().encode(stats).write(to: URL(fileURLWithPath: data.statsFile))
        try data.scale.stamp.write(toFile: data.stampFile, atomically: true, encoding: .utf8)
    }

    // MARK: Repository

    /// Every file of the repository, in a fixed order.
    private func files(_ stats: inout BenchData.Stats) -> [(path: String, text: String)] {
        var files: [(String, String)] = []
        var externalDocuments = ByteSink?.none
        externalDocuments = try? ByteSink(creating: data.externalDocuments)
        var externalFiles: [(String, String)] = []
        var listed: [String: [String]] = [:]
        for service in world.externals {
            let (name, text) = ExternalManifests.file(service)
            externalFiles.append(("clusters/prod/\(service.namespace)/external/\(name)", text))
            listed[service.namespace, default: []].append("external/\(name)")
            externalDocuments?.write("---\n")
            externalDocuments?.write(text)
            stats.externalDocuments += 1 + max(service.slices, 1)
            stats.externalDocumentBytes += text.utf8.count
        }
        try? externalDocuments?.close()
        // A kustomization per namespace that lists its files, as kustomize requires (a folder as a
        // resource needs a kustomization of its own) and as real repositories write it.
        for namespace in world.namespaces {
            let resources = (listed[namespace] ?? []).map { "  - \($0)\n" }.joined()
            files.append(
                (
                    "clusters/prod/\(namespace)/kustomization.yaml",
                    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: \(namespace)\n"
                        + "resources:\n" + (resources.isEmpty ? "  []\n" : resources)
                ))
        }
        files += externalFiles
        stats.externalServices = world.externals.count

        var app = 0
        while files.count < data.scale.files {
            var random = SeededGenerator(5, UInt64(app))
            let namespace = world.namespaces[app % world.namespaces.count]
            let appName = "\(random.pick(BenchWorld.appWords))-\(BenchWorld.padded(app, 5))"
            var manifests = OrdinaryManifests(
                random: SeededGenerator(6, UInt64(app)), namespace: namespace, app: appName,
                namespaceWritten: random.chance(0.85))
            var used: Set<String> = []
            for position in 0..<random.int(1...7) where files.count < data.scale.files {
                let (name, text) = manifests.file(random.int(0...99))
                var path = "apps/\(namespace)/\(appName)/\(name)"
                if name == "crd.yaml" {
                    path = "platform/crds/\(appName)-\(position).yaml"
                } else if !used.insert(name).inserted {
                    path = "apps/\(namespace)/\(appName)/\(position)-\(name.replacingOccurrences(of: "/", with: "-"))"
                }
                files.append((path, text))
            }
            app += 1
        }
        for (path, text) in files {
            stats.files += 1
            stats.repositoryBytes += text.utf8.count
            stats.documents += Self.documentCount(path: path, text: text)
        }
        return files
    }

    /// Documents as the scanner counts them: YAML documents, or the items of a JSON `List`.
    static func documentCount(path: String, text: String) -> Int {
        if path.hasSuffix(".json") {
            return text.contains("\"kind\": \"List\"") ? text.components(separatedBy: "\"apiVersion\"").count - 2 : 1
        }
        var count = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line == "---" {
            count += 1
        }
        return count
    }

    private func writeRepository(_ stats: inout BenchData.Stats) throws {
        try git(["init", "-q", "--bare", "--initial-branch=main", data.repository])
        // The stream goes through a file: every child gets explicit standard streams (see `git`).
        let stream = "\(data.root)/fast-import.stream"
        let sink = try ByteSink(creating: stream)
        let message = "Benchmark repository (\(data.scale))\n"
        sink.write("commit refs/heads/main\ncommitter Bench <bench@example.com> 1767225600 +0000\n")
        sink.write("data \(message.utf8.count)\n\(message)")
        for (path, text) in files(&stats) {
            sink.write("M 100644 inline \(path)\ndata \(text.utf8.count)\n")
            sink.write(text)
            sink.write("\n")
        }
        sink.write("done\n")
        try sink.close()
        try git(["-C", data.repository, "fast-import", "--quiet"], stdin: stream)
        try FileManager.default.removeItem(atPath: stream)
        // Packed with deltas, as a real clone is.
        try git(["-C", data.repository, "gc", "--quiet"])
        let listingFile = "\(data.root)/ls-tree.txt"
        try git(["-C", data.repository, "ls-tree", "-r", "HEAD"], stdout: listingFile)
        let listing = try String(contentsOfFile: listingFile, encoding: .utf8)
        try FileManager.default.removeItem(atPath: listingFile)
        var blobs = ""
        for line in listing.split(separator: "\n") {
            // <mode> blob <id>\t<path>
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, fields[1] == "blob" else { continue }
            blobs += fields[2].prefix(40) + "\n"
        }
        try blobs.write(toFile: data.blobList, atomically: true, encoding: .utf8)
    }

    /// Runs git with standard input and output from and to files (/dev/null when not given).
    private func git(_ arguments: [String], stdin: String? = nil, stdout: String? = nil) throws {
        let usage = try ChildProcess.run(["git"] + arguments, stdin: stdin, stdout: stdout)
        guard usage.status == 0 else {
            throw BenchError("git \(arguments.joined(separator: " ")) failed (\(usage.status))")
        }
    }

    // MARK: Live state

    private func writeLive(_ stats: inout BenchData.Stats) throws {
        let objects = LiveObjects(world: world)
        let snapshot = try ByteSink(creating: data.liveFile)
        snapshot.write("{\n    \"apiVersion\": \"v1\",\n    \"items\": [")
        var first = true
        var buffer: [UInt8] = []
        for resource in LiveObjects.Resource.allCases {
            let api = try ByteSink(creating: data.apiItems(resource))
            for descriptor in objects.descriptors(resource) {
                let members = objects.object(descriptor)
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: descriptor.namespace.utf8)
                buffer.append(UInt8(ascii: "\t"))
                JSONValue.object(members).compact(into: &buffer)
                buffer.append(UInt8(ascii: "\n"))
                api.write(buffer)
                // kubectl adds apiVersion and kind to each item and hides managedFields.
                let item = JSONValue.object(
                    [("apiVersion", .string(resource.apiVersion)), ("kind", .string(resource.kind))]
                        + members.map { key, value in
                            (key, key == "metadata" ? Self.withoutManagedFields(value) : value)
                        })
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: (first ? "\n        " : ",\n        ").utf8)
                first = false
                item.pretty(indent: 8, into: &buffer)
                snapshot.write(buffer)
                switch resource {
                case .services: stats.liveServices += 1
                case .endpoints: stats.liveEndpoints += 1
                case .endpointSlices: stats.liveSlices += 1
                }
            }
            stats.apiBytes += api.written
            try api.close()
        }
        snapshot.write(
            "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")
        stats.liveFileBytes = snapshot.written
        try snapshot.close()
    }

    private static func withoutManagedFields(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        return .object(members.filter { $0.0 != "managedFields" })
    }
}
