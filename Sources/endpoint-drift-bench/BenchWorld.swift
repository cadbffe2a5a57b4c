/// What the generated repository and cluster contain, before any text is written: the external
/// services (with their drift), the unmanaged live ones, and the ordinary selector Services.
/// Both sides are written from this one model, so they match except where drift says otherwise.
struct BenchWorld {
    enum Family { case ipv4, ipv6 }

    /// How the live state differs from git for one external service.
    enum Drift: CaseIterable {
        case none
        /// The cluster lacks the first address: `missing-backend`.
        case removedAddress
        /// The cluster has one more address: `stale-backend`.
        case addedAddress
        /// The last address' readiness is flipped: `readiness-drift`.
        case readiness
        /// The first port has another number live: `port-drift`.
        case portNumber
        /// Nothing of the service exists live: `missing-live-object`.
        case missingLive
    }

    struct Port {
        var name: String
        var number: Int
        var appProtocol: String?
    }

    struct External {
        var index: Int
        var namespace: String
        var name: String
        var ports: [Port]
        var family: Family
        /// Addresses in git, in file order.
        var addresses: [String]
        /// Indices into `addresses` written as not ready.
        var notReady: Set<Int>
        /// 0: an Endpoints object; 1–3: that many EndpointSlices.
        var slices: Int
        /// `metadata.namespace` written; else the folder's kustomization gives it.
        var namespaceWritten: Bool
        var json: Bool
        var drift: Drift
    }

    /// A live-only, selector-less Service with hand-written Endpoints: `unmanaged`.
    struct Unmanaged {
        var namespace: String
        var name: String
        var addresses: [String]
    }

    /// An ordinary Service with a selector, its Endpoints and controller-managed slices.
    struct Selector {
        var index: Int
        var namespace: String
        var name: String
        /// Endpoints per slice.
        var sliceSizes: [Int]
        /// Index of its first pod (pod addresses are consecutive).
        var firstPod: Int
    }

    let scale: BenchScale
    let namespaces: [String]
    var externals: [External] = []
    var unmanaged: [Unmanaged] = []
    var selectors: [Selector] = []

    static let externalKinds: [(word: String, ports: [Port])] = [
        ("postgres", [Port(name: "postgres", number: 5432)]),
        ("redis", [Port(name: "redis", number: 6379)]),
        ("kafka", [Port(name: "kafka", number: 9092), Port(name: "kafka-tls", number: 9093)]),
        ("ldap", [Port(name: "ldap", number: 389), Port(name: "ldaps", number: 636)]),
        ("mainframe", [Port(name: "cics", number: 3270)]),
        ("vault", [Port(name: "https", number: 8200, appProtocol: "https")]),
        ("smtp", [Port(name: "smtp", number: 25), Port(name: "submission", number: 587)]),
        ("s3-gateway", [Port(name: "https", number: 443, appProtocol: "https")]),
        ("elastic", [Port(name: "http", number: 9200), Port(name: "transport", number: 9300)]),
        ("oracle", [Port(name: "oracle", number: 1521)]),
        ("grpc-legacy", [Port(name: "grpc", number: 9090, appProtocol: "grpc")]),
    ]

    static let appWords = [
        "checkout", "cart", "catalog", "search", "auth", "billing", "ledger", "orders", "shipping", "inventory",
        "pricing", "reviews", "profile", "notify", "gateway", "reports", "export", "import", "scheduler", "media",
    ]

