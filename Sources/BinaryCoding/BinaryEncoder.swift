/// Encodes `Encodable` values into a compact, self-describing binary form that `BinaryDecoder`
/// reads several times faster than JSON: the blob and scan caches store what the scanner learned
/// this way, and a warm scan spends most of its time decoding it.
///
/// Every value starts with a tag byte (`BinaryTag`); strings carry their length as a varint and
/// containers as four bytes, so a reader can step over a value it does not want without looking
/// inside. A container may not exceed 4 GiB (`encode` throws). Keys keep the order they
/// were encoded in, which is the order synthesized `Decodable` code asks for them.
public struct BinaryEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws(BinaryCodingError) -> [UInt8] {
        let encoder = EncoderState(codingPath: [])
        do {
            try value.encode(to: encoder)
        } catch let error as BinaryCodingError {
            throw error
        } catch {
            throw BinaryCodingError(operation: "encode", path: "", message: "\(error)")
        }
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        (encoder.root ?? .keyed(KeyedBox())).write(into: &output)
        guard output.count <= Int(UInt32.max) else {
            throw BinaryCodingError(operation: "encode", path: "", message: "over 4 GiB")
        }
        return output
    }
}

/// A value while it is being encoded: containers are classes so that a nested container handed
/// out by `Encoder` can still be filled after its parent has stored it.
enum EncodedValue {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array(ArrayBox)
    case keyed(KeyedBox)

    func write(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(BinaryTag.null.rawValue)
        case .bool(let value): output.append(value ? BinaryTag.true.rawValue : BinaryTag.false.rawValue)
        case .int(let value):
            output.append(BinaryTag.int.rawValue)
            // Zigzag: small negative numbers stay short.
            Varint.append(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &output)
        case .uint(let value):
            output.append(BinaryTag.uint.rawValue)
            Varint.append(value, to: &output)
        case .double(let value):
            output.append(BinaryTag.double.rawValue)
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { output.append(contentsOf: $0) }
        case .string(let value):
            output.append(BinaryTag.string.rawValue)
            Self.writeText(value, into: &output)
        case .array(let box):
            output.append(BinaryTag.array.rawValue)
            let patch = Self.reserveLength(in: &output)
            Varint.append(UInt64(box.items.count), to: &output)
            for item in box.items { item.write(into: &output) }
            Self.patchLength(at: patch, in: &output)
        case .keyed(let box):
            output.append(BinaryTag.keyed.rawValue)
            let patch = Self.reserveLength(in: &output)
            Varint.append(UInt64(box.keys.count), to: &output)
            for (key, value) in zip(box.keys, box.values) {
                Self.writeText(key, into: &output)
                value.write(into: &output)
            }
            Self.patchLength(at: patch, in: &output)
        }
    }

    /// A container's length is written after its body, into four bytes kept for it (little
    /// endian), so that the body is written in place rather than built apart and copied.
    private static func reserveLength(in output: inout [UInt8]) -> Int {
        output.append(contentsOf: [0, 0, 0, 0])
        return output.count
    }

    private static func patchLength(at start: Int, in output: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: output.count - start)
        for index in 0..<4 { output[start - 4 + index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
    }

    private static func writeText(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            Varint.append(UInt64(bytes.count), to: &output)
            output.append(contentsOf: bytes)
        }
    }
}

final class ArrayBox {
    var items: [EncodedValue] = []
}

final class KeyedBox {
    var keys: [String] = []
    var values: [EncodedValue] = []

    func set(_ key: String, _ value: EncodedValue) {
        // A key encoded twice keeps its last value, as JSONEncoder does.
        if let index = keys.lastIndex(of: key) {
            values[index] = value
        } else {
            keys.append(key)
            values.append(value)
        }
    }
}

