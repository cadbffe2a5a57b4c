import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

/// `LiveWatcher` against the fake API server: list, then watch with bookmarks; a 410 lists again; a
/// cut stream reconnects; every change names the Services it touched.
@Suite struct LiveWatcherTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    static func endpoints(_ ips: [String], version: String) -> String {
        let addresses = ips.map { "{\"ip\":\"\($0)\"}" }.joined(separator: ",")
        return """
            {"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"\(version)"},"subsets":[{"addresses":[\(addresses)],"ports":[{"name":"http","port":5000,"protocol":"TCP"}]}]}
            """
    }

    /// Services touched, as the watcher reports them.
    final class Changes: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [Set<ServiceKey>] = []
        func add(_ keys: Set<ServiceKey>) { lock.withLock { seen.append(keys) } }
        var all: [Set<ServiceKey>] { lock.withLock { seen } }
    }

    /// Waits (loosely bounded, only against a hang) until `condition` holds.
    static func eventually(_ what: String, _ condition: () async -> Bool) async throws {
        for _ in 0..<1000 {
            if await condition() { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record("never: \(what)")
        throw CancellationError()
    }

    /// A list or watch that fails is told to the log once, not once per retry, and so is its recovery.
    @Test func aFailingWatchIsLoggedOnceAndSoIsItsRecovery() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let empty = { (kind: String, api: String) in PagedList(kind: kind, apiVersion: api, items: []).response }
        server.on("/api/v1/namespaces/net/services", respond: empty("ServiceList", "v1"))
        server.on("/api/v1/namespaces/net/endpoints", respond: empty("EndpointsList", "v1"))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
            respond: empty("EndpointSliceList", "discovery.k8s.io/v1"))
        let feed = WatchFeed()
        let broken = FakeResponse.status(500, reason: "InternalError", message: "etcd is unhappy")
        server.on(
            "/api/v1/namespaces/net/endpoints", query: "watch=1", respond: [broken, broken, broken, .watch(feed)])
        let quiet = [WatchFeed(), WatchFeed()]
        server.on("/api/v1/namespaces/net/services", query: "watch=1", respond: .watch(quiet[0]))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices", query: "watch=1", respond: .watch(quiet[1]))
        var options = Harness.options()
        options.retryClock = RetryClock(now: { 0 }, sleep: { _ in await Task.yield() })
        let lines = Lines()
        let watcher = LiveWatcher(
            source: try Harness.tokenSource(server, in: folder, options: options), scope: .only(["net"]),
            log: { lines.add($0) })
        let task = Task { await watcher.run { _ in } }
        defer { task.cancel() }
        try await Self.eventually("watching again") { feed.attached }
        #expect(lines.all.count == 1)
        // The first event over the new stream says it works again.
        feed.send("MODIFIED", Self.endpoints(["192.0.2.9"], version: "11"))
        try await Self.eventually("recovery told") { lines.all.count == 2 }
        let told = lines.all
        #expect(told[0].hasPrefix("error: watch endpoints in namespace net: "), "\(told[0])")
        #expect(told[0].contains("500"), "\(told[0])")
        #expect(told[1] == "endpoints in namespace net: reading again")
        #expect(await watcher.counters.reconnects >= 3)
        #expect(await watcher.failures.isEmpty)
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    @Test func listWatchRelistReconnect() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let empty = { (kind: String, api: String) in PagedList(kind: kind, apiVersion: api, items: []).response }
        server.on("/api/v1/namespaces/net/services", respond: empty("ServiceList", "v1"))
        server.on(
            "/api/v1/namespaces/net/endpoints",
            respond: [
                PagedList(
                    kind: "EndpointsList", apiVersion: "v1",
                    items: [Array(Self.endpoints(["192.0.2.1"], version: "10").utf8)],
                    resourceVersion: "100"
                ).response,
                PagedList(
                    kind: "EndpointsList", apiVersion: "v1",
                    items: [Array(Self.endpoints(["192.0.2.3"], version: "20").utf8)],
                    resourceVersion: "300"
                ).response,
            ])
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices",
            respond: empty("EndpointSliceList", "discovery.k8s.io/v1"))
        let (first, second, third) = (WatchFeed(), WatchFeed(), WatchFeed())
        server.on(
            "/api/v1/namespaces/net/endpoints", query: "watch=1",
            respond: [.watch(first), .watch(second), .watch(third)])
        let quiet = [WatchFeed(), WatchFeed()]
        server.on("/api/v1/namespaces/net/services", query: "watch=1", respond: .watch(quiet[0]))
        server.on(
            "/apis/discovery.k8s.io/v1/namespaces/net/endpointslices", query: "watch=1", respond: .watch(quiet[1]))

        var options = Harness.options()
        // Reconnect pauses pass at once.
        options.retryClock = RetryClock(now: { 0 }, sleep: { _ in await Task.yield() })
        let watcher = LiveWatcher(
            source: try Harness.tokenSource(server, in: folder, options: options), scope: .only(["net"]))
        let changes = Changes()
        let task = Task { await watcher.run { changes.add($0) } }
        defer { task.cancel() }
        let nas = ServiceKey(namespace: "net", name: "nas")
        func addresses() async -> [String] {
            await watcher.records.flatMap { record -> [String] in
                guard case .endpoints(let endpoints) = record.object else { return [] }
                return endpoints.subsets.flatMap { $0.addresses.map(\.ip) }
            }
        }

        try await Self.eventually("synced") { await watcher.counters.synced }
        #expect(await addresses() == ["192.0.2.1"])
        #expect(changes.all.contains([nas]))
        try await Self.eventually("watching") { first.attached }
        let firstWatch = try #require(
            server.requests.first {
                $0.path == "/api/v1/namespaces/net/endpoints" && ($0.query ?? "").contains("watch=1")
            })
        #expect(firstWatch.query?.contains("resourceVersion=100") == true, "\(firstWatch.query ?? "")")
        #expect(firstWatch.query?.contains("allowWatchBookmarks=true") == true)

        // A change arrives within the stream.
        first.send("MODIFIED", Self.endpoints(["192.0.2.2"], version: "101"))
        try await Self.eventually("modified") { await addresses() == ["192.0.2.2"] }
        first.bookmark("150")
        try await Self.eventually("bookmark counted") { await watcher.counters.events >= 2 }
        // 410: list again (the list now says .3), then watch from the new list's version.
        first.expired()
        try await Self.eventually("relisted") { await addresses() == ["192.0.2.3"] }
        #expect(await watcher.counters.relists == 1)
        try await Self.eventually("second watch") { second.attached }
        let watches = server.requests.filter {
            $0.path == "/api/v1/namespaces/net/endpoints" && ($0.query ?? "").contains("watch=1")
        }
        #expect(watches.last?.query?.contains("resourceVersion=300") == true, "\(watches.last?.query ?? "")")
        // A cut stream: watch again from the last version seen, without listing.
        second.send("MODIFIED", Self.endpoints(["192.0.2.4"], version: "310"))
        try await Self.eventually("second change") { await addresses() == ["192.0.2.4"] }
        second.cut()
        try await Self.eventually("reconnected") { third.attached }
        let last = server.requests.last {
            $0.path == "/api/v1/namespaces/net/endpoints" && ($0.query ?? "").contains("watch=1")
        }
        #expect(last?.query?.contains("resourceVersion=310") == true, "\(last?.query ?? "")")
        #expect(await watcher.counters.relists == 1)
        #expect(await watcher.counters.lists == 4)
        third.send("DELETED", Self.endpoints(["192.0.2.4"], version: "320"))
        try await Self.eventually("deleted") { await addresses().isEmpty }
        #expect(changes.all.filter { $0 == [nas] }.count >= 4)
        task.cancel()
        await task.value
    }
}
