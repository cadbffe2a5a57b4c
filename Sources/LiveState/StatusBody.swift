import Manifests
import NIOCore

/// The fields of a Kubernetes `Status` error body that messages use.
struct StatusBody {
    var message: String?
    var reason: String?
    var code: Int?
    /// `metadata.continue` (an expired-token 410 carries a fresh one).
    var continueToken: String?

    init?(_ body: ByteBuffer) {
        let parsed: Node? = body.withUnsafeReadableBytes { bytes in try? JSONReader.parse(bytes) }
        guard case .mapping(let mapping) = parsed, mapping["kind"]?.scalar?.value == "Status" else { return nil }
        message = mapping["message"]?.scalar?.value
        reason = mapping["reason"]?.scalar?.value
        code = mapping["code"]?.scalar.flatMap { Int($0.value) }
        continueToken = mapping["metadata"]?.mapping?["continue"]?.scalar?.value
    }
}
