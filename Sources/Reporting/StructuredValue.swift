/// A JSON-shaped value that machine-readable reports are built from, then written as JSON or YAML.
/// Objects keep their keys in order; the JSON writer sorts them for stable output.
public indirect enum StructuredValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([StructuredValue])
    case object([(String, StructuredValue)])

    public static func == (lhs: StructuredValue, rhs: StructuredValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// `.string` or `.null`.
    public static func optional(_ text: String?) -> StructuredValue { text.map(StructuredValue.string) ?? .null }
    public static func optional(_ number: Int?) -> StructuredValue { number.map(StructuredValue.int) ?? .null }

    /// An object without its null members (for optional fields that are better left out).
    public static func compactObject(_ members: [(String, StructuredValue)]) -> StructuredValue {
        .object(members.filter { $0.1 != .null })
    }
}
