import Manifests

/// An address or a CIDR block (`203.0.113.7`, `198.51.100.0/24`, `2001:db8::/32`).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard let written = Int(parts[1]), written >= 0, written <= bits, !parts[1].hasPrefix("+") else {
                return nil
            }
            length = written
        }
        network = address
        prefixLength = length
    }

    public var description: String {
        prefixLength == network.bytes.count * 8 ? network.canonical : "\(network.canonical)/\(prefixLength)"
    }

    /// Whether `text` parses as an address of the same family inside this range.
    public func contains(_ text: String) -> Bool {
        guard let address = IPAddress(text), address.family == network.family else { return false }
        var remaining = prefixLength
        for (candidate, base) in zip(address.bytes, network.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if candidate & mask != base & mask { return false }
            remaining -= take
        }
        return true
    }
}