/// The `Encoder` handed to `encode(to:)`: holds the one value it was asked to make.
final class EncoderState: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var root: EncodedValue?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed(let box) = root {
            return KeyedEncodingContainer(KeyedEncoding(box: box, codingPath: codingPath))
        }
        let box = KeyedBox()
        root = .keyed(box)
        return KeyedEncodingContainer(KeyedEncoding(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let box) = root { return UnkeyedEncoding(box: box, codingPath: codingPath) }
        let box = ArrayBox()
        root = .array(box)
        return UnkeyedEncoding(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncoding(state: self)
    }

    /// `value` as an `EncodedValue`: scalars directly, anything else through its `encode(to:)`.
    static func box<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> EncodedValue {
        switch value {
        case let text as String: return .string(text)
        case let number as Int: return .int(Int64(number))
        case let flag as Bool: return .bool(flag)
        case let number as Double: return .double(number)
        default:
            let nested = EncoderState(codingPath: codingPath)
            try value.encode(to: nested)
            return nested.root ?? .keyed(KeyedBox())
        }
    }
}

struct KeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: KeyedBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { box.set(key.stringValue, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { box.set(key.stringValue, .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key.stringValue, .int(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(key.stringValue, .uint(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try EncoderState.box(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = KeyedBox()
        box.set(key.stringValue, .keyed(nested))
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.set(key.stringValue, .array(nested))
        return UnkeyedEncoding(box: nested, codingPath: codingPath + [key])
    }

    /// Under the key `super`, the name JSONEncoder uses.
    mutating func superEncoder() -> any Encoder { superEncoder(named: NameKey("super")) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let nested = KeyedBox()
        box.set(key.stringValue, .keyed(nested))
        let state = EncoderState(codingPath: codingPath + [key])
        state.root = .keyed(nested)
        return state
    }
}

struct UnkeyedEncoding: UnkeyedEncodingContainer {
    let box: ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.null) }
    mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.items.append(.double(value)) }
    mutating func encode(_ value: Int) throws { box.items.append(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { box.items.append(.int(value)) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        box.items.append(try EncoderState.box(value, codingPath: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = KeyedBox()
        box.items.append(.keyed(nested))
        return KeyedEncodingContainer(KeyedEncoding<NestedKey>(box: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.items.append(.array(nested))
        return UnkeyedEncoding(box: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = KeyedBox()
        box.items.append(.keyed(nested))
        let state = EncoderState(codingPath: codingPath)
        state.root = .keyed(nested)
        return state
    }
}

struct SingleValueEncoding: SingleValueEncodingContainer {
    let state: EncoderState
    var codingPath: [any CodingKey] { state.codingPath }

    mutating func encodeNil() throws { state.root = .null }
    mutating func encode(_ value: Bool) throws { state.root = .bool(value) }
    mutating func encode(_ value: String) throws { state.root = .string(value) }
    mutating func encode(_ value: Double) throws { state.root = .double(value) }
    mutating func encode(_ value: Float) throws { state.root = .double(Double(value)) }
    mutating func encode(_ value: Int) throws { state.root = .int(Int64(value)) }
    mutating func encode(_ value: Int8) throws { state.root = .int(Int64(value)) }
    mutating func encode(_ value: Int16) throws { state.root = .int(Int64(value)) }
    mutating func encode(_ value: Int32) throws { state.root = .int(Int64(value)) }
    mutating func encode(_ value: Int64) throws { state.root = .int(value) }
    mutating func encode(_ value: UInt) throws { state.root = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { state.root = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { state.root = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { state.root = .uint(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { state.root = .uint(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        state.root = try EncoderState.box(value, codingPath: codingPath)
    }
}

/// The key of an array element in a coding path.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { intValue.map { "\($0)" } ?? "" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// A key known only by its name (`super`).
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The first byte of every encoded value.
enum BinaryTag: UInt8 {
    case null = 0
    case `false` = 1
    case `true` = 2
    case int = 3
    case uint = 4
    case double = 5
    case string = 6
    case array = 7
    case keyed = 8
}

enum Varint {
    static func append(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }
}
