import Foundation
import Manifests
import NIOCore

/// The fields of a Kubernetes `Status` error body that messages use, from a JSON body or, for a
/// request that asked for protobuf, a protobuf one.
struct StatusBody {
    var message: String?
    var reason: String?
    var code: Int?
    /// `metadata.continue` (an expired-token 410 carries a fresh one).
    var continueToken: String?

    init?(_ body: ByteBuffer) {
        if body.readableBytesView.starts(with: ProtobufEnvelope.magic) {
            guard let status = body.withUnsafeReadableBytes({ try? Self.protobuf($0) }) else { return nil }
            self = status
            return
        }
        let parsed: Node? = body.withUnsafeReadableBytes { bytes in try? JSONReader.parse(bytes) }
        guard case .mapping(let mapping) = parsed, mapping["kind"]?.scalar?.value == "Status" else { return nil }
        message = mapping["message"]?.scalar?.value
        reason = mapping["reason"]?.scalar?.value
        code = mapping["code"]?.scalar.flatMap { Int($0.value) }
        continueToken = mapping["metadata"]?.mapping?["continue"]?.scalar?.value
    }

    private init() {}

    /// A protobuf `Status` (k8s.io/apimachinery meta/v1): message 3, reason 4, code 6, and the
    /// list metadata (1) with its continue token (3).
    private static func protobuf(_ bytes: UnsafeRawBufferPointer) throws(ProtobufWireReader.Failure) -> StatusBody? {
        let envelope = try ProtobufEnvelope(bytes)
        guard envelope.kind == "Status" else { return nil }
        var status = StatusBody()
        var meta = ProtobufListMeta()
        var wire = ProtobufWireReader(bytes, range: envelope.raw)
        while let field = try wire.field() {
            switch field.number {
            case 1:
                var nested = try wire.message(field)
                try meta.merge(&nested)
            case 3: status.message = try wire.string(field)
            case 4: status.reason = try wire.string(field)
            case 6: status.code = try wire.int32(field)
            default: try wire.skip(field.type)
            }
        }
        status.continueToken = meta.continueToken
        return status
    }
}
