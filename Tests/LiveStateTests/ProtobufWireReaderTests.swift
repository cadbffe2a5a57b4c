import TestSupport
import Testing

@testable import LiveState

/// `ProtobufWireReader`'s varints: the one-byte ones are read inline, the longer ones by a loop of
/// their own, and neither reads past the end of the message the reader was given.
@Suite("Protobuf varints")
struct ProtobufWireReaderTests {
    @Test(
        "every length of varint reads as the number written",
        arguments: [0, 1, 0x7F, 0x80, 300, 16_383, 16_384, 1 << 35, UInt64.max - 1, UInt64.max])
    func lengths(value: UInt64) throws {
        var wire = ProtobufWire()
        wire.varint(value)
        wire.varint(5)
        let read = try Self.varints(wire.bytes, count: 2)
        #expect(read == [value, 5])
    }

    @Test("a varint at the end of a nested message is not read from the bytes after it")
    func endOfRange() throws {
        // One byte of a three-byte buffer, then the reader's end: the next byte (a one-byte varint)
        // belongs to the outer message.
        let bytes: [UInt8] = [0x05, 0x07, 0x01]
        let (first, second) = bytes.withUnsafeBytes { buffer in
            var reader = ProtobufWireReader(buffer, range: 0..<1)
            let first = Result { () throws(ProtobufWireReader.Failure) in try reader.varint() }
            let second = Result { () throws(ProtobufWireReader.Failure) in try reader.varint() }
            return (first, second)
        }
        #expect(try first.get() == 5)
        #expect(throws: ProtobufWireReader.Failure.self) { try second.get() }
    }

    @Test("a varint cut off by the end of the message is refused", arguments: [[0x80], [0xFF, 0xFF], [UInt8]()])
    func cutOff(bytes: [UInt8]) {
        #expect(throws: ProtobufWireReader.Failure.self) { try Self.varints(bytes, count: 1) }
    }

    static func varints(_ bytes: [UInt8], count: Int) throws(ProtobufWireReader.Failure) -> [UInt64] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtobufWireReader.Failure) -> [UInt64] in
                var reader = ProtobufWireReader(buffer)
                return try (0..<count).map { _ throws(ProtobufWireReader.Failure) in try reader.varint() }
            }
        }
        return try result.get()
    }
}
