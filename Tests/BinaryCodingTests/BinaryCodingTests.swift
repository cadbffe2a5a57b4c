import Foundation
import Manifests
import Testing

@testable import BinaryCoding

/// The binary format must give back exactly what was encoded (checked against Foundation's JSON
/// coders on real reader output), and must throw, never trap or hang, on anything else: the caches
/// hand it whatever they find on disk.
@Suite struct BinaryCodingTests {
    struct Scalars: Codable, Equatable {
        var text: String
        var empty: String
        var unicode: String
        var int: Int
        var negative: Int64
        var small: Int8
        var unsigned: UInt64
        var flag: Bool
        var fraction: Double
        var optional: Int?
        var missing: String?
        var list: [Int]
        var nested: [[String]]
        var map: [String: Int]
        var kind: Kind

        enum Kind: Codable, Equatable {
            case plain
            case with(name: String, count: Int)
        }
    }

    static let scalars = Scalars(
        text: "10.0.0.1", empty: "", unicode: "münchen ✓ \u{0}", int: Int.max, negative: Int64.min, small: -128,
        unsigned: UInt64.max, flag: true, fraction: -0.125, optional: 0, missing: nil, list: [1, -1, 300],
        nested: [[], ["a", "b"]], map: ["x": 1], kind: .with(name: "n", count: 2))

    @Test func scalarsRoundTrip() throws {
        let bytes = try BinaryEncoder().encode(Self.scalars)
        #expect(try BinaryDecoder().decode(Scalars.self, from: bytes) == Self.scalars)
        let kinds: [Scalars.Kind] = [.plain, .with(name: "", count: -1)]
        #expect(try BinaryDecoder().decode([Scalars.Kind].self, from: BinaryEncoder().encode(kinds)) == kinds)
    }

    /// A file with every kind of thing the reader gives: objects of the three kinds, a List, flow
    /// style, errors, a GitOps document kept as a tree.
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
          namespace: data
          labels: {team: storage, "app.kubernetes.io/name": db}
          annotations:
            note: "multi\\nline"
        spec:
          ports:
            - {name: pg, port: 5432, protocol: TCP, targetPort: 5432}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: db, namespace: data}
        subsets:
          - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2, hostname: b}]
            notReadyAddresses: [{ip: 10.0.0.3}]
            ports: [{name: pg, port: 5432}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: db-1
          namespace: data
          labels: {kubernetes.io/service-name: db}
        addressType: IPv4
        endpoints:
          - addresses: ["10.0.0.1"]
            conditions: {ready: false}
        ports:
          - {name: pg, port: 5432}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec:
          path: ./apps
          postBuild:
            substitute: {PORT: "6379"}
        ---
        kind: Service
        metadata: {name: [
        """

    static func output(_ mode: ManifestFileReader.Mode) -> ManifestFileReader.Output {
        let bytes = Array(manifest.utf8)
        return bytes.withUnsafeBytes { ManifestFileReader.read($0, path: "data/db.yaml", mode: mode) }
    }

    /// What JSON makes of it: equal JSON means an equal value (the reader's types are not Equatable).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test(arguments: [ManifestFileReader.Mode.objects, .documents, .discovery])
    func readerOutputRoundTrips(_ mode: ManifestFileReader.Mode) throws {
        let output = Self.output(mode)
        // Discovery reads only the GitOps documents: no object, so no error either.
        #expect(output.errors.isEmpty == (mode == .discovery))
        #expect(!output.gitOpsDocuments.isEmpty)
        if mode == .objects { #expect(output.objects.count == 3) }
        if mode == .documents { #expect(output.documents.count == 3) }
        let bytes = try BinaryEncoder().encode(output)
        let decoded = try BinaryDecoder().decode(ManifestFileReader.Output.self, from: bytes)
        #expect(try Self.json(decoded) == Self.json(output))
        // And smaller than JSON.
        #expect(bytes.count < (try JSONEncoder().encode(output)).count)
    }

    /// Every cut of an entry, and every single corrupted byte, throws or decodes: it never traps.
    @Test func cutOrCorruptInputThrows() throws {
        let bytes = try BinaryEncoder().encode(Self.output(.objects))
        for length in 0..<bytes.count {
            #expect(throws: BinaryCodingError.self) {
                try BinaryDecoder().decode(ManifestFileReader.Output.self, from: Array(bytes[..<length]))
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var corrupt = bytes
            corrupt[Int.random(in: 0..<corrupt.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? BinaryDecoder().decode(ManifestFileReader.Output.self, from: corrupt)
        }
        #expect(throws: BinaryCodingError.self) {
            try BinaryDecoder().decode(ManifestFileReader.Output.self, from: bytes + [0])
        }
        #expect(throws: BinaryCodingError.self) { try BinaryDecoder().decode(Scalars.self, from: bytes) }
    }

    /// A recursive type (a YAML tree) nested far deeper than anything written: an error, not a
    /// stack overflow.
    @Test func deepNestingIsBounded() throws {
        // A sequence node inside a sequence node, 100,000 deep, written by hand: the encoder itself
        // would recurse that deep.
        let leaf = try BinaryEncoder().encode(Self.output(.documents).documents[0].root)
        var decoder = BinaryDecoder()
        decoder.maxDepth = 64
        var nested = leaf
        for _ in 0..<200 {
            // `{"sequence": {"_0": {"items": [nested], ...}}}` is what Node's synthesized coding reads;
            // any shape that recurses through keyed containers is enough to reach the bound.
            nested = Self.keyed(["sequence": Self.keyed(["_0": Self.keyed(["items": Self.array([nested])])])])
        }
        // `items` is decoded before the keys this hand-made shape lacks, so the bound is what stops it.
        let error = #expect(throws: BinaryCodingError.self) { try decoder.decode(Node.self, from: nested) }
        #expect(error?.message == "nested too deeply")
    }

    static func keyed(_ entries: [String: [UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        Varint.append(UInt64(entries.count), to: &body)
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            Varint.append(UInt64(key.utf8.count), to: &body)
            body += Array(key.utf8)
            body += value
        }
        return [BinaryTag.keyed.rawValue] + length(body.count) + body
    }

    static func length(_ count: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }
    }

    static func array(_ items: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        Varint.append(UInt64(items.count), to: &body)
        for item in items { body += item }
        return [BinaryTag.array.rawValue] + length(body.count) + body
    }
}
