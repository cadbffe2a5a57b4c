#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A parsed IPv4 or IPv6 address with its canonical text (RFC 5952 for IPv6: compressed, lower case),
/// so that `2001:DB8:0:0::1` in git and `2001:db8::1` live are the same backend.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: String, Sendable, Hashable {
        case ipv4 = "IPv4"
        case ipv6 = "IPv6"
    }

    public let family: Family
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]
    public let canonical: String

    /// Parses the strict forms the API server accepts: dotted quad without leading zeros, or IPv6
    /// (with an embedded IPv4 tail allowed). No zones, no prefixes, no surrounding space.
    public init?(_ text: String) {
        // Bytes, not `contains(_: String)`: Foundation's substring search was most of a parse.
        if text.utf8.contains(UInt8(ascii: ":")) {
            // inet_pton reads a C string: it would stop at a NUL inside the text and take what
            // comes before it for the whole.
            guard !text.utf8.contains(0) else { return nil }
            var storage = in6_addr()
            guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &storage) { Array($0) }
            family = .ipv6
            var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &storage, &output, socklen_t(output.count)) != nil else { return nil }
            canonical = String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        } else {
            guard let quad = Self.dottedQuad(text) else { return nil }
            bytes = [
                UInt8(truncatingIfNeeded: quad >> 24), UInt8(truncatingIfNeeded: quad >> 16),
                UInt8(truncatingIfNeeded: quad >> 8), UInt8(truncatingIfNeeded: quad),
            ]
            family = .ipv4
            // Only the canonical dotted quad is accepted (no leading zeros, no short forms).
            canonical = text
        }
    }

    /// Whether `text` is an IPv4 address as `init?` accepts it, without allocating.
    static func isIPv4(_ text: String) -> Bool { dottedQuad(text) != nil }

    /// The address of a strict dotted quad, as inet_pton(AF_INET) reads one: four numbers of up to
    /// 255, each without leading zeros, separated by single dots, nothing else. Read from the bytes
    /// in one pass (inet_pton took a C string, measured its length, and stopped at a NUL inside).
    static func dottedQuad(_ text: String) -> UInt32? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable(dottedQuad) { return parsed }
        // A string not stored as UTF-8 (bridged): made so once.
        var native = text
        native.makeContiguousUTF8()
        return native.utf8.withContiguousStorageIfAvailable(dottedQuad) ?? nil
    }

    private static func dottedQuad(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var address: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var octets = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // A leading zero is allowed only as the whole number.
                if digits == 1 && octet == 0 { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard octet <= 255 else { return nil }
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, octets < 3 else { return nil }
                address = address << 8 | octet
                octets += 1
                octet = 0
                digits = 0
            default:
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return address << 8 | octet
    }

    public var description: String { canonical }

    /// The canonical text of `text` when it is an address (`IPAddress(text)?.canonical`), made
    /// without a parse result for the common IPv4 case.
    public static func canonical(of text: String) -> String? {
        if !text.utf8.contains(UInt8(ascii: ":")), isIPv4(text) { return text }
        return IPAddress(text)?.canonical
    }

    /// Canonical text for an address as written in a manifest: the canonical IP when it parses,
    /// otherwise the text itself in lower case (FQDN slices, or an invalid address the linter reports).
    /// A placeholder (`${NAS_IP}`) is kept byte for byte: it is a name, not an address.
    public static func canonicalText(_ text: String) -> String {
        // Most addresses are IPv4, whose canonical text is the text: no parse result to build.
        if let canonical = canonical(of: text) { return canonical }
        if Placeholder.occurs(in: text) { return text }
        return text.lowercased()
    }
}
