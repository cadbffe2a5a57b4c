import Testing

@testable import Manifests

@Suite struct BackendSetTests {
    let ref = ObjectRef(kind: .endpoints, namespace: "shop", name: "orders-db")

    /// Random inserts (keys repeated, and keys that share an address and port but not the
    /// protocol or the name), removals and a union, into sets small enough to be walked and large
    /// enough to be looked up in a table: the set holds what a model of the same operations holds,
    /// readiness, appProtocol and origins included, keys in the order first inserted.
    @Test(arguments: [(1, 12), (2, 40), (3, 700)] as [(UInt64, Int)])
    func theSetIsItsModel(seed: UInt64, keys count: Int) {
        // A linear congruential generator: the same steps for a seed on every run.
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let keys =
            (0..<count).map { index in
                BackendKey(
                    address: "10.0.\(index / 250).\(index % 250 + 1)", port: index % 7 == 0 ? nil : 5432,
                    protocol: index % 5 == 0 ? "UDP" : "TCP", portName: index % 3 == 0 ? "" : "db")
            }
            + [BackendKey(address: "10.0.0.1", port: 5432, protocol: "SCTP", portName: "db")]

        struct Model {
            var backends: [BackendKey: (backend: Backend, origins: [BackendOrigin])] = [:]
            var order: [BackendKey] = []

            mutating func insert(_ backend: Backend, origins: [BackendOrigin]) {
                if var known = backends[backend.key] {
                    known.backend.ready = known.backend.ready || backend.ready
                    if known.backend.appProtocol == nil { known.backend.appProtocol = backend.appProtocol }
                    known.origins += origins
                    backends[backend.key] = known
                } else {
                    backends[backend.key] = (backend, origins)
                    order.append(backend.key)
                }
            }

            func expect(_ set: BackendSet, _ name: String) {
                #expect(set.count == backends.count, "\(name)")
                #expect(set.keys == order, "\(name)")
                for (key, entry) in backends {
                    #expect(set[key] == entry.backend, "\(name) \(key)")
                    #expect(set.contains(key))
                    #expect(set.origins(of: key) == entry.origins, "\(name) \(key)")
                }
            }
        }
        var set = BackendSet()
        var model = Model()
        for step in 0..<(keys.count * 4) {
            let key = keys[next() % keys.count]
            if next() % 10 == 0 {
                set.remove(key)
                model.backends[key] = nil
                model.order.removeAll { $0 == key }
                continue
            }
            let backend = Backend(key: key, appProtocol: next() % 3 == 0 ? "postgresql" : nil, ready: next() % 2 == 0)
            let origin = next() % 4 == 0 ? nil : BackendOrigin(object: ref, line: step)
            set.insert(backend, origin: origin)
            model.insert(backend, origins: origin.map { [$0] } ?? [])
        }
        model.expect(set, "set")
        #expect(BackendSet(set.unorderedBackends) == set)
        #expect(!set.contains(BackendKey(address: "192.0.2.1", port: 1, protocol: "TCP", portName: "")))

        // A union with a set of some of the same keys and some others: theirs come after.
        var other = BackendSet()
        let slice = ObjectRef(kind: .endpointSlice, namespace: "shop", name: "orders-db-abcde")
        for position in stride(from: next() % 3, to: keys.count, by: 3) {
            other.insert(Backend(key: keys[position], appProtocol: "other"), origin: BackendOrigin(object: slice))
        }
        var union = set
        union.formUnion(other)
        for key in other.keys {
            if let backend = other[key] { model.insert(backend, origins: other.origins(of: key)) }
        }
        model.expect(union, "union")
    }

    @Test func canonicalIPv6SpellingMakesTheSameBackend() {
        #expect(IPAddress("2001:DB8:0:0::1")?.canonical == "2001:db8::1")
        #expect(IPAddress("2001:db8::1")?.canonical == "2001:db8::1")
        #expect(IPAddress("10.0.0.1")?.canonical == "10.0.0.1")
        #expect(IPAddress("010.0.0.1") == nil)
        #expect(IPAddress("10.0.0") == nil)
        #expect(IPAddress(" 10.0.0.1") == nil)
        #expect(IPAddress("fe80::1%eth0") == nil)
    }

