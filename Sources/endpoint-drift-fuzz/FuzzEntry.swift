import CFuzzer
import Foundation
import Manifests

@testable import LiveState

/// libFuzzer's entry point (`make fuzz`): one input through every reader of outside input — YAML,
/// JSON, manifest files, the snapshot readers (tree and streaming), list items in Kubernetes'
/// protobuf encoding and the kubeconfig reader. Each must give a value or a typed error; a crash, a
/// hang, or an invariant broken below is a finding (libFuzzer keeps the input as `crash-<sha1>`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    FuzzReaders.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// SwiftPM links an executable's entry point under `<module>_main` (so that tests can link the
/// module) and renames it to `main`; libFuzzer's own `main` is used when it does not.
@_cdecl("endpoint_drift_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}

enum FuzzReaders {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        _ = try? YAMLReader.documents(in: bytes)
        _ = try? JSONReader.parse(bytes)
        _ = SnapshotStream.records(bytes)
        _ = ManifestFileReader.read(bytes, path: "fuzz.yaml")
        _ = ManifestFileReader.read(bytes, path: "fuzz.json")
        _ = try? SnapshotFileSource.parse(bytes, name: "fuzz")
        protobuf(bytes)
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        do {
            _ = try Kubeconfig(parsing: text, file: "fuzz-kubeconfig")
        } catch {
            // Kubeconfig errors are printed: raw control characters in them would reach a terminal,
            // unless the input itself put them there through a value the message names.
            if hasControls(error.description) && !hasControls(text) {
                preconditionFailure("a kubeconfig error carries control characters the input did not have")
            }
        }
    }

    /// The input as an item of each kind in Kubernetes' protobuf encoding, read whole and left out
    /// after its metadata; framed (`k8s\0` + runtime.Unknown), its `raw` too.
    static func protobuf(_ bytes: UnsafeRawBufferPointer) {
        var items = [0..<bytes.count]
        if let envelope = try? ProtobufEnvelope(bytes) { items.append(envelope.raw) }
        for range in items {
            for kind in [ObjectKind.service, .endpoints, .endpointSlice] {
                let wire = ProtobufWireReader(bytes, range: range)
                _ = try? ProtobufObjectReader().read(wire, kind: kind)
                _ = try? ProtobufObjectReader(leavesOut: { $0.metadata.name.count % 2 == 0 }).read(wire, kind: kind)
                _ = try? ProtobufObjectReader(readsThin: { $0.name.count % 2 == 0 }).read(wire, kind: kind)
                _ = ProtobufObjectReader.serviceKey(wire, kind: kind)
                _ = try? ProtobufObjectReader(decides: { ($0.service?.count ?? 0) % 2 == 0 && !$0.ignored }).read(
                    wire, kind: kind)
                _ = ProtobufObjectReader.identity(ofItem: wire, kind: kind)
            }
        }
        // The next page's token read from an answer's first bytes, at several lengths. (A list that
        // writes its metadata twice may end with another token: the list checks the page it asked
        // for early against the whole answer's.)
        for count in Set([0, 4, bytes.count / 3, bytes.count / 2, bytes.count]) {
            _ = ProtobufListHead.read(UnsafeRawBufferPointer(rebasing: bytes.prefix(count)))
        }
    }

    static func hasControls(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0 || $0 == 0x1B || $0 == 0x07 }
    }
}
