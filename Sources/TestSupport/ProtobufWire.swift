/// Writes protobuf's wire format by hand where a message type would only copy bytes around: a
/// list page is its metadata followed by items already encoded, each a length-delimited field.
public struct ProtobufWire {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A length-delimited field (wire type 2): a string, bytes or an embedded message.
    public mutating func field(_ number: Int, _ value: some Collection<UInt8>) {
        varint(UInt64(number << 3 | 2))
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func field(_ number: Int, _ text: String) { field(number, Array(text.utf8)) }

    /// Bytes as they are: a fixed-size value, or something that is not protobuf at all.
    public mutating func append(_ raw: some Collection<UInt8>) { bytes.append(contentsOf: raw) }

    /// A varint field (wire type 0).
    public mutating func field(_ number: Int, varint value: UInt64) {
        varint(UInt64(number << 3))
        varint(value)
    }

    /// What every protobuf answer of the API server starts with: `k8s\0`.
    public static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Bytes `k8s\0` and a `runtime.Unknown` holding `raw`: how the API server frames every
    /// protobuf answer (lists, objects, Status).
    public static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        var typeMeta = ProtobufWire()
        typeMeta.field(1, apiVersion)
        typeMeta.field(2, kind)
        var unknown = ProtobufWire()
        unknown.bytes = magic
        unknown.field(1, typeMeta.bytes)
        unknown.field(2, raw)
        unknown.field(3, "")
        unknown.field(4, "")
        return unknown.bytes
    }

    /// The list metadata message (`ListMeta`).
    public static func listMeta(resourceVersion: String, continue token: String?, remaining: Int?) -> [UInt8] {
        var meta = ProtobufWire()
        meta.field(2, resourceVersion)
        if let token { meta.field(3, token) }
        if let remaining { meta.field(4, varint: UInt64(remaining)) }
        return meta.bytes
    }
}