    /// `APIValidation` parses as the API server does (`ParseIPSloppy`) and refuses only what
    /// `ValidateNonSpecialIP` refuses.
    @Test func classifiesAddressesTheAPIServerRejects() {
        let refused = [
            "127.0.0.5", "::1", "169.254.1.1", "fe80::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "::ffff:127.0.0.1",
        ]
        for text in refused {
            let endpoints = Endpoints(
                metadata: ObjectMeta(name: "db"), subsets: [EndpointSubset(addresses: [EndpointAddress(ip: text)])])
            #expect(APIValidation.validate(endpoints, namespace: "shop").map(\.kind) == [.specialAddress], "\(text)")
        }
        for text in ["10.1.2.3", "2001:db8::1", "239.1.1.1", "ff05::1", "192.0.2.010", "::ffff:10.0.0.1"] {
            let endpoints = Endpoints(
                metadata: ObjectMeta(name: "db"), subsets: [EndpointSubset(addresses: [EndpointAddress(ip: text)])])
            #expect(APIValidation.validate(endpoints, namespace: "shop").isEmpty, "\(text)")
        }
    }

    @Test func repackedSubsetsGiveTheSameSet() {
        let port = EndpointPort(name: "pg", port: 5432)
        let written = Endpoints(
            metadata: ObjectMeta(name: "orders-db"),
            subsets: [
                EndpointSubset(addresses: [EndpointAddress(ip: "10.0.0.2")], ports: [port]),
                EndpointSubset(
                    addresses: [EndpointAddress(ip: "10.0.0.1")], notReadyAddresses: [EndpointAddress(ip: "10.0.0.3")],
                    ports: [port]),
            ])
        let repacked = Endpoints(
            metadata: ObjectMeta(name: "orders-db"),
            subsets: [
                EndpointSubset(
                    addresses: [EndpointAddress(ip: "10.0.0.1"), EndpointAddress(ip: "10.0.0.2")],
                    notReadyAddresses: [EndpointAddress(ip: "10.0.0.3")],
                    ports: [EndpointPort(name: "pg", port: 5432, protocol: "TCP")])
            ])
        var left = BackendSet()
        left.add(written, ref: ref)
        var right = BackendSet()
        right.add(repacked, ref: ref)
        #expect(left == right)
        #expect(left.count == 3)
        #expect(left.backends.map(\.address) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"])
        #expect(left.backends.map(\.ready) == [true, true, false])
    }

    @Test func endpointsAndTheirMirroredSliceAreOneSet() {
        let endpoints = Endpoints(
            metadata: ObjectMeta(name: "orders-db"),
            subsets: [
                EndpointSubset(
                    addresses: [EndpointAddress(ip: "10.0.0.1")], notReadyAddresses: [EndpointAddress(ip: "10.0.0.3")],
                    ports: [EndpointPort(port: 5432)])
            ])
        let mirrored = EndpointSlice(
            metadata: ObjectMeta(
                name: "orders-db-abcde",
                labels: [
                    WellKnown.serviceNameLabel: "orders-db", WellKnown.managedByLabel: WellKnown.mirroringController,
                ]),
            addressType: "IPv4",
            endpoints: [
                SliceEndpoint(addresses: ["10.0.0.1"], conditions: EndpointConditions(ready: true)),
                SliceEndpoint(addresses: ["10.0.0.3"], conditions: EndpointConditions(ready: false)),
            ],
            ports: [EndpointPort(name: "", port: 5432, protocol: "TCP")])
        var endpointsOnly = BackendSet()
        endpointsOnly.add(endpoints, ref: ref)
        var both = endpointsOnly
        both.add(mirrored, ref: ObjectRef(kind: .endpointSlice, namespace: "shop", name: "orders-db-abcde"))
        #expect(both == endpointsOnly)
        #expect(both.origins(of: BackendKey(address: "10.0.0.1", port: 5432, protocol: "TCP", portName: "")).count == 2)
    }

