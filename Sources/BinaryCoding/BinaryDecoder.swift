import Foundation

/// Reads what `BinaryEncoder` wrote. Every read is bounds-checked: a cut or corrupt input throws
/// `BinaryCodingError`, never traps, and nesting is bounded (`maxDepth`), so a cache can hand it
/// whatever it found on disk.
public struct BinaryDecoder {
    /// Containers inside containers; the values the caches store nest a few dozen deep at most.
    public var maxDepth = 2_000

    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(BinaryCodingError) -> T {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                let input = DecoderInput(buffer: buffer, maxDepth: maxDepth)
                let state = DecoderState(input: input, offset: 0, end: buffer.count, parent: nil, key: nil, depth: 0)
                let value = try T(from: state)
                // Trailing bytes mean this is not what was written.
                guard try input.skip(at: 0, end: buffer.count) == buffer.count else {
                    throw BinaryCodingError(operation: "decode", path: "", message: "bytes after the value")
                }
                return value
            }
        } catch let error as BinaryCodingError {
            throw error
        } catch {
            throw BinaryCodingError(operation: "decode", path: "", message: "\(error)")
        }
    }
}

/// The bytes being decoded. Only alive inside `BinaryDecoder.decode`, which owns the buffer.
final class DecoderInput {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.buffer = buffer
        self.maxDepth = maxDepth
    }

    func fail(_ message: String, _ path: [any CodingKey]) -> BinaryCodingError {
        BinaryCodingError(
            operation: "decode",
            path: path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "."),
            message: message)
    }

    func byte(at offset: Int, end: Int) throws(BinaryCodingError) -> UInt8 {
        guard offset >= 0, offset < end, end <= buffer.count else { throw fail("cut short", []) }
        return buffer[offset]
    }

    /// A varint at `offset` and the offset after it.
    func varint(at offset: Int, end: Int) throws(BinaryCodingError) -> (UInt64, Int) {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            let byte = try self.byte(at: position, end: end)
            position += 1
            guard shift < 64 else { throw fail("varint too long", []) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return (value, position) }
            shift += 7
        }
    }

    /// A length that must fit between `offset` and `end`.
    func length(at offset: Int, end: Int) throws(BinaryCodingError) -> (Int, Int) {
        let (value, next) = try varint(at: offset, end: end)
        guard value <= UInt64(end - next) else { throw fail("length past the end", []) }
        return (Int(value), next)
    }

    /// A container's four-byte length that must fit between `offset + 4` and `end`.
    func fixedLength(at offset: Int, end: Int) throws(BinaryCodingError) -> (Int, Int) {
        guard offset >= 0, offset + 4 <= end, end <= buffer.count else { throw fail("cut short", []) }
        let length =
            Int(buffer[offset]) | Int(buffer[offset + 1]) << 8 | Int(buffer[offset + 2]) << 16
            | Int(buffer[offset + 3]) << 24
        guard length <= end - offset - 4 else { throw fail("length past the end", []) }
        return (length, offset + 4)
    }

    /// The offset just after the value whose tag is at `offset`.
    func skip(at offset: Int, end: Int) throws(BinaryCodingError) -> Int {
        guard let tag = BinaryTag(rawValue: try byte(at: offset, end: end)) else { throw fail("unknown tag", []) }
        switch tag {
        case .null, .false, .true: return offset + 1
        case .int, .uint: return try varint(at: offset + 1, end: end).1
        case .double:
            guard offset + 9 <= end else { throw fail("cut short", []) }
            return offset + 9
        case .string:
            let (count, start) = try length(at: offset + 1, end: end)
            return start + count
        case .array, .keyed:
            let (count, start) = try fixedLength(at: offset + 1, end: end)
            return start + count
        }
    }

    /// The container body of the value at `offset`: where its elements start, where it ends, and
    /// how many there are.
    func container(
        at offset: Int, end: Int, tag expected: BinaryTag, _ path: @autoclosure () -> [any CodingKey]
    ) throws(BinaryCodingError) -> (start: Int, end: Int, count: Int) {
        let tag = try byte(at: offset, end: end)
        guard tag == expected.rawValue else {
            throw fail("expected \(expected == .array ? "an array" : "a keyed container"), found tag \(tag)", path())
        }
        let (size, body) = try fixedLength(at: offset + 1, end: end)
        let (count, first) = try varint(at: body, end: body + size)
        // Every element takes at least one byte: a larger count is corrupt.
        guard count <= UInt64(body + size - first) else { throw fail("element count past the end", path()) }
        return (first, body + size, Int(count))
    }

    func string(
        at offset: Int, end: Int, _ path: @autoclosure () -> [any CodingKey]
    ) throws(BinaryCodingError) -> String {
        guard try byte(at: offset, end: end) == BinaryTag.string.rawValue else {
            throw fail("expected a string", path())
        }
        let (count, start) = try length(at: offset + 1, end: end)
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<(start + count)]), as: UTF8.self)
    }

    func int64(at offset: Int, end: Int, _ path: @autoclosure () -> [any CodingKey]) throws(BinaryCodingError) -> Int64
    {
        let tag = try byte(at: offset, end: end)
        let (raw, _) = try varint(at: offset + 1, end: end)
        switch tag {
        case BinaryTag.int.rawValue: return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        case BinaryTag.uint.rawValue:
            guard raw <= UInt64(Int64.max) else { throw fail("number out of range", path()) }
            return Int64(raw)
        default: throw fail("expected a number", path())
        }
    }

    func uint64(
        at offset: Int, end: Int, _ path: @autoclosure () -> [any CodingKey]
    ) throws(BinaryCodingError) -> UInt64 {
        let tag = try byte(at: offset, end: end)
        if tag == BinaryTag.uint.rawValue { return try varint(at: offset + 1, end: end).0 }
        let signed = try int64(at: offset, end: end, path())
        guard signed >= 0 else { throw fail("number out of range", path()) }
        return UInt64(signed)
    }

    func bool(at offset: Int, end: Int, _ path: @autoclosure () -> [any CodingKey]) throws(BinaryCodingError) -> Bool {
        switch try byte(at: offset, end: end) {
        case BinaryTag.true.rawValue: return true
        case BinaryTag.false.rawValue: return false
        default: throw fail("expected a boolean", path())
        }
    }

    func double(
        at offset: Int, end: Int, _ path: @autoclosure () -> [any CodingKey]
    ) throws(BinaryCodingError) -> Double {
        guard try byte(at: offset, end: end) == BinaryTag.double.rawValue, offset + 9 <= end else {
            throw fail("expected a number with a fraction", path())
        }
        var bits: UInt64 = 0
        for index in (0..<8).reversed() { bits = bits << 8 | UInt64(buffer[offset + 1 + index]) }
        return Double(bitPattern: bits)
    }

    func isNull(at offset: Int, end: Int) throws(BinaryCodingError) -> Bool {
        try byte(at: offset, end: end) == BinaryTag.null.rawValue
    }

    /// Whether the key text at `offset` (length-prefixed) is `name`, and where its value starts.
    func key(at offset: Int, end: Int, equals name: inout String) throws(BinaryCodingError) -> (Bool, Int) {
        let (count, start) = try length(at: offset, end: end)
        let equal = name.withUTF8 { wanted -> Bool in
            guard wanted.count == count else { return false }
            guard count > 0, let left = wanted.baseAddress, let right = buffer.baseAddress else { return true }
            return memcmp(left, right + start, count) == 0
        }
        return (equal, start + count)
    }

    func keyText(at offset: Int, end: Int) throws(BinaryCodingError) -> (String, Int) {
        let (count, start) = try length(at: offset, end: end)
        return (
            String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<(start + count)]), as: UTF8.self),
            start + count
        )
    }

    /// `T` from the value at `offset` inside `parent` (under `key`): common scalars directly,
    /// anything else through `init(from:)`.
    func decode<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, parent: DecoderState, key: any CodingKey
    ) throws -> T {
        if T.self == String.self, let value = try string(at: offset, end: end, parent.codingPath + [key]) as? T {
            return value
        }
        if T.self == Int.self,
            let value = Int(exactly: try int64(at: offset, end: end, parent.codingPath + [key])) as? T
        {
            return value
        }
        if T.self == Bool.self, let value = try bool(at: offset, end: end, parent.codingPath + [key]) as? T {
            return value
        }
        return try T(from: parent.child(at: offset, end: end, key: key))
    }
}

