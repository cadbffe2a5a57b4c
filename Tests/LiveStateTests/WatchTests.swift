import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

/// Watch streams as a real API server sends them (recorded): decoded in chunks cut anywhere, and
/// applied to the live cache.
@Suite struct WatchTests {
    static func recording(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Fixtures.kubernetesAPI.appendingPathComponent(name)))
    }

    static func describe(_ events: [WatchEvent]) -> [String] {
        events.map { event in
            switch event {
            case .added(let record, let version): "ADDED \(record.ref) \(version)"
            case .modified(let record, let version): "MODIFIED \(record.ref) \(version)"
            case .deleted(let record, let version): "DELETED \(record.ref) \(version)"
            case .bookmark(let version): "BOOKMARK \(version)"
            case .error(let code, let reason, _): "ERROR \(code) \(reason)"
            }
        }
    }

    @Test func aStreamWithBookmarksDecodesWhereverItIsCut() throws {
        let bytes = try Self.recording("watch-bookmarks-endpointslices-rec-watch.body.jsonl")
        var whole = WatchEventDecoder(resource: .endpointSlices)
        let expected = Self.describe(try whole.feed(bytes) + whole.finish())
        #expect(
            expected == [
                "ADDED EndpointSlice/rec-watch/nas-x5wz9 60258", "MODIFIED EndpointSlice/rec-watch/nas-x5wz9 60276",
                "DELETED EndpointSlice/rec-watch/nas-x5wz9 60279", "BOOKMARK 60279", "BOOKMARK 60279",
            ])
        // Cut at every position, and in seeded random chunks: the same events.
        for cut in stride(from: 1, to: bytes.count, by: 97) {
            var decoder = WatchEventDecoder(resource: .endpointSlices)
            let events = try decoder.feed(bytes[..<cut]) + decoder.feed(bytes[cut...]) + decoder.finish()
            #expect(Self.describe(events) == expected)
        }
        var random = ReaderMutationTests.Generator(state: 7)
        var decoder = WatchEventDecoder(resource: .endpointSlices)
        var events: [WatchEvent] = []
        var offset = 0
        while offset < bytes.count {
            let size = Int(random.next() % 300) + 1
            let end = min(bytes.count, offset + size)
            events += try decoder.feed(bytes[offset..<end])
            offset = end
        }
        #expect(Self.describe(events + (try decoder.finish())) == expected)
    }

    @Test func aCompactedVersionIsAnExpiredError() throws {
        var decoder = WatchEventDecoder(resource: .endpoints)
        let events = try decoder.feed(try Self.recording("watch-410-too-old-endpoints.body.jsonl"))
        #expect(Self.describe(events) == ["ERROR 410 Expired"])
        #expect(events.first?.isExpired == true)
    }

    @Test func brokenAndOversizedEventsAreErrorsNotCrashes() {
        var decoder = WatchEventDecoder(resource: .endpoints, maximumLineBytes: 64)
        #expect(throws: LiveError.self) { try decoder.feed(Array(repeating: UInt8(ascii: "a"), count: 100)) }
        var other = WatchEventDecoder(resource: .endpoints)
        #expect(throws: LiveError.self) { try other.feed(Array("{\"type\":\"ADDED\"}\n".utf8)) }
        #expect(throws: LiveError.self) { try other.feed(Array("{\"type\":\"WHAT\",\"object\":{}}\n".utf8)) }
        #expect(throws: LiveError.self) { try other.feed(Array("not json\n".utf8)) }
        // Blank lines (keep-alives) are no events.
        #expect((try? other.feed(Array("\n\r\n  \n".utf8)))?.isEmpty == true)
    }

    @Test func theCacheFollowsEventsAndNamesTheServicesTheyTouch() throws {
        var cache = LiveCache()
        let slices = LiveCache.Scope(.endpointSlices)
        var decoder = WatchEventDecoder(resource: .endpointSlices)
        let shop = try decoder.feed(try Self.recording("watch-endpointslices-shop.body.json")) + decoder.finish()
        let listed = shop.compactMap { event -> ObjectRecord? in
            if case .added(let record, _) = event { return record }
            return nil
        }
        let touched = cache.replace(slices, with: listed, resourceVersion: "100")
        #expect(cache.count == listed.count)
        #expect(touched.contains(ServiceKey(namespace: "shop", name: "orders-db")))
        #expect(cache.resourceVersions[slices] == "100")
        // The same list again touches nothing.
        #expect(cache.replace(slices, with: listed, resourceVersion: "101").isEmpty)

        var watch = WatchEventDecoder(resource: .endpointSlices)
        let events = try watch.feed(try Self.recording("watch-bookmarks-endpointslices-rec-watch.body.jsonl"))
        let nas = ServiceKey(namespace: "rec-watch", name: "nas")
        #expect(cache.apply(events[0], in: slices) == [nas])
        #expect(cache.count == listed.count + 1)
        #expect(cache.apply(events[1], in: slices) == [nas])
        #expect(cache.apply(events[1], in: slices).isEmpty)  // the same object again
        #expect(cache.apply(events[2], in: slices) == [nas])
        #expect(cache.count == listed.count)
        #expect(cache.apply(events[3], in: slices).isEmpty)
        #expect(cache.resourceVersions[slices] == "60279")
        // A relist without an object removes it, and names its Service.
        let fewer = listed.filter { $0.serviceKey?.name != "orders-db" }
        #expect(
            cache.replace(slices, with: fewer, resourceVersion: "60300")
                == [ServiceKey(namespace: "shop", name: "orders-db")])
        #expect(!cache.snapshot.contains { $0.serviceKey?.name == "orders-db" })
    }
}
