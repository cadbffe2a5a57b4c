import Foundation
import KubeProtobuf
import Manifests
import NIOCore
import SwiftProtobuf

/// The fields of a Kubernetes `Status` error body that messages use, from a JSON body or, for a
/// request that asked for protobuf, a protobuf one.
struct StatusBody {
    var message: String?
    var reason: String?
    var code: Int?
    /// `metadata.continue` (an expired-token 410 carries a fresh one).
    var continueToken: String?

    init?(_ body: ByteBuffer) {
        if body.readableBytesView.starts(with: ProtobufListPage.magic) {
            guard let status = Self.protobuf(body) else { return nil }
            message = status.hasMessage ? status.message : nil
            reason = status.hasReason ? status.reason : nil
            code = status.hasCode ? Int(status.code) : nil
            continueToken = status.metadata.continue.isEmpty ? nil : status.metadata.continue
            return
        }
        let parsed: Node? = body.withUnsafeReadableBytes { bytes in try? JSONReader.parse(bytes) }
        guard case .mapping(let mapping) = parsed, mapping["kind"]?.scalar?.value == "Status" else { return nil }
        message = mapping["message"]?.scalar?.value
        reason = mapping["reason"]?.scalar?.value
        code = mapping["code"]?.scalar.flatMap { Int($0.value) }
        continueToken = mapping["metadata"]?.mapping?["continue"]?.scalar?.value
    }

    private static func protobuf(_ body: ByteBuffer) -> PBStatus? {
        let envelope = body.withUnsafeReadableBytes { try? ProtobufListPage.envelope($0) }
        guard let envelope, envelope.typeMeta.kind == "Status" else { return nil }
        return try? PBStatus(serializedBytes: envelope.raw, options: ProtobufListPage.options)
    }
}