/// The `Decoder` for one value: where its tag is, the end of what encloses it, and how it was
/// reached (its coding path is only spelled out for an error).
final class DecoderState: Decoder {
    let input: DecoderInput
    let offset: Int
    let end: Int
    let parent: DecoderState?
    let key: (any CodingKey)?
    let depth: Int
    /// Where the next key of this value's keyed container is expected: synthesized code asks for
    /// keys in the order they were written, so a search from here usually finds its key first.
    var cursorPosition = -1
    var cursorIndex = 0
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(input: DecoderInput, offset: Int, end: Int, parent: DecoderState?, key: (any CodingKey)?, depth: Int) {
        self.input = input
        self.offset = offset
        self.end = end
        self.parent = parent
        self.key = key
        self.depth = depth
    }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = []
        var state: DecoderState? = self
        while let current = state {
            if let key = current.key { keys.append(key) }
            state = current.parent
        }
        return keys.reversed()
    }

    func child(at offset: Int, end: Int, key: any CodingKey) throws(BinaryCodingError) -> DecoderState {
        guard depth < input.maxDepth else { throw input.fail("nested too deeply", codingPath + [key]) }
        return DecoderState(input: input, offset: offset, end: end, parent: self, key: key, depth: depth + 1)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let body = try input.container(at: offset, end: end, tag: .keyed, codingPath)
        return KeyedDecodingContainer(
            KeyedDecoding<Key>(state: self, start: body.start, end: body.end, count: body.count))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let body = try input.container(at: offset, end: end, tag: .array, codingPath)
        return UnkeyedDecoding(state: self, position: body.start, end: body.end, count: body.count)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueDecoding(state: self)
    }
}

