import Manifests

/// Writes a value as a YAML or JSON scalar in a given style, falling back to double quotes when the
/// style cannot hold the value (a plain scalar that would read back as a number, say).
enum ScalarFormatter {
    /// A string in `style`; `flow` is true inside `[...]` or `{...}`, where more characters end a plain scalar.
    static func string(_ value: String, style: ScalarStyle, flow: Bool) -> String {
        switch style {
        case .plain:
            return isPlainSafe(value, flow: flow) ? value : doubleQuoted(value)
        case .singleQuoted:
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return doubleQuoted(value) }
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .doubleQuoted, .literal, .folded:
            return doubleQuoted(value)
        }
    }

    /// JSON string syntax, which is also a valid YAML double-quoted scalar.
    static func doubleQuoted(_ value: String) -> String { JSONString.quoted(value) }

    /// Whether `value` written plain reads back as the same string. Conservative: addresses, names and
    /// protocols pass; anything with YAML indicators is quoted. In flow context a `:` is quoted too,
    /// since older libyaml versions reject `[2001:db8::1]`.
    static func isPlainSafe(_ value: String, flow: Bool) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", "/": true
            case ":": !flow
            default: false
            }
        }
        guard allowed, first != "-", first != ":", last != ":", !value.contains("::") || !flow else { return false }
        if value.hasPrefix("::") { return false }
        return ScalarResolver.resolvePlain(value) == .string(value)
    }
}

extension String {
    /// Foundation-free replacement for the few places that need it.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let needle = Array(target.utf8)
        let utf8 = self.utf8
        guard !needle.isEmpty, utf8.count >= needle.count else { return nil }
        var index = utf8.startIndex
        while let candidate = utf8[index...].firstIndex(of: needle[0]) {
            var end = candidate
            var matched = 0
            while matched < needle.count, end < utf8.endIndex, utf8[end] == needle[matched] {
                matched += 1
                end = utf8.index(after: end)
            }
            if matched == needle.count { return candidate..<end }
            index = utf8.index(after: candidate)
        }
        return nil
    }
}