    @Test func theSameEndpointInTwoSlicesCountsOnce() {
        let ports = [EndpointPort(name: "s3", port: 7480)]
        let first = EndpointSlice(
            metadata: ObjectMeta(name: "rgw-1"), addressType: "IPv4",
            endpoints: [SliceEndpoint(addresses: ["10.0.2.1"]), SliceEndpoint(addresses: ["10.0.2.2"])], ports: ports)
        let second = EndpointSlice(
            metadata: ObjectMeta(name: "rgw-2"), addressType: "IPv4",
            endpoints: [SliceEndpoint(addresses: ["10.0.2.2"]), SliceEndpoint(addresses: ["10.0.2.3"])], ports: ports)
        var set = BackendSet()
        set.add(first, ref: ref)
        set.add(second, ref: ref)
        #expect(set.count == 3)
    }

    @Test func absentConditionsMeanReadyAndAbsentProtocolMeansTCP() {
        let slice = EndpointSlice(
            metadata: ObjectMeta(name: "s"), addressType: "IPv4", endpoints: [SliceEndpoint(addresses: ["10.0.0.1"])],
            ports: [EndpointPort(name: "dns", port: 53)])
        var set = BackendSet()
        set.add(slice, ref: ref)
        #expect(set.backends == [Backend(address: "10.0.0.1", port: 53, protocol: "TCP", portName: "dns", ready: true)])
    }

    @Test func ordersAddressesNumerically() {
        let set = BackendSet([
            Backend(address: "10.0.0.10", port: 80), Backend(address: "10.0.0.9", port: 80),
            Backend(address: "2001:db8::1", port: 80),
        ])
        #expect(set.backends.map(\.address) == ["10.0.0.9", "10.0.0.10", "2001:db8::1"])
    }

    /// The order is the addresses' bytes (IPv4 before IPv6, numerically), then names by their text,
    /// and a port's backends after one another: checked against that rule on random addresses.
    @Test func ordersAsTheAddressBytesSay() {
        var random = SystemRandomNumberGenerator()
        var addresses = ["db.example.com", "a.example.com", "::", "::1", "0.0.0.0", "255.255.255.255"]
        for _ in 0..<300 {
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                addresses.append(
                    (0..<4).map { _ in String(Int.random(in: 0...255, using: &random)) }.joined(separator: "."))
            case 1:
                addresses.append(
                    (0..<8).map { _ in String(Int.random(in: 0...0xffff, using: &random), radix: 16) }.joined(
                        separator: ":"))
            default: addresses.append("host-\(Int.random(in: 0...99, using: &random)).example.com")
            }
        }
        func reference(_ lhs: String, _ rhs: String) -> Bool {
            let left = IPAddress(lhs).map(\.bytes)
            let right = IPAddress(rhs).map(\.bytes)
            switch (left, right) {
            case (let l?, let r?):
                if l.count != r.count { return l.count < r.count }
                if l != r { return l.lexicographicallyPrecedes(r) }
                return false
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return lhs < rhs
            }
        }
        for lhs in addresses.prefix(120) {
            for rhs in addresses.suffix(120) {
                #expect(AddressOrder.less(lhs, rhs) == reference(lhs, rhs), "\(lhs) < \(rhs)")
            }
        }
        let set = BackendSet(
            addresses.map { Backend(address: $0, port: 80) } + addresses.map { Backend(address: $0, port: 443) })
        let sorted = set.backends
        for (lhs, rhs) in zip(sorted, sorted.dropFirst()) {
            let left = IPAddress.canonicalText(lhs.address)
            let right = IPAddress.canonicalText(rhs.address)
            #expect(left == right ? lhs.key < rhs.key : reference(left, right), "\(lhs.key) before \(rhs.key)")
        }
        // Sorting with each address parsed once orders as the comparison does.
        let once = AddressOrder.sorted(addresses)
        #expect(once.count == addresses.count)
        for (lhs, rhs) in zip(once, once.dropFirst()) { #expect(!AddressOrder.less(rhs, lhs), "\(lhs) before \(rhs)") }
    }
}
