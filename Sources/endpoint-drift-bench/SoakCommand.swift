import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `endpoint-drift-bench soak`: the issue 16 soak benchmark (not a test). Runs the real
/// `endpoint-drift serve` as a child process against the fake API server with `--services`
/// Services (Service + Endpoints each, in 10 namespaces), then changes one Service's Endpoints
/// every `1/--rate` seconds for `--seconds`, each change making that Service drift or bringing it
/// back. Prints serve's resident memory after the first sync and at the end, and the
/// event-to-metric latency: from the event written to the watch stream until `/metrics` shows it.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Soak serve: N services, an event per second, memory and latency.")

    @Option(help: "The endpoint-drift binary.") var binary = ".build/release/endpoint-drift"
    @Option(help: "How many Services.") var services = 1000
    @Option(help: "How long to send events, in seconds.") var seconds = 600.0
    @Option(help: "Events per second.") var rate = 1.0

    static let namespaces = 10

    static func name(_ index: Int) -> (namespace: String, name: String) {
        ("soak-\(index % namespaces)", "svc-\(index)")
    }

    /// Each Service's backend in git; the drifting one adds 100 to the last byte.
    static func address(_ index: Int, drifted: Bool = false) -> String {
        "10.\(index / 250).\(index % 250).\(drifted ? 101 : 1)"
    }

    static func endpointsJSON(_ index: Int, drifted: Bool, version: Int) -> String {
        let (namespace, name) = name(index)
        return """
            {"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"\(name)","namespace":"\(namespace)","resourceVersion":"\(version)"},"subsets":[{"addresses":[{"ip":"\(address(index, drifted: drifted))"}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]}
            """
    }

    static func serviceJSON(_ index: Int) -> String {
        let (namespace, name) = name(index)
        return """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"\(name)","namespace":"\(namespace)","resourceVersion":"1"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":8080,"targetPort":8080}],"type":"ClusterIP"}}
            """
    }

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("\(binary) is not there: build it (swift build -c release) or pass --binary")
        }
        let folder = try TempFolder()
        let repository = try TempGitRepository()
        var manifests: [String: String] = [:]
        var serviceItems: [String: [String]] = [:]
        var endpointItems: [String: [String]] = [:]
        for index in 0..<services {
            let (namespace, name) = Self.name(index)
            manifests[namespace, default: ""] += """
                apiVersion: v1
                kind: Service
                metadata: {name: \(name), namespace: \(namespace)}
                spec:
                  ports: [{name: http, port: 8080}]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: \(name), namespace: \(namespace)}
                subsets:
                  - addresses: [{ip: \(Self.address(index))}]
                    ports: [{name: http, port: 8080}]
                ---

                """
            serviceItems[namespace, default: []].append(Self.serviceJSON(index))
            endpointItems[namespace, default: []].append(Self.endpointsJSON(index, drifted: false, version: 10))
        }
        for (namespace, text) in manifests { try repository.write("\(namespace).yaml", text) }
        try repository.commitAll("soak")

        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["soak-token"]))
        var feeds: [String: WatchFeed] = [:]
        for namespace in manifests.keys.sorted() {
            feeds[namespace] =
                WatchedNamespace(
                    namespace, on: server, services: serviceItems[namespace] ?? [],
                    endpoints: endpointItems[namespace] ?? []
                ).endpoints
        }
        let kubeconfig = try folder.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: soak-token"]))
        let port = try FreePort.find()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--repo", repository.path, "--kubeconfig", kubeconfig, "--listen", "127.0.0.1:\(port)",
            "--interval", "1m", "--cluster-name", "soak",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // AsyncHTTPClient, not URLSession: FoundationNetworking would need libcurl to link the bench
        // with the Swift runtime linked in statically, as the release build is (`make bench`).
        func get(_ path: String) async -> (Int, String) {
            do {
                let response = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 64 << 20)
                return (Int(response.status.code), String(buffer: body))
            } catch {
                return (0, "")
            }
        }
        let clock = ContinuousClock()
        let startup = clock.now
        while await get("/readyz").0 != 200 {
            guard clock.now - startup < .seconds(600) else { throw ValidationError("serve never became ready") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let readyAfter = clock.now - startup
        let rssStart = Self.residentKiB(process.processIdentifier)
        print("soak: \(services) services in \(Self.namespaces) namespaces; serve ready after \(readyAfter)")

        var latencies: [Double] = []
        var version = 1000
        var drifted = Set<Int>()
        var generator = SystemRandomNumberGenerator()
        let started = clock.now
        var next = started
        // Resident memory once a minute: two end points cannot tell warm-up from growth per event.
        var samples: [Int] = []
        while clock.now - started < .seconds(seconds) {
            if clock.now - started >= .seconds(60 * samples.count) {
                samples.append(Self.residentKiB(process.processIdentifier))
            }
            let index = Int.random(in: 0..<services, using: &generator)
            let drift = !drifted.contains(index)
            if drift { drifted.insert(index) } else { drifted.remove(index) }
            version += 1
            let expected = "endpoint_drift_drifted_services{cluster=\"soak\"} \(drifted.count)\n"
            let sent = clock.now
            feeds[Self.name(index).namespace]?.send(
                "MODIFIED", Self.endpointsJSON(index, drifted: drift, version: version))
            while !(await get("/metrics").1.contains(expected)) {
                guard clock.now - sent < .seconds(120) else { throw ValidationError("an event never showed") }
            }
            let latency = clock.now - sent
            latencies.append(Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18)
            next = next + .seconds(1 / rate)
            if next > clock.now { try await Task.sleep(until: next, clock: clock) }
        }
        let rssEnd = Self.residentKiB(process.processIdentifier)
        samples.append(rssEnd)
        latencies.sort()
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "-" }
            let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            return String(format: "%.1f ms", value * 1000)
        }
        let growth = rssStart > 0 ? (Double(rssEnd) - Double(rssStart)) / Double(rssStart) * 100 : 0
        print(
            """
            soak: \(latencies.count) events in \(Int(seconds)) s (\(rate)/s)
            soak: serve RSS after first sync \(rssStart / 1024) MiB, at the end \(rssEnd / 1024) MiB (\(String(format: "%+.1f", growth)) %)
            soak: serve RSS each minute (MiB): \(samples.map { String(format: "%.1f", Double($0) / 1024) }.joined(separator: " "))
            soak: event-to-metric latency p50 \(percentile(0.5)), p95 \(percentile(0.95)), max \(percentile(1))
            """)
        await server.stop()
    }

    /// VmRSS of a process, in KiB (0 when unknown).
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
