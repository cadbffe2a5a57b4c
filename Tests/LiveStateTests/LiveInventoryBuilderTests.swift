import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// The live inventory built while the lists are read is the one built from the records afterwards,
/// whatever the interleaving of the lists that feed it and however far its worker got.
@Suite struct LiveInventoryBuilderTests {
    /// One list per kind: Services, Endpoints, slices (one or two per Service, the second with an
    /// address the Endpoints lack), and a slice that names no Service. The Endpoints and the slices
    /// write other appProtocols for the same backends: the first written wins.
    static func lists(_ count: Int, seed: UInt64) -> [[ObjectRecord]] {
        var random = SplitMix64(seed: seed)
        var services: [ObjectRecord] = []
        var endpoints: [ObjectRecord] = []
        var slices: [ObjectRecord] = []
        for index in 0..<count {
            let namespace = "team-\(index % 3)"
            let name = "svc-\(index)"
            let address = "10.1.\(index / 200).\(index % 200 + 1)"
            let port = EndpointPort(name: "db", port: 5432, appProtocol: "from-endpoints")
            let slicePort = EndpointPort(name: "db", port: 5432, protocol: "TCP", appProtocol: "from-slices")
            services.append(
                ObjectRecord(live: .service(Service(metadata: ObjectMeta(name: name, namespace: namespace)))))
            endpoints.append(
                ObjectRecord(
                    live: .endpoints(
                        Endpoints(
                            metadata: ObjectMeta(name: name, namespace: namespace),
                            subsets: [EndpointSubset(addresses: [EndpointAddress(ip: address)], ports: [port])]))))
            for slice in 0..<(1 + Int(random.next() % 2)) {
                let addresses = slice == 0 ? [address] : [address, "10.9.9.\(index % 250 + 1)"]
                slices.append(
                    ObjectRecord(
                        live: .endpointSlice(
                            EndpointSlice(
                                metadata: ObjectMeta(
                                    name: "\(name)-\(slice)", namespace: namespace,
                                    labels: [WellKnown.serviceNameLabel: name]),
                                addressType: "IPv4", endpoints: addresses.map { SliceEndpoint(addresses: [$0]) },
                                ports: [slicePort]))))
            }
        }
        slices.append(
            ObjectRecord(
                live: .endpointSlice(
                    EndpointSlice(metadata: ObjectMeta(name: "stray", namespace: "team-0"), addressType: "IPv4"))))
        return [services, endpoints, slices]
    }

    /// Each list's pages fed from a task of its own, the lists side by side, as a read does.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func theBuiltInventoryIsTheRecordsInventory(seed: UInt64) async throws {
        let lists = Self.lists(300, seed: seed)
        let builder = LiveInventoryBuilder(endpointsLists: 1)
        await withTaskGroup(of: Void.self) { group in
            for (position, list) in lists.enumerated() {
                group.addTask {
                    var random = SplitMix64(seed: seed &+ UInt64(position))
                    var start = 0
                    while start < list.count {
                        let end = min(list.count, start + 1 + Int(random.next() % 40))
                        builder.add(Array(list[start..<end]))
                        start = end
                        await Task.yield()
                    }
                    if position == 1 { builder.listed(.endpoints) }
                }
            }
        }
        let built = try #require(builder.finish())
        let expected = ServiceInventory(records: lists.joined().map { $0 })
        #expect(built.entries.map(\.key) == expected.entries.map(\.key))
        for (entry, other) in zip(built.entries, expected.entries) {
            #expect(entry.records == other.records, "\(entry.key)")
            #expect(entry.backends == other.backends, "\(entry.key)")
            #expect(entry.backends.count >= 1)
            for key in entry.backends.keys {
                #expect(entry.backends.origins(of: key) == other.backends.origins(of: key))
            }
        }
        #expect(built.unlinked == expected.unlinked)
        #expect(built.count == 300)
        // The Endpoints come first: theirs wins where both write the backend.
        let appProtocols = built.entries.flatMap(\.backends.backends).map { ($0.address, $0.appProtocol) }
        #expect(appProtocols.allSatisfy { $0.1 == ($0.0.hasPrefix("10.1.") ? "from-endpoints" : "from-slices") })
        #expect(appProtocols.contains { $0.1 == "from-slices" })
    }

    @Test func nothingGivenIsAnEmptyInventory() throws {
        let built = try #require(LiveInventoryBuilder(endpointsLists: 1).finish())
        #expect(built.count == 0)
    }

    /// After `invalidate()` nothing is handed over, even if more records come; `close()` of a read
    /// that failed stops the worker, and a later `finish()` hands over what it took in by then.
    @Test func anInvalidatedBuilderHandsOverNothing() {
        let lists = Self.lists(50, seed: 7)
        let builder = LiveInventoryBuilder(endpointsLists: 1)
        builder.add(lists[0])
        builder.invalidate()
        builder.add(lists[1])
        #expect(builder.finish() == nil)

        let closed = LiveInventoryBuilder(endpointsLists: 1)
        closed.add(lists[0])
        closed.close()
        closed.add(lists[1])
        let rest = closed.finish()
        #expect(rest.map { $0.entries.allSatisfy { $0.endpoints.isEmpty } } == true)
    }
}
