/// What identifies a backend: the same address, port number, protocol and port name on both sides
/// is the same backend. `appProtocol` and readiness are compared separately.
public struct BackendKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Canonical text (see `IPAddress.canonicalText`).
    public var address: String
    /// `nil` for an EndpointSlice without ports ("all ports").
    public var port: Int?
    public var `protocol`: String
    public var portName: String

    public init(address: String, port: Int?, protocol: String, portName: String) {
        self.address = address
        self.port = port
        self.protocol = `protocol`
        self.portName = portName
    }

    /// `10.0.0.1:5432/TCP (postgres)`, `[2001:db8::1]:443/TCP`.
    public var description: String {
        let host = address.contains(":") ? "[\(address)]" : address
        var text = port.map { "\(host):\($0)/\(`protocol`)" } ?? "\(host) (all ports)"
        if !portName.isEmpty { text += " (\(portName))" }
        return text
    }

    /// The address and port only: keys that differ in protocol or port name alone are few, and
    /// hashing two more strings per key was a good part of building and comparing backend sets.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(port)
    }

    public static func < (lhs: BackendKey, rhs: BackendKey) -> Bool {
        if lhs.address != rhs.address { return AddressOrder.less(lhs.address, rhs.address) }
        if lhs.port != rhs.port { return (lhs.port ?? -1) < (rhs.port ?? -1) }
        if lhs.protocol != rhs.protocol { return lhs.protocol < rhs.protocol }
        return lhs.portName < rhs.portName
    }
}

/// One backend: an address serving one port, as both sides normalize to it.
public struct Backend: Sendable, Hashable, Comparable, Codable {
    public var key: BackendKey
    public var appProtocol: String?
    public var ready: Bool

    public init(key: BackendKey, appProtocol: String? = nil, ready: Bool = true) {
        self.key = key
        self.appProtocol = appProtocol
        self.ready = ready
    }

    public init(
        address: String, port: Int?, protocol: String = "TCP", portName: String = "", appProtocol: String? = nil,
        ready: Bool = true
    ) {
        self.init(
            key: BackendKey(
                address: IPAddress.canonicalText(address), port: port, protocol: `protocol`, portName: portName),
            appProtocol: appProtocol, ready: ready)
    }

    public var address: String { key.address }
    public var port: Int? { key.port }
    public var `protocol`: String { key.protocol }
    public var portName: String { key.portName }

    public static func < (lhs: Backend, rhs: Backend) -> Bool { lhs.key < rhs.key }
}

/// Sorts addresses numerically (10.0.0.9 before 10.0.0.10), IPv4 before IPv6 before names.
public enum AddressOrder {
    /// A key that compares like the addresses should; computed once per address, not per comparison.
    public struct Key: Comparable, Sendable {
        let rank: Int
        /// The address's bytes in network order, as one 128-bit number: compared as the bytes are.
        let high: UInt64
        let low: UInt64
        let text: String

        public static func < (lhs: Key, rhs: Key) -> Bool {
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if lhs.high != rhs.high { return lhs.high < rhs.high }
            if lhs.low != rhs.low { return lhs.low < rhs.low }
            return lhs.text < rhs.text
        }
    }

    public static func key(_ address: String) -> Key {
        guard let ip = IPAddress(address) else { return Key(rank: 100, high: 0, low: 0, text: address) }
        // 4 or 16 bytes, big-endian into (high, low): equal lengths compare as their bytes do.
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in ip.bytes.enumerated() {
            if index < ip.bytes.count - 8 {
                high = high << 8 | UInt64(byte)
            } else {
                low = low << 8 | UInt64(byte)
            }
        }
        return Key(rank: ip.bytes.count, high: high, low: low, text: "")
    }

    public static func less(_ lhs: String, _ rhs: String) -> Bool { key(lhs) < key(rhs) }

    /// `addresses` sorted by `less`, each parsed once (not once per comparison).
    public static func sorted<Addresses: Swift.Sequence<String>>(_ addresses: Addresses) -> [String] {
        addresses.map { (key: key($0), address: $0) }.sorted { $0.key < $1.key }.map(\.address)
    }
}
