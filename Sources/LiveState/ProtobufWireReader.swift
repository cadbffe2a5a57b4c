#if canImport(Glibc)
    import Glibc
#endif

/// A cursor over protobuf's wire format (https://protobuf.dev/programming-guides/encoding/), read by
/// hand: the few fields a check keeps are taken straight into the model, and everything else, an
/// item left out included, is stepped over by its length without being looked at. Generated
/// message types (swift-protobuf) copy every field and nested message into its own value first,
/// which cost as much as reading the JSON.
///
/// Every read checks its bounds: a cut or corrupt answer throws, never reads past the end.
struct ProtobufWireReader {
    /// The wire types this reader knows; groups (3, 4) are not written by Kubernetes.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    struct Field {
        var number: UInt64
        var type: WireType
    }

    private let buffer: UnsafeRawBufferPointer
    private var base: UnsafeRawPointer? { buffer.baseAddress }
    private var position: Int
    private let end: Int

    /// The whole of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes, range: 0..<bytes.count)
    }

    /// `range` of `bytes` (a message nested in a larger buffer).
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        buffer = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    /// The next field's number and wire type; nil at the end of the message.
    mutating func field() throws(Failure) -> Field? {
        guard position < end else { return nil }
        let key = try varint()
        guard let type = WireType(rawValue: UInt8(key & 7)) else {
            throw Failure("wire type \(key & 7) at byte \(position) is not one Kubernetes writes")
        }
        let number = key >> 3
        guard number > 0 else { throw Failure("field number 0 at byte \(position)") }
        return Field(number: number, type: type)
    }

    /// Nearly every varint of an answer (field keys, small lengths and numbers) is one byte: that
    /// one is read inline, the longer ones by `longVarint()`.
    @inline(__always)
    mutating func varint() throws(Failure) -> UInt64 {
        if position < end, let base {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            if byte < 0x80 {
                position += 1
                return UInt64(byte)
            }
        }
        return try longVarint()
    }

    @inline(never)
    private mutating func longVarint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, let base else { throw Failure("a number is cut off at byte \(position)") }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            if shift == 63 && byte > 1 { throw Failure("a number is longer than 64 bits at byte \(position)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// A length-delimited field's bytes, as a range of the buffer.
    mutating func lengthDelimited() throws(Failure) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw Failure("a field of \(length) bytes at byte \(position) runs past the end (\(end - position) left)")
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Steps over a field of `type` without reading it.
    mutating func skip(_ type: WireType) throws(Failure) {
        switch type {
        case .varint: _ = try varint()
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        }
    }

    private mutating func advance(_ count: Int) throws(Failure) {
        guard end - position >= count else { throw Failure("a fixed-size field is cut off at byte \(position)") }
        position += count
    }

    // MARK: Typed values (the field's wire type checked)

    mutating func string(_ field: Field) throws(Failure) -> String {
        // `text` has checked that it is valid UTF-8: decoding replaces nothing.
        String(decoding: self[try text(field)], as: UTF8.self)
    }

    /// Where a string field's text lies, checked to be valid UTF-8 but not made into a String.
    mutating func text(_ field: Field) throws(Failure) -> Range<Int> {
        let range = try bytes(field)
        let raw = self[range]
        // Nearly every string of these objects is ASCII: checked in one pass, without the generic
        // validation, which took a third of the reading.
        let valid: Bool = raw.withMemoryRebound(to: UInt8.self) { text in
            var bits: UInt8 = 0
            for byte in text { bits |= byte }
            return bits < 0x80 || String(validating: text, as: UTF8.self) != nil
        }
        guard valid else { throw Failure("field \(field.number) at byte \(range.lowerBound) is not valid UTF-8") }
        return range
    }

    /// The bytes at `range` of the buffer this reader reads (a range it gave).
    subscript(range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base, !range.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Whether a length-delimited field holds exactly `expected`, compared without making a String.
    mutating func bytesEqual(_ field: Field, _ expected: [UInt8]) throws(Failure) -> Bool {
        let range = try bytes(field)
        guard range.count == expected.count else { return false }
        guard let base, !range.isEmpty else { return true }
        return expected.withUnsafeBytes { other in
            guard let start = other.baseAddress else { return false }
            return memcmp(base + range.lowerBound, start, range.count) == 0
        }
    }

    /// A nested message's range, to read with a cursor of its own.
    mutating func bytes(_ field: Field) throws(Failure) -> Range<Int> {
        guard field.type == .lengthDelimited else { throw wrongType(field) }
        return try lengthDelimited()
    }

    /// `int32`: written as a 64-bit varint, negative numbers sign-extended; truncated as protobuf does.
    mutating func int32(_ field: Field) throws(Failure) -> Int {
        guard field.type == .varint else { throw wrongType(field) }
        return Int(Int32(truncatingIfNeeded: try varint()))
    }

    mutating func int64(_ field: Field) throws(Failure) -> Int64 {
        guard field.type == .varint else { throw wrongType(field) }
        return Int64(bitPattern: try varint())
    }

    mutating func bool(_ field: Field) throws(Failure) -> Bool {
        guard field.type == .varint else { throw wrongType(field) }
        return try varint() != 0
    }

    /// A cursor over the nested message `field` holds.
    mutating func message(_ field: Field) throws(Failure) -> ProtobufWireReader {
        ProtobufWireReader(buffer, range: try bytes(field))
    }

    private func wrongType(_ field: Field) -> Failure {
        Failure(
            "field \(field.number) before byte \(position) has wire type \(field.type.rawValue), not the one its schema gives"
        )
    }

    /// Why bytes could not be read.
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