struct KeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: DecoderState
    let start: Int
    let end: Int
    let count: Int
    private var input: DecoderInput { state.input }
    var codingPath: [any CodingKey] { state.codingPath }

    init(state: DecoderState, start: Int, end: Int, count: Int) {
        self.state = state
        self.start = start
        self.end = end
        self.count = count
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var position = start
        for _ in 0..<count {
            guard let (name, value) = try? input.keyText(at: position, end: end),
                let next = try? input.skip(at: value, end: end)
            else { break }
            if let key = Key(stringValue: name) { keys.append(key) }
            position = next
        }
        return keys
    }

    /// The offset of `key`'s value; with `advance`, the cursor moves past it.
    private func locate(_ key: Key, advance: Bool) throws(BinaryCodingError) -> Int? {
        var name = key.stringValue
        var position = state.cursorPosition < 0 ? start : state.cursorPosition
        var index = state.cursorIndex
        for _ in 0..<count {
            if index >= count {
                position = start
                index = 0
            }
            let (equal, value) = try input.key(at: position, end: end, equals: &name)
            let next = try input.skip(at: value, end: end)
            if equal {
                if advance {
                    state.cursorPosition = next
                    state.cursorIndex = index + 1
                }
                return value
            }
            position = next
            index += 1
        }
        return nil
    }

    private func value(_ key: Key) throws -> Int {
        guard let offset = try locate(key, advance: true) else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "no value for this key"))
        }
        return offset
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func contains(_ key: Key) -> Bool { (try? locate(key, advance: false)) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try input.isNull(at: try value(key), end: end) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try input.bool(at: try value(key), end: end, path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try input.string(at: try value(key), end: end, path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try input.double(at: try value(key), end: end, path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try input.double(at: try value(key), end: end, path(key)))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try unsigned(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try unsigned(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try unsigned(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try unsigned(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try unsigned(key) }

    private func integer<T: FixedWidthInteger & SignedInteger>(_ key: Key) throws -> T {
        guard let number = T(exactly: try input.int64(at: try value(key), end: end, path(key))) else {
            throw input.fail("number out of range", path(key))
        }
        return number
    }

    private func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ key: Key) throws -> T {
        guard let number = T(exactly: try input.uint64(at: try value(key), end: end, path(key))) else {
            throw input.fail("number out of range", path(key))
        }
        return number
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try input.decode(T.self, at: try value(key), end: end, parent: state, key: key)
    }

    // One search instead of the three of the default `contains`, `decodeNil`, `decode`.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let offset = try present(key) else { return nil }
        return try input.decode(T.self, at: offset, end: end, parent: state, key: key)
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let offset = try present(key) else { return nil }
        return try input.string(at: offset, end: end, path(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let offset = try present(key) else { return nil }
        guard let number = Int(exactly: try input.int64(at: offset, end: end, path(key))) else {
            throw input.fail("number out of range", path(key))
        }
        return number
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let offset = try present(key) else { return nil }
        return try input.bool(at: offset, end: end, path(key))
    }

    /// The offset of `key`'s value unless it is absent or null.
    private func present(_ key: Key) throws -> Int? {
        guard let offset = try locate(key, advance: true), !(try input.isNull(at: offset, end: end)) else {
            return nil
        }
        return offset
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try state.child(at: try value(key), end: end, key: key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try state.child(at: try value(key), end: end, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let key = Key(stringValue: "super") else { throw input.fail("no key named super", codingPath) }
        return try superDecoder(forKey: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try state.child(at: try value(key), end: end, key: key)
    }
}

struct UnkeyedDecoding: UnkeyedDecodingContainer {
    let state: DecoderState
    var position: Int
    let end: Int
    let elementCount: Int
    private(set) var currentIndex = 0
    private var input: DecoderInput { state.input }
    var codingPath: [any CodingKey] { state.codingPath }

    init(state: DecoderState, position: Int, end: Int, count: Int) {
        self.state = state
        self.position = position
        self.end = end
        self.elementCount = count
    }

    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    /// The offset of the next element and its key; moves past it.
    private mutating func next() throws -> (Int, IndexKey) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, DecodingError.Context(codingPath: codingPath, debugDescription: "no more elements"))
        }
        let offset = position
        let key = IndexKey(currentIndex)
        position = try input.skip(at: offset, end: end)
        currentIndex += 1
        return (offset, key)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, try input.isNull(at: position, end: end) else { return false }
        _ = try next()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let (offset, key) = try next()
        return try input.bool(at: offset, end: end, codingPath + [key])
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let (offset, key) = try next()
        return try input.string(at: offset, end: end, codingPath + [key])
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let (offset, key) = try next()
        return try input.double(at: offset, end: end, codingPath + [key])
    }
    mutating func decode(_ type: Int.Type) throws -> Int {
        let (offset, key) = try next()
        guard let number = Int(exactly: try input.int64(at: offset, end: end, codingPath + [key])) else {
            throw input.fail("number out of range", codingPath + [key])
        }
        return number
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (offset, key) = try next()
        return try input.decode(T.self, at: offset, end: end, parent: state, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try nestedState().container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nestedState().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try nestedState() }

    private mutating func nestedState() throws -> DecoderState {
        let (offset, key) = try next()
        return try state.child(at: offset, end: end, key: key)
    }
}

struct SingleValueDecoding: SingleValueDecodingContainer {
    let state: DecoderState
    var codingPath: [any CodingKey] { state.codingPath }
    private var input: DecoderInput { state.input }

    func decodeNil() -> Bool { (try? input.isNull(at: state.offset, end: state.end)) ?? false }
    func decode(_ type: Bool.Type) throws -> Bool { try input.bool(at: state.offset, end: state.end, codingPath) }
    func decode(_ type: String.Type) throws -> String {
        try input.string(at: state.offset, end: state.end, codingPath)
    }
    func decode(_ type: Double.Type) throws -> Double {
        try input.double(at: state.offset, end: state.end, codingPath)
    }
    func decode(_ type: Float.Type) throws -> Float {
        Float(try input.double(at: state.offset, end: state.end, codingPath))
    }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try unsigned() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unsigned() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unsigned() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unsigned() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unsigned() }

    private func integer<T: FixedWidthInteger & SignedInteger>() throws -> T {
        guard let number = T(exactly: try input.int64(at: state.offset, end: state.end, codingPath)) else {
            throw input.fail("number out of range", codingPath)
        }
        return number
    }

    private func unsigned<T: FixedWidthInteger & UnsignedInteger>() throws -> T {
        guard let number = T(exactly: try input.uint64(at: state.offset, end: state.end, codingPath)) else {
            throw input.fail("number out of range", codingPath)
        }
        return number
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // One level deeper, like any nested value: a type that decodes itself from its own
        // single-value container would otherwise recurse forever.
        try T(from: state.child(at: state.offset, end: state.end, key: NameKey("")))
    }
}
