/// Reads `BinaryEncoder`'s output value by value, for a hand-written decoder of a type that is
/// decoded so often that `Decodable`'s generic containers cost more than the reading (a warm scan's
/// records). It reads exactly what the synthesized `Encodable` conformance wrote: a struct is a
/// keyed container of its stored properties (nil ones left out), an enum case a keyed container
/// holding one key, the case name, whose value is a keyed container of the associated values
/// (`_0` when unlabelled). Every read is bounds-checked like `BinaryDecoder`'s.
public struct BinaryReader {
    private let input: DecoderInput
    private var offset: Int
    private let end: Int

    /// Reads `bytes` with `body`, which must read one value and leave nothing after it.
    public static func read<T>(
        _ bytes: [UInt8], _ body: (inout BinaryReader) throws(BinaryCodingError) -> T
    ) throws(BinaryCodingError) -> T {
        let result: Result<T, BinaryCodingError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = BinaryReader(input: DecoderInput(buffer: buffer, maxDepth: 64), offset: 0, end: buffer.count)
            return Result { () throws(BinaryCodingError) in
                let value = try body(&reader)
                guard reader.offset == reader.end else { throw reader.fail("bytes after the value") }
                return value
            }
        }
        return try result.get()
    }

    private init(input: DecoderInput, offset: Int, end: Int) {
        self.input = input
        self.offset = offset
        self.end = end
    }

    public func fail(_ message: String) -> BinaryCodingError {
        BinaryCodingError(operation: "decode", path: "", message: message)
    }

    public mutating func string() throws(BinaryCodingError) -> String {
        let value = try input.string(at: offset, end: end, [])
        offset = try input.skip(at: offset, end: end)
        return value
    }

    public mutating func int() throws(BinaryCodingError) -> Int {
        let value = try input.int64(at: offset, end: end, [])
        offset = try input.skip(at: offset, end: end)
        guard let int = Int(exactly: value) else { throw fail("integer out of range") }
        return int
    }

    public mutating func bool() throws(BinaryCodingError) -> Bool {
        let value = try input.bool(at: offset, end: end, [])
        offset += 1
        return value
    }

    /// Steps over the next value, whatever it is.
    public mutating func skip() throws(BinaryCodingError) {
        offset = try input.skip(at: offset, end: end)
    }

    /// Calls `body` with each key of a keyed container, for it to read (or skip) the key's value.
    public mutating func keyed(
        _ body: (inout BinaryReader, String) throws(BinaryCodingError) -> Void
    ) throws(BinaryCodingError) {
        let (start, containerEnd, count) = try input.container(at: offset, end: end, tag: .keyed, [])
        var inner = BinaryReader(input: input, offset: start, end: containerEnd)
        for _ in 0..<count {
            let (key, next) = try input.keyText(at: inner.offset, end: containerEnd)
            inner.offset = next
            try body(&inner, key)
        }
        guard inner.offset == containerEnd else { throw fail("a keyed container has bytes after its last value") }
        offset = containerEnd
    }

    /// Calls `body` once per element of an array, for it to read the element.
    public mutating func array(_ body: (inout BinaryReader) throws(BinaryCodingError) -> Void) throws(BinaryCodingError)
    {
        let (start, containerEnd, count) = try input.container(at: offset, end: end, tag: .array, [])
        var inner = BinaryReader(input: input, offset: start, end: containerEnd)
        for _ in 0..<count { try body(&inner) }
        guard inner.offset == containerEnd else { throw fail("an array has bytes after its last element") }
        offset = containerEnd
    }

    public mutating func strings() throws(BinaryCodingError) -> [String] {
        var values: [String] = []
        try array { reader throws(BinaryCodingError) in values.append(try reader.string()) }
        return values
    }

    /// A `[String: String]`, which `Encodable` writes as a keyed container.
    public mutating func stringMap() throws(BinaryCodingError) -> [String: String] {
        var map: [String: String] = [:]
        try keyed { reader, key throws(BinaryCodingError) in map[key] = try reader.string() }
        return map
    }
}
