import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// A seeded mutation fuzzer for the readers that take input from outside: YAML, JSON, kubeconfig,
/// snapshot (tree and streaming) and manifest files. Each mutant must give a value or a typed
/// error, never a crash, a hang or an error message with raw control characters in it.
///
/// `make test` runs a fixed number of iterations. To run longer, or replay a failure:
///     ENDPOINT_DRIFT_FUZZ_ITERATIONS=200000 ENDPOINT_DRIFT_FUZZ_SEED=7 \
///       swift test --filter ReaderMutationTests
/// The coverage-guided fuzzer of the same readers is `make fuzz` (libFuzzer, `endpoint-drift-fuzz`);
/// this test keeps a cheap, deterministic pass in every `swift test`.
@Suite("Mutated input never crashes a reader")
struct ReaderMutationTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["ENDPOINT_DRIFT_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
    }
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["ENDPOINT_DRIFT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_202
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    }

    /// Bytes that matter to the grammars, plus controls and invalid UTF-8.
    static let interesting: [[UInt8]] =
        [
            "{", "}", "[", "]", "\"", ":", ",", "-", "---\n", "\n", "  ", "&a ", "*a", "!!str ", "? ", "|", ">", "#",
            "\\u0000", "\\ud800", "1e999", "-0", "99999999999999999999999", "null", "true", "kind", "items", "\t",
        ].map { Array($0.utf8) } + [[0], [0x1B], [0xFF], [0xC0, 0x80], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF], [0x7F]]

    static func mutate(_ seed: [UInt8], _ random: inout Generator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<(1 + random.below(4)) {
            let at = random.below(bytes.count + 1)
            switch random.below(6) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << random.below(8))
            case 1:
                bytes.insert(contentsOf: interesting[random.below(interesting.count)], at: at)
            case 2:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(64)))
            case 3 where !bytes.isEmpty:
                let start = random.below(bytes.count)
                let piece = bytes[start..<min(bytes.count, start + 1 + random.below(200))]
                bytes.insert(contentsOf: piece, at: at)
            case 4:
                bytes = Array(bytes.prefix(at))
            default:
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            }
        }
        return bytes
    }

    static func seeds() throws -> [[UInt8]] {
        let manifest = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("demo/repo/shop/orders-db.yaml")))
        let kubeconfig = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("demo/lab-kubeconfig.yaml")))
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("demo/live.json")))
        let page = try Data(contentsOf: Fixtures.kubernetesAPI.appendingPathComponent("list-endpoints-all.body.json"))
        return [Array(manifest), Array(kubeconfig), Array(snapshot.prefix(6000)) + Array("]}".utf8), Array(page)]
    }

    static func noControls(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0 || $0 == 0x1B || $0 == 0x07 }
    }

    @Test("YAML, JSON, kubeconfig, snapshot and manifest readers survive mutated input")
    func mutants() throws {
        var random = Generator(state: Self.seed)
        let seeds = try Self.seeds()
        var errors = 0
        for iteration in 0..<Self.iterations {
            let input = Self.mutate(seeds[iteration % seeds.count], &random)
            input.withUnsafeBytes { bytes in
                do { _ = try YAMLReader.documents(in: bytes) } catch { errors += 1 }
                do { _ = try JSONReader.parse(bytes) } catch { errors += 1 }
                _ = SnapshotStream.records(bytes)
                _ = ManifestFileReader.read(bytes, path: "fuzz.yaml")
                _ = ManifestFileReader.read(bytes, path: "fuzz.json")
            }
            do {
                _ = try SnapshotFileSource.parse(Data(input), name: "fuzz")
            } catch {
                errors += 1
            }
            if let text = String(validating: input, as: UTF8.self) {
                do {
                    _ = try Kubeconfig(parsing: text, file: "fuzz-kubeconfig")
                } catch {
                    errors += 1
                    // Kubeconfig errors may be printed: they must not carry raw control characters.
                    #expect(
                        Self.noControls(error.description) || !Self.noControls(text), "seed \(Self.seed) #\(iteration)")
                }
            }
        }
        // Mutants are mostly broken: the readers did refuse most of them.
        #expect(errors > Self.iterations)
    }
}
