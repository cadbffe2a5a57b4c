import Foundation
import LiveState
import Manifests
import TestSupport

// Prints how fast a 50,000-slice live state is read: the page decoder alone, then the whole path
// (HTTPS, paging, decoding) against the fake API server. A benchmark, not a test: run it with
// `swift run -c release live-benchmark [count] [chunk-size]`.

let total = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 50_000 : 50_000
let chunk = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 500 : 500

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func report(_ label: String, bytes: Int, objects: Int, elapsed: Double) {
    let megabytes = Double(bytes) / 1_000_000
    print(
        String(
            format: "%@: %d objects, %.1f MB in %.3f s = %.0f MB/s, %.0f objects/s", label, objects, megabytes,
            elapsed, megabytes / elapsed, Double(objects) / elapsed))
}

// 1. Decoding pages as they arrive.
var pages: [[UInt8]] = []
var offset = 0
while offset < total {
    pages.append(SyntheticSlices.page(offset: offset, limit: chunk, total: total))
    offset += chunk
}
let pageBytes = pages.reduce(0) { $0 + $1.count }
var best = Double.infinity
var decoded = 0
for _ in 0..<5 {
    let started = ContinuousClock.now
    decoded = 0
    for page in pages {
        let result = try page.withUnsafeBytes { bytes in
            try ListPageDecoder.decode(bytes, resource: .endpointSlices)
        }
        decoded += result.objects.count
    }
    best = min(best, seconds(ContinuousClock.now - started))
}
report("decode pages (best of 5)", bytes: pageBytes, objects: decoded, elapsed: best)

// 2. The whole read through HTTPS, in pages, into a snapshot and its inventory.
let server = try await FakeKubernetesAPI.start(authentication: .anyone)
server.on("/apis/discovery.k8s.io/v1/endpointslices", respond: SyntheticSlices.response(total: total))
server.on(
    "/api/v1/endpoints",
    respond: .custom(
        status: 200, headers: [],
        body: Array(#"{"kind":"EndpointsList","apiVersion":"v1","metadata":{},"items":[]}"#.utf8)))
server.on(
    "/api/v1/services",
    respond: .custom(
        status: 200, headers: [],
        body: Array(#"{"kind":"ServiceList","apiVersion":"v1","metadata":{},"items":[]}"#.utf8)))
let connection = ClusterConnection(
    server: ServerEndpoint(scheme: "https", host: "127.0.0.1", port: server.port),
    certificateAuthorityPEM: Array(try String(contentsOfFile: server.pki.caCertificate, encoding: .utf8).utf8),
    description: "benchmark", identityDescription: "anonymous")
let source = KubernetesAPISource(
    connection: connection, options: APIReadOptions(chunkSize: chunk, requestTimeout: 120), diagnostics: { _ in })
// Generating the answers costs the server as much as reading them costs us: time them apart.
let serverStarted = ContinuousClock.now
var served = 0
offset = 0
while offset < total {
    served += SyntheticSlices.page(offset: offset, limit: chunk, total: total).count
    offset += chunk
}
let serverTime = seconds(ContinuousClock.now - serverStarted)
var bestRead = Double.infinity
var bestInventory = Double.infinity
var objects = 0
var services = 0
for _ in 0..<3 {
    let started = ContinuousClock.now
    let snapshot = try await source.read(scope: .all)
    bestRead = min(bestRead, seconds(ContinuousClock.now - started))
    objects = snapshot.records.count
    let inventoryStarted = ContinuousClock.now
    services = snapshot.inventory.count
    bestInventory = min(bestInventory, seconds(ContinuousClock.now - inventoryStarted))
}
report("read over HTTPS (best of 3, wall)", bytes: served, objects: objects, elapsed: bestRead)
report("  of which the fake server generating pages", bytes: served, objects: objects, elapsed: serverTime)
report("read over HTTPS minus page generation", bytes: served, objects: objects, elapsed: bestRead - serverTime)
report("then the per-service inventory (\(services) services)", bytes: served, objects: objects, elapsed: bestInventory)
await server.stop()
