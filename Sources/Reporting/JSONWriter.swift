import Foundation
import Manifests

/// Writes `StructuredValue` as JSON: sorted keys and two-space indentation, so that output is
/// byte-for-byte stable between runs and diffs well.
///
/// The text is built as UTF-8 bytes and made a `String` once: appending to a `String` piece by
/// piece, and a quoted string one Unicode scalar at a time, made JSON the slowest output format.
public enum JSONWriter {
    public static func write(_ value: StructuredValue, pretty: Bool = true, sortKeys: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(value, indent: 0, pretty: pretty, sortKeys: sortKeys, into: &out)
        if pretty { out.append(UInt8(ascii: "\n")) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(
        _ value: StructuredValue, indent: Int, pretty: Bool, sortKeys: Bool, into out: inout [UInt8]
    ) {
        switch value {
        case .null: append("null", to: &out)
        case .bool(let flag): append(flag ? "true" : "false", to: &out)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number): out.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
        case .string(let text): JSONString.append(text, to: &out)
        case .array(let items):
            guard !items.isEmpty else {
                append("[]", to: &out)
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, pretty, &out)
                write(item, indent: indent + 1, pretty: pretty, sortKeys: sortKeys, into: &out)
            }
            newline(indent, pretty, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else {
                append("{}", to: &out)
                return
            }
            out.append(UInt8(ascii: "{"))
            let ordered = sortKeys ? members.sorted { $0.0 < $1.0 } : members
            for (index, member) in ordered.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, pretty, &out)
                JSONString.append(member.0, to: &out)
                if pretty { append(": ", to: &out) } else { out.append(UInt8(ascii: ":")) }
                write(member.1, indent: indent + 1, pretty: pretty, sortKeys: sortKeys, into: &out)
            }
            newline(indent, pretty, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A value written by `write(members:)`: a finished value, or a container whose long arrays are
    /// made an element at a time.
    indirect enum Member {
        case value(StructuredValue)
        /// An array whose elements are made one at a time, each written and dropped before the next.
        case elements(count: Int, element: @Sendable (Int) -> StructuredValue)
        case object([(String, Member)])
        case array([Member])

        var value: StructuredValue {
            switch self {
            case .value(let value): value
            case .elements(let count, let element): .array((0..<count).map(element))
            case .object(let members): .object(members.map { ($0.0, $0.1.value) })
            case .array(let items): .array(items.map(\.value))
            }
        }
    }

    /// Writes an object as `write(.object(…))` does (indented, keys sorted), byte for byte, making
    /// the elements of its long arrays only as they are written: the tree of a large report would
    /// be tens of megabytes, and writing it would run at memory speed instead of cache speed.
    static func write(members: [(String, Member)]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(.object(members), indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ member: Member, indent: Int, into out: inout [UInt8]) {
        switch member {
        case .value(let value):
            write(value, indent: indent, pretty: true, sortKeys: true, into: &out)
        case .elements(let count, let element):
            writeElements(count: count, indent: indent, into: &out, element)
        case .array(let items):
            writeArray(count: items.count, indent: indent, into: &out) { position, out in
                write(items[position], indent: indent + 1, into: &out)
            }
        case .object(let members):
            guard !members.isEmpty else {
                append("{}", to: &out)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, true, &out)
                JSONString.append(member.0, to: &out)
                append(": ", to: &out)
                write(member.1, indent: indent + 1, into: &out)
            }
            newline(indent, true, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `writeArray` of made elements. A long array (a report's services and findings) is written in
    /// one piece per core, joined in order: the same bytes, in a fraction of the time a run waits
    /// for its report at the end.
    private static func writeElements(
        count: Int, indent: Int, into out: inout [UInt8], _ element: @Sendable (Int) -> StructuredValue
    ) {
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, count / elementsPerPart)
        @Sendable func writeElement(_ position: Int, _ out: inout [UInt8]) {
            write(element(position), indent: indent + 1, pretty: true, sortKeys: true, into: &out)
        }
        guard parts > 1 else {
            writeArray(count: count, indent: indent, into: &out, element: writeElement)
            return
        }
        let pieces = Concurrently.map(parts) { part -> [UInt8] in
            var piece: [UInt8] = []
            writeItems(
                (count * part / parts)..<(count * (part + 1) / parts), indent: indent, into: &piece, writeElement)
            return piece
        }
        out.append(UInt8(ascii: "["))
        for piece in pieces { out.append(contentsOf: piece) }
        newline(indent, true, &out)
        out.append(UInt8(ascii: "]"))
    }

    /// Below twice this, an array is written in one piece.
    private static let elementsPerPart = 128

    private static func writeArray(
        count: Int, indent: Int, into out: inout [UInt8], element: (Int, inout [UInt8]) -> Void
    ) {
        guard count > 0 else {
            append("[]", to: &out)
            return
        }
        out.append(UInt8(ascii: "["))
        writeItems(0..<count, indent: indent, into: &out, element)
        newline(indent, true, &out)
        out.append(UInt8(ascii: "]"))
    }

    /// The items at `positions` of an array, each after its comma (but the first) and its line.
    private static func writeItems(
        _ positions: Range<Int>, indent: Int, into out: inout [UInt8], _ element: (Int, inout [UInt8]) -> Void
    ) {
        for position in positions {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            newline(indent + 1, true, &out)
            element(position, &out)
        }
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func newline(_ indent: Int, _ pretty: Bool, _ out: inout [UInt8]) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

}
