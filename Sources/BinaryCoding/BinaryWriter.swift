/// Writes the `BinaryEncoder` format by hand, byte for byte what `BinaryEncoder` writes from a
/// synthesized `Encodable` when the caller states the same keys in the same order: a cold scan
/// stores every record and file it reads, and the generic encoder's box tree cost more than the
/// bytes themselves. Callers say how many keys or items a container holds before writing them.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []

    /// Whether what was written is within the format's 4 GiB (`BinaryEncoder` throws beyond).
    public var fitsFormat: Bool { bytes.count <= Int(UInt32.max) }

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func string(_ text: String) {
        bytes.append(BinaryTag.string.rawValue)
        append(text: text)
    }

    public mutating func int(_ value: Int) {
        bytes.append(BinaryTag.int.rawValue)
        let value = Int64(value)
        Varint.append(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &bytes)
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(value ? BinaryTag.true.rawValue : BinaryTag.false.rawValue)
    }

    /// A keyed container of `count` keys, each written by `body` as `key(_:)` then its value.
    public mutating func keyed(count: Int, _ body: (inout BinaryWriter) -> Void) {
        bytes.append(BinaryTag.keyed.rawValue)
        container(count: count, body)
    }

    /// A key of the keyed container being written; its value follows.
    public mutating func key(_ name: String) {
        append(text: name)
    }

    /// An array of `count` items, each written by `body`.
    public mutating func array(count: Int, _ body: (inout BinaryWriter) -> Void) {
        bytes.append(BinaryTag.array.rawValue)
        container(count: count, body)
    }

    public mutating func strings(_ texts: [String]) {
        array(count: texts.count) { writer in
            for text in texts { writer.string(text) }
        }
    }

    /// A `[String: String]` as its `Encodable` conformance writes it: keyed, in the dictionary's order.
    public mutating func stringMap(_ map: [String: String]) {
        keyed(count: map.count) { writer in
            for (key, value) in map {
                writer.key(key)
                writer.string(value)
            }
        }
    }

    /// A value `BinaryEncoder` wrote on its own: the same bytes as when it is nested.
    public mutating func encoded(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    /// The length (four bytes, little endian, patched after the body), the count, the body.
    private mutating func container(count: Int, _ body: (inout BinaryWriter) -> Void) {
        bytes.append(contentsOf: [0, 0, 0, 0])
        let start = bytes.count
        Varint.append(UInt64(count), to: &bytes)
        body(&self)
        let length = UInt32(truncatingIfNeeded: bytes.count - start)
        for index in 0..<4 { bytes[start - 4 + index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
    }

    private mutating func append(text: String) {
        var text = text
        text.withUTF8 { utf8 in
            Varint.append(UInt64(utf8.count), to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }
}