    init(scale: BenchScale) {
        self.scale = scale
        namespaces = (0..<scale.namespaces).map { "team-\(Self.padded($0, 3))" }
        var random = SeededGenerator(1, UInt64(scale.factor * 1000))

        // Drift: a sixth of the cases are unmanaged live services, a sixth missing live, the rest
        // changed backends of external services git has.
        let unmanagedCount = scale.drifts / 6
        let missingCount = scale.drifts / 6
        let changedCount = scale.drifts - unmanagedCount - missingCount
        var order = Array(0..<scale.externalServices)
        random.shuffle(&order)
        var drifts = [Drift](repeating: .none, count: scale.externalServices)
        let changes: [Drift] = [.removedAddress, .addedAddress, .readiness, .portNumber]
        for (position, index) in order.prefix(missingCount + changedCount).enumerated() {
            drifts[index] = position < missingCount ? .missingLive : changes[position % changes.count]
        }

        var externalAddress = 0
        for index in 0..<scale.externalServices {
            var item = SeededGenerator(2, UInt64(index))
            let kind = Self.externalKinds[index % Self.externalKinds.count]
            let family: Family = item.chance(0.08) ? .ipv6 : .ipv4
            // Mostly small sets, a few large: 3 + 47·u³.
            let unit = Double(item.int(0...1000)) / 1000
            let count = 3 + Int(47 * unit * unit * unit)
            var addresses: [String] = []
            for _ in 0..<count {
                addresses.append(Self.externalAddress(externalAddress, family))
                externalAddress += 1
            }
            var notReady: Set<Int> = []
            if item.chance(0.15) { notReady.insert(item.int(0...(count - 1))) }
            externals.append(
                External(
                    index: index, namespace: namespaces[index % namespaces.count],
                    name: "ext-\(kind.word)-\(Self.padded(index, 4))", ports: kind.ports, family: family,
                    addresses: addresses, notReady: notReady, slices: item.chance(0.55) ? 0 : item.int(1...3),
                    namespaceWritten: item.chance(0.8), json: item.chance(0.1), drift: drifts[index]))
        }
        for index in 0..<unmanagedCount {
            var item = SeededGenerator(3, UInt64(index))
            let addresses = (0..<item.int(2...6)).map { _ -> String in
                defer { externalAddress += 1 }
                return Self.externalAddress(externalAddress, .ipv4)
            }
            unmanaged.append(
                Unmanaged(
                    namespace: namespaces[item.int(0...(namespaces.count - 1))],
                    name: "legacy-\(Self.padded(index, 4))", addresses: addresses))
        }

        // Selector Services fill the live counts: every remaining Service, and every remaining slice
        // spread over them (one to about five each, as churn leaves them).
        let liveExternals = externals.filter { $0.drift != .missingLive }
        let externalSlices = liveExternals.reduce(0) { $0 + max($1.slices, 1) } + unmanaged.count
        let selectorCount = scale.liveServices - liveExternals.count - unmanaged.count
        let selectorSlices = scale.liveSlices - externalSlices
        var counts = [Int](repeating: selectorSlices / selectorCount, count: selectorCount)
        for index in 0..<(selectorSlices % selectorCount) { counts[index] += 1 }
        for pair in stride(from: 0, to: selectorCount - 1, by: 2) {
            let moved = random.int(0...max(0, counts[pair] - 1))
            counts[pair] -= moved
            counts[pair + 1] += moved
        }
        var pod = 0
        for index in 0..<selectorCount {
            var item = SeededGenerator(4, UInt64(index))
            let sizes = (0..<counts[index]).map { _ in item.int(1...3) }
            selectors.append(
                Selector(
                    index: index, namespace: namespaces[item.int(0...(namespaces.count - 1))],
                    name: "\(item.pick(Self.appWords))-\(Self.padded(index, 5))", sliceSizes: sizes, firstPod: pod))
            pod += sizes.reduce(0, +)
        }
    }

    static func padded(_ value: Int, _ digits: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Consecutive addresses outside every range the linter rejects: 172.16.0.0/12 and fd00:ab::/32.
    static func externalAddress(_ counter: Int, _ family: Family) -> String {
        switch family {
        case .ipv4:
            return "172.\(16 + counter / (254 * 256) % 16).\(counter / 254 % 256).\(counter % 254 + 1)"
        case .ipv6:
            return "fd00:ab:\(String(counter / 65536, radix: 16))::\(String(counter % 65536 + 1, radix: 16))"
        }
    }

    static func podAddress(_ counter: Int) -> String {
        "10.\(128 + counter / 65536 % 128).\(counter / 256 % 256).\(counter % 256)"
    }

    static func clusterIP(_ counter: Int) -> String {
        "10.\(96 + counter / 65536 % 32).\(counter / 256 % 256).\(counter % 256)"
    }
}
