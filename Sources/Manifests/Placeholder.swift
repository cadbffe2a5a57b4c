/// A value that a GitOps tool fills in at deploy time: a Flux variable (`${NAS_IP}`,
/// `${PORT:=5000}`) or an argocd-vault-plugin placeholder (`<path:secret/data/net#ip>`).
///
/// What is left of one after the desired state is built is not an address or a name to check: it is
/// kept byte for byte (never lower-cased or canonicalized) and reported as `unresolved-variable`.
public enum Placeholder {
    /// Whether `text` still holds a placeholder.
    public static func occurs(in text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        var previous: UInt8 = 0
        var sawPath = false
        while let byte = utf8.next() {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "{") { return true }
            if previous == UInt8(ascii: "<") && byte == UInt8(ascii: "p") { sawPath = true }
            previous = byte
        }
        return sawPath && text.contains("<path:")
    }

    /// The placeholders in `text`, as written: `${NAS_IP}`, `<path:kv/data/net#ip>`.
    public static func all(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = [rest.firstRange(of: "${"), rest.firstRange(of: "<path:")].compactMap({ $0 }).min(by: {
            $0.lowerBound < $1.lowerBound
        }) {
            let opener = rest[start.lowerBound...]
            let closer: Character = opener.hasPrefix("${") ? "}" : ">"
            guard let end = opener.firstIndex(of: closer) else {
                found.append(String(opener))
                break
            }
            found.append(String(opener[...end]))
            rest = opener[opener.index(after: end)...]
        }
        return found
    }
}
