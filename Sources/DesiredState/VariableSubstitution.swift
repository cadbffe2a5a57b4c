/// Flux's post-build substitution (drone/envsubst, as kustomize-controller runs it) on one string:
/// `${VAR}`, `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}`, `${VAR-default}`, `$VAR`, and
/// `$$` for a literal `$` (so `$${VAR}` stays `${VAR}`). Variable names match
/// `[_a-zA-Z][_a-zA-Z0-9]*`.
///
/// Unlike Flux, a variable with no value and no default is not replaced by an empty string: the
/// placeholder is kept as written and reported, because the value exists somewhere this tool cannot
/// see (a Secret outside git, the cluster) far more often than it is truly empty.
public enum VariableSubstitution {
    /// The outcome for one string.
    public struct Result: Sendable, Hashable {
        public var text: String
        /// Every variable the text uses, in order, with what gave its value.
        public var uses: [Use]

        public var changed: Bool { !uses.isEmpty }
    }

    /// One `${…}` or `$NAME` in the text.
    public struct Use: Sendable, Hashable {
        public var name: String
        /// As written, e.g. `${NAS_PORT:=5000}`.
        public var written: String
        /// `nil`: nothing gave a value and there is no default; the text keeps `written`.
        public var value: String?
        /// The value came from the placeholder's own default.
        public var fromDefault: Bool
        /// An operator this tool does not reproduce (`${VAR/a/b}`, `${VAR^^}` …): kept as written.
        public var unsupported: Bool
    }

    /// Substitutes every variable of `text`; `lookup` gives a variable's value, or `nil` when unset.
    public static func apply(_ text: String, lookup: (String) -> String?) -> Result {
        guard text.contains("$") else { return Result(text: text, uses: []) }
        var output = ""
        var uses: [Use] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else {
                output.append("$")
                break
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            if text[next] == "{", let close = text[next...].firstIndex(of: "}") {
                let body = String(text[text.index(after: next)..<close])
                let written = String(text[index...close])
                let use = braced(body, written: written, lookup: lookup)
                output += use.value ?? written
                uses.append(use)
                index = text.index(after: close)
                continue
            }
            let nameEnd = text[next...].firstIndex { !isNameCharacter($0) } ?? text.endIndex
            let name = String(text[next..<nameEnd])
            guard isName(name) else {
                output.append("$")
                index = next
                continue
            }
            let value = lookup(name)
            let written = "$" + name
            uses.append(Use(name: name, written: written, value: value, fromDefault: false, unsupported: false))
            output += value ?? written
            index = nameEnd
        }
        return Result(text: output, uses: uses)
    }

    private static func braced(_ body: String, written: String, lookup: (String) -> String?) -> Use {
        let nameEnd = body.firstIndex { !isNameCharacter($0) } ?? body.endIndex
        let name = String(body[..<nameEnd])
        let rest = body[nameEnd...]
        guard isName(name) else {
            return Use(name: name, written: written, value: nil, fromDefault: false, unsupported: true)
        }
        let value = lookup(name)
        if rest.isEmpty {
            return Use(name: name, written: written, value: value, fromDefault: false, unsupported: false)
        }
        for (operator_, emptyCounts) in [(":=", true), (":-", true), ("=", false), ("-", false)]
        where rest.hasPrefix(operator_) {
            let fallback = String(rest.dropFirst(operator_.count))
            let unset = value == nil || (emptyCounts && value == "")
            return Use(
                name: name, written: written, value: unset ? fallback : value, fromDefault: unset, unsupported: false)
        }
        return Use(name: name, written: written, value: nil, fromDefault: false, unsupported: true)
    }

    public static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.allSatisfy(isNameCharacter)
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }
}
