import Foundation
import KubeProtobufObjects
import SwiftProtobuf

/// Turns API items written as JSON (the recordings, the benchmark's generated cluster) into the
/// API server's protobuf encoding of the same objects, so that the fake server can answer a client
/// that asks for `application/vnd.kubernetes.protobuf` with what it would have sent as JSON.
///
/// Kubernetes' JSON and its protobuf messages differ in three places, which are rewritten before
/// the JSON is read as protobuf JSON: times are RFC 3339 strings there and `{seconds}` messages
/// here, `fieldsV1` is a JSON object there and its bytes here, and `targetPort` is a number or a
/// string there and an `IntOrString` message here.
public enum ProtobufFixture {
    public static let mediaType = "application/vnd.kubernetes.protobuf"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// One item (`Service`, `Endpoints`, `EndpointSlice`) as its protobuf message bytes.
    public static func item(_ json: some Collection<UInt8>, kind: String) throws -> [UInt8] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw Failure(description: "a \(kind) item is not a JSON object")
        }
        let rewritten = try JSONSerialization.data(withJSONObject: rewrite(object))
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        let message: any SwiftProtobuf.Message =
            switch kind {
            case "Service": try PBObjectService(jsonUTF8Data: rewritten, options: options)
            case "Endpoints": try PBObjectEndpoints(jsonUTF8Data: rewritten, options: options)
            case "EndpointSlice": try PBObjectEndpointSlice(jsonUTF8Data: rewritten, options: options)
            default: throw Failure(description: "no protobuf message for kind \(kind)")
            }
        return try message.serializedBytes()
    }

    /// A whole JSON list answer (`{"kind":"ServiceList","metadata":…,"items":[…]}`) as the
    /// protobuf answer the API server gives for the same list.
    public static func list(_ json: some Collection<UInt8>) throws -> [UInt8] {
        guard let list = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let listKind = list["kind"] as? String, listKind.hasSuffix("List")
        else { throw Failure(description: "not a JSON list answer") }
        let apiVersion = list["apiVersion"] as? String ?? "v1"
        let metadata = list["metadata"] as? [String: Any] ?? [:]
        var raw = ProtobufWire()
        raw.field(
            1,
            ProtobufWire.listMeta(
                resourceVersion: metadata["resourceVersion"] as? String ?? "",
                continue: metadata["continue"] as? String,
                remaining: metadata["remainingItemCount"] as? Int))
        for item in list["items"] as? [Any] ?? [] {
            let bytes = try JSONSerialization.data(withJSONObject: item)
            raw.field(2, try Self.item(bytes, kind: String(listKind.dropLast(4))))
        }
        return ProtobufWire.envelope(apiVersion: apiVersion, kind: listKind, raw: raw.bytes)
    }

    /// The kind, apiVersion and `raw` of an answer in protobuf (`k8s\0` and a `runtime.Unknown`).
    public static func unwrap(_ bytes: [UInt8]) throws -> (kind: String, apiVersion: String, raw: [UInt8]) {
        guard bytes.starts(with: ProtobufWire.magic) else {
            throw Failure(description: "no k8s protobuf magic")
        }
        let envelope = try PBObjectUnknown(serializedBytes: Array(bytes.dropFirst(ProtobufWire.magic.count)))
        return (envelope.typeMeta.kind, envelope.typeMeta.apiVersion, Array(envelope.raw))
    }

    /// A `Status` error answer in protobuf.
    public static func status(code: Int, reason: String, message: String) throws -> [UInt8] {
        var status = PBObjectStatus()
        status.status = "Failure"
        status.message = message
        status.reason = reason
        status.code = Int32(code)
        status.metadata = PBObjectListMeta()
        return ProtobufWire.envelope(apiVersion: "v1", kind: "Status", raw: try status.serializedBytes())
    }

    private static let times: Set<String> = ["creationTimestamp", "deletionTimestamp", "time"]

    private static func rewrite(_ value: Any, key: String? = nil) throws -> Any {
        switch value {
        case let object as [String: Any]:
            if key == "fieldsV1" {
                let raw = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                return ["Raw": raw.base64EncodedString()]
            }
            var result: [String: Any] = [:]
            for (name, field) in object where !(field is NSNull) {
                result[name] = try rewrite(field, key: name)
            }
            return result
        case let array as [Any]:
            return try array.map { try rewrite($0, key: key) }
        case let text as String where key.map(times.contains) == true:
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw Failure(description: "\(key ?? ""): \(text) is not an RFC 3339 time")
            }
            return ["seconds": Int64(date.timeIntervalSince1970)]
        case let text as String where key == "targetPort":
            return ["type": 1, "strVal": text]
        case let number as NSNumber where key == "targetPort":
            return ["type": 0, "intVal": number.intValue]
        default:
            return value
        }
    }
}
