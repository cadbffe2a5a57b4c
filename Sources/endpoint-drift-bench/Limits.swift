import Foundation

/// What the hardware and the best tools allow, measured on the same data in the same run.
enum Limits {
    /// `git cat-file --batch` reading every blob the scan reads: git's own speed at getting the
    /// bytes out of the pack (inflate and delta resolution), with nothing parsed.
    static func catFile(_ data: BenchData) throws -> Figure {
        let usage = try ChildProcess.run(["git", "-C", data.repository, "cat-file", "--batch"], stdin: data.blobList)
        let blobs = ((try? String(contentsOfFile: data.blobList, encoding: .utf8)) ?? "").split(separator: "\n").count
        return Figure(
            phase: "limit: git cat-file --batch", scale: "\(data.scale)", wall: usage.wall, user: usage.user,
            system: usage.system, peakRSS: usage.peakRSS, items: blobs, note: "\(blobs) blobs")
    }

    static let yamlScript = """
        import json, resource, sys, time, yaml
        data = open(sys.argv[1], "rb").read()
        wall, cpu = time.perf_counter(), time.process_time()
        count = sum(1 for document in yaml.load_all(data, Loader=yaml.CSafeLoader) if document is not None)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(json.dumps({"wall": wall, "cpu": cpu, "documents": count, "bytes": len(data)}))
        """

    /// libyaml through Python's `yaml.CSafeLoader` parsing only the external-service documents (the
    /// ones the scan must parse): the fastest YAML parsing available here. Timed inside Python,
    /// without its start-up.
    static func yaml(_ data: BenchData, python: String) throws -> Figure {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-yaml-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let usage = try ChildProcess.run([python, "-c", yamlScript, data.externalDocuments], stdout: output)
        guard usage.status == 0,
            let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
                as? [String: Any],
            let wall = result["wall"] as? Double, let cpu = result["cpu"] as? Double
        else { throw BenchError("\(python) with yaml.CSafeLoader failed; install python3-yaml") }
        return Figure(
            phase: "limit: libyaml (CSafeLoader)", scale: "\(data.scale)", wall: wall, user: cpu, system: 0,
            peakRSS: usage.peakRSS, bytes: result["bytes"] as? Int ?? 0, items: result["documents"] as? Int ?? 0,
            note: "external-service documents only")
    }

    /// A python3 whose yaml module has the libyaml loader.
    static func python() -> String {
        for candidate in ["/usr/bin/python3", "python3"] {
            let usage = try? ChildProcess.run([candidate, "-c", "import yaml; yaml.CSafeLoader"])
            if usage?.status == 0 { return candidate }
        }
        return "python3"
    }
}
