import Foundation

/// The protobuf form of each JSON list or `Status` answer the fake API server has served, kept:
/// the same recorded answers are served again and again (now that protobuf is the client's
/// default), and converting them is the costliest thing the server does. It runs on the server's
/// event loop, which every test's server shares.
final class ProtobufConversions: @unchecked Sendable {
    static let shared = ProtobufConversions()

    private struct Key: Hashable {
        var status: Int
        var body: [UInt8]
    }

    private let lock = NSLock()
    /// `nil` value: the answer has no protobuf form (it is served as it is).
    private var known: [Key: [UInt8]?] = [:]
    private var keptBytes = 0

    /// `body` in protobuf, or `nil` when it is neither a list answered 200 nor a `Status`.
    func converted(status: Int, body: [UInt8]) -> [UInt8]? {
        let key = Key(status: status, body: body)
        if let known = lock.withLock({ known[key] }) { return known }
        let converted = Self.convert(status: status, body: body)
        // Large bodies are made per request (a test's own big lists) and served once; the kept ones
        // are bounded in bytes.
        guard body.count <= 256 * 1024 else { return converted }
        lock.withLock {
            if keptBytes > 32 * 1024 * 1024 {
                known.removeAll()
                keptBytes = 0
            }
            known[key] = .some(converted)
            keptBytes += body.count + (converted?.count ?? 0)
        }
        return converted
    }

    private static func convert(status: Int, body: [UInt8]) -> [UInt8]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let kind = object["kind"] as? String
        else { return nil }
        if kind == "Status" {
            return try? ProtobufFixture.status(
                code: object["code"] as? Int ?? status, reason: object["reason"] as? String ?? "",
                message: object["message"] as? String ?? "")
        }
        if status == 200, kind.hasSuffix("List") { return try? ProtobufFixture.list(body) }
        return nil
    }
}
