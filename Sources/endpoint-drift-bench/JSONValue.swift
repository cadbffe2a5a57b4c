/// A JSON value with ordered members, for writing the generated live state: compact (as the API
/// server answers) or indented by four spaces (as `kubectl get -o json` prints).
indirect enum JSONValue {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    func compact(into out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.compact(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(member.0, into: &out)
                out.append(UInt8(ascii: ":"))
                member.1.compact(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    func pretty(indent: Int, into out: inout [UInt8]) {
        switch self {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                out.append(contentsOf: (index > 0 ? ",\n" : "\n").utf8)
                Self.spaces(indent + 4, into: &out)
                item.pretty(indent: indent + 4, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            Self.spaces(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                out.append(contentsOf: (index > 0 ? ",\n" : "\n").utf8)
                Self.spaces(indent + 4, into: &out)
                Self.quote(member.0, into: &out)
                out.append(contentsOf: ": ".utf8)
                member.1.pretty(indent: indent + 4, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            Self.spaces(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        default:
            compact(into: &out)
        }
    }

    var compactText: String {
        var out: [UInt8] = []
        compact(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func spaces(_ count: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
