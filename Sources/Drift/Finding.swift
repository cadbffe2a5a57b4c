import Manifests

/// One thing the check found, drift or lint. Findings are values: the detector and linter make them,
/// ignore rules mark them, reporters print them, and `fix` reads them.
public struct Finding: Sendable, Hashable {
    public var type: FindingType
    public var severity: Severity
    /// The Service this is about; `nil` for findings that belong to no Service (a broken file, a
    /// slice without a service-name label).
    public var service: ServiceKey?
    /// The object the finding is about or was found in: the desired object for missing backends and
    /// lint, the live object for stale backends and unmanaged objects.
    public var object: ObjectRef?
    /// Canonical address for backend findings; the address as written for address lint.
    public var address: String?
    public var port: Int?
    public var `protocol`: String?
    public var portName: String?
    /// `port-drift` only: every address served on the changed port (then `address` is `nil`).
    public var addresses: [String]
    /// What git says (backend findings).
    public var desired: BackendSide?
    /// What the cluster says (backend findings).
    public var live: BackendSide?
    /// Where in git: the file, the line of the address or port where known (else the object's first
    /// line), and the commit. `nil` when git has nothing to point at (an unmanaged live object).
    public var source: SourceLocation?
    /// One line for people.
    public var message: String
    /// One line on how to fix it.
    public var hint: String
    /// The rule that ignores this finding (`.endpoint-drift.yaml` or an annotation), or `nil`.
    /// Ignored findings are reported but never fail a run.
    public var ignoredBy: String?
    /// Pull-request mode only.
    public var change: FindingChange?

    public init(
        type: FindingType, severity: Severity? = nil, service: ServiceKey?, object: ObjectRef? = nil,
        address: String? = nil, port: Int? = nil, protocol: String? = nil, portName: String? = nil,
        addresses: [String] = [], desired: BackendSide? = nil, live: BackendSide? = nil,
        source: SourceLocation? = nil, message: String, hint: String? = nil, ignoredBy: String? = nil,
        change: FindingChange? = nil
    ) {
        self.type = type
        self.severity = severity ?? type.defaultSeverity
        self.service = service
        self.object = object
        self.address = address
        self.port = port
        self.protocol = `protocol`
        self.portName = portName
        self.addresses = addresses
        self.desired = desired
        self.live = live
        self.source = source
        self.message = message
        self.hint = hint ?? type.hint
        self.ignoredBy = ignoredBy
        self.change = change
    }

    public var isIgnored: Bool { ignoredBy != nil }

    /// The backend this finding is about, when it is about exactly one.
    public var backendKey: BackendKey? {
        guard let address, let `protocol` else { return nil }
        return BackendKey(address: address, port: port, protocol: `protocol`, portName: portName ?? "")
    }

    /// `10.0.0.1:5432/TCP (postgres)`; for port-drift the port; otherwise nothing.
    public var subject: String? {
        if let key = backendKey { return key.description }
        if let desired, type == .portDrift { return "port \(desired.portDescription)" }
        return address
    }

    /// What makes this finding the same finding at another commit: no line numbers, no messages, and
    /// for backend findings not the object either (a backend moved to another file is the same
    /// drift). Used to tell introduced from pre-existing and fixed findings in pull-request mode,
    /// and as the SARIF fingerprint.
    public var identity: String {
        var parts = [type.rawValue, service?.description ?? "-"]
        switch type {
        case .missingBackend, .staleBackend, .readinessDrift:
            parts.append(backendKey?.description ?? "-")
        case .portDrift:
            parts += [desired?.portDescription ?? "-", live?.portDescription ?? "-"]
        default:
            parts += [object?.description ?? "-", address ?? "-", port.map(String.init) ?? "-", portName ?? "-"]
            if object == nil { parts += [source?.path ?? "-", message] }
        }
        return parts.joined(separator: "|")
    }

    /// Report order: by Service (findings without one last), type, address, port, object.
    public static func precedes(_ lhs: Finding, _ rhs: Finding) -> Bool {
        switch (lhs.service, rhs.service) {
        case let (left?, right?) where left != right: return left < right
        case (.some, .none): return true
        case (.none, .some): return false
        default: break
        }
        if lhs.type != rhs.type { return lhs.type < rhs.type }
        if lhs.address != rhs.address { return AddressOrder.less(lhs.address ?? "", rhs.address ?? "") }
        if lhs.port != rhs.port { return (lhs.port ?? -1) < (rhs.port ?? -1) }
        if lhs.portName != rhs.portName { return (lhs.portName ?? "") < (rhs.portName ?? "") }
        if lhs.object != rhs.object {
            guard let left = lhs.object else { return false }
            guard let right = rhs.object else { return true }
            return left < right
        }
        if lhs.source?.path != rhs.source?.path { return (lhs.source?.path ?? "") < (rhs.source?.path ?? "") }
        if lhs.source?.line != rhs.source?.line { return (lhs.source?.line ?? 0) < (rhs.source?.line ?? 0) }
        return lhs.message < rhs.message
    }
}

extension Finding {
    /// A short stable id of `identity` (FNV-1a, 64 bits, hex): the same finding has the same id at
    /// every commit and in every run.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
