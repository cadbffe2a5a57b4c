/// A scalar's typed value.
public enum ResolvedScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .int(let value): "the number \(value)"
        case .float(let value) where value.isNaN: "not a number (.nan)"
        case .float(let value) where value.isInfinite: "a number out of range (\(value < 0 ? "-" : "")infinity)"
        case .float(let value): "the number \(value)"
        case .string(let text): "the string \"\(text)\""
        }
    }
}

/// Resolves plain scalars the way `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1) does, which is what
/// `kubectl apply` uses: `yes`/`on` are booleans, `0x1F` is a number, `~` is null. Quoted scalars
/// and scalars tagged `!!str` are always strings.
public enum ScalarResolver {
    static let stringTag = "tag:yaml.org,2002:str"

    public static func resolve(_ scalar: Scalar) -> ResolvedScalar {
        if scalar.style != .plain || scalar.tag == stringTag || scalar.tag == "!" {
            return .string(scalar.value)
        }
        return resolvePlain(scalar.value)
    }

    public static func resolvePlain(_ text: String) -> ResolvedScalar {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        // Fast path: most plain scalars in manifests start with a letter and are strings.
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            if let keyword = keywords[text] { return keyword }
            return .string(text)
        case UInt8(ascii: "~"):
            return utf8.count == 1 ? .null : .string(text)
        default:
            break
        }
        // Addresses like 10.0.0.1 (two or more dots) are the commonest plain scalars that start with a
        // digit; no number has two dots, so skip the number parsers for them.
        var dots = 0
        for byte in utf8 where byte == UInt8(ascii: ".") {
            dots += 1
            if dots > 1 { return .string(text) }
        }
        if utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), utf8.count < 19 {
            // Plain decimal (the commonest number: ports); a leading 0 means octal in YAML 1.1.
            if first != UInt8(ascii: "0") || utf8.count == 1, let value = Int(text) { return .int(value) }
        }
        if let number = integer(text) { return .int(number) }
        if let number = float(text) { return .float(number) }
        return .string(text)
    }

    private static let keywords: [String: ResolvedScalar] = {
        var table: [String: ResolvedScalar] = [:]
        for word in ["null", "Null", "NULL"] { table[word] = .null }
        for word in ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"] {
            table[word] = .bool(true)
        }
        for word in ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"] {
            table[word] = .bool(false)
        }
        return table
    }()

    private static func integer(_ text: String) -> Int? {
        var digits = Substring(text).filter { $0 != "_" }[...]
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var radix = 10
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0"), digits.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, let value = Int(digits, radix: radix) else { return nil }
        return negative ? -value : value
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard
            text.utf8.allSatisfy({ byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e")
                    || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "_")
            })
        else { return nil }
        return Double(text.filter { $0 != "_" })
    }
}
