import Drift
import Manifests
import TestSupport
import Testing

/// An inventory built on several cores (each Service's records in one part) is the inventory
/// built on one: the same entries, records in the same order, the same backends, the same
/// unlinked slices.
@Suite struct ServiceInventoryPartsTests {
    /// 200 Services over 7 namespaces, each with Endpoints or slices (some both, some twice), and
    /// a few slices without a Service label; in an order that mixes the Services.
    static func records(seed: UInt64) -> [ObjectRecord] {
        var random = SplitMix64(seed: seed)
        var documents: [String] = []
        for index in 0..<200 {
            let name = "svc-\(index % 150)"
            let namespace = "ns-\(random.next() % 7)"
            let address = "10.\(index / 200).\(index % 200).\(random.next() % 250 + 1)"
            switch random.next() % 4 {
            case 0: documents.append(DriftFixtures.service(name, namespace: namespace))
            case 1:
                documents.append(
                    DriftFixtures.endpoints(
                        name, namespace: namespace, subsets: "- addresses: [{ip: \(address)}]\n  ports: [{port: 5432}]")
                )
            case 2:
                documents.append(
                    DriftFixtures.slice(
                        "\(name)-\(index)", service: name, namespace: namespace, endpoints: "- addresses: [\(address)]")
                )
            default:
                documents.append(
                    DriftFixtures.slice(
                        "loose-\(index)", service: nil, namespace: namespace, endpoints: "- addresses: [\(address)]"))
            }
        }
        return DriftFixtures.live(documents.joined(separator: "\n---\n") + "\n")
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func anInventoryBuiltInPartsIsTheSame(seed: UInt64) {
        let records = Self.records(seed: seed)
        let one = ServiceInventory(records: records)
        #expect(!one.unlinked.isEmpty)
        for parts in [2, 3, 8] {
            let split = ServiceInventory(records: records, parts: parts)
            #expect(split.keys == one.keys)
            #expect(split.unlinked == one.unlinked)
            for entry in one.entries {
                let other = split[entry.key]
                #expect(other?.records == entry.records, "\(entry.key)")
                #expect(other?.backends == entry.backends, "\(entry.key)")
            }
        }
    }
}
