/// The Kubernetes API server's validation (v1.23) of the fields this tool reads: what `kubectl apply`
/// would be refused for. `lint` reports these problems, and `fix` checks every object it writes
/// with them. Each rule names the Go function it comes from (pkg/apis/core/validation,
/// pkg/apis/discovery/validation, k8s.io/apimachinery/pkg/util/validation), so that a change can be
/// checked against the source.
public enum APIValidation {
    /// At most this many endpoints per slice (`maxEndpoints`, discovery validation).
    public static let maxSliceEndpoints = 1000
    /// At most this many addresses per slice endpoint (`maxAddresses`).
    public static let maxEndpointAddresses = 100
    /// At most this many ports per slice (`maxPorts`; the API documentation says 100, v1.23 checks 20000).
    public static let maxSlicePorts = 20000
    /// `TotalAnnotationSizeLimitB`: keys and values together.
    public static let maxAnnotationBytes = 256 * 1024
    static let protocols: Set<String> = ["TCP", "UDP", "SCTP"]
    static let serviceTypes: Set<String> = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]

    /// Every problem of one object, in field order. `namespace` is the namespace it is applied to.
    public static func validate(_ object: KubeObject, namespace: String) -> [ValidationProblem] {
        switch object {
        case .service(let service): validate(service, namespace: namespace)
        case .endpoints(let endpoints): validate(endpoints, namespace: namespace)
        case .endpointSlice(let slice): validate(slice, namespace: namespace)
        }
    }

    // MARK: Endpoints

    /// `ValidateEndpoints`: metadata (`ValidateEndpointsName` = DNS-1123 subdomain), then
    /// `validateEndpointSubsets`.
    public static func validate(_ endpoints: Endpoints, namespace: String) -> [ValidationProblem] {
        var problems = metadata(
            endpoints.metadata, namespace: namespace, name: dns1123Subdomain, rule: "ValidateEndpoints")
        for (index, subset) in endpoints.subsets.enumerated() {
            let path = "subsets[\(index)]"
            if subset.addresses.isEmpty && subset.notReadyAddresses.isEmpty {
                problems.append(
                    ValidationProblem(
                        .invalidField, path, "must specify `addresses` or `notReadyAddresses`",
                        line: subset.ports.first?.line, rule: "validateEndpointSubsets"))
            }
            for (list, key) in [(subset.addresses, "addresses"), (subset.notReadyAddresses, "notReadyAddresses")] {
                for (position, address) in list.enumerated() {
                    problems += endpointAddress(address, path: "\(path).\(key)[\(position)]")
                }
            }
            // A name is required as soon as the subset has more than one port; v1.23 does not refuse a
            // repeated name here (EndpointSlices do).
            for (position, port) in subset.ports.enumerated() {
                problems += endpointPort(port, requireName: subset.ports.count > 1, path: "\(path).ports[\(position)]")
            }
        }
        return problems
    }

    /// `validateEndpointAddress`: `IsValidIP`, hostname a DNS-1123 label, nodeName a DNS-1123 subdomain,
    /// then `ValidateNonSpecialIP`.
    static func endpointAddress(_ address: EndpointAddress, path: String) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let rule = "validateEndpointAddress"
        if let hostname = address.hostname, !hostname.isEmpty, let message = dns1123Label(hostname) {
            problems.append(
                ValidationProblem(.invalidField, "\(path).hostname", message, line: address.line, rule: rule))
        }
        if let node = address.nodeName, let message = dns1123Subdomain(node) {
            problems.append(
                ValidationProblem(.invalidField, "\(path).nodeName", message, line: address.line, rule: rule))
        }
        if let problem = ipProblem(address.ip, family: nil, path: "\(path).ip", line: address.line) {
            problems.append(problem)
        }
        return problems
    }

    /// `validateEndpointPort`.
    static func endpointPort(_ port: EndpointPort, requireName: Bool, path: String) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let rule = "validateEndpointPort"
        if requireName && port.name.isEmpty {
            problems.append(
                ValidationProblem(
                    .invalidField, "\(path).name", "required: a subset with several ports must name each",
                    line: port.line, rule: rule))
        } else if !port.name.isEmpty, let message = dns1123Label(port.name) {
            problems.append(ValidationProblem(.invalidField, "\(path).name", message, line: port.line, rule: rule))
        }
        if let message = portNumber(port.port ?? 0) {
            problems.append(ValidationProblem(.invalidField, "\(path).port", message, line: port.line, rule: rule))
        }
        if let message = protocolProblem(port.protocol) {
            problems.append(ValidationProblem(.invalidField, "\(path).protocol", message, line: port.line, rule: rule))
        }
        if let appProtocol = port.appProtocol, let message = qualifiedName(appProtocol) {
            problems.append(
                ValidationProblem(.invalidField, "\(path).appProtocol", message, line: port.line, rule: rule))
        }
        return problems
    }

    // MARK: EndpointSlice

    /// `ValidateEndpointSlice`: metadata (`ValidateEndpointSliceName` = DNS-1123 subdomain),
    /// `validateAddressType`, `validateEndpoints`, `validatePorts`.
    public static func validate(_ slice: EndpointSlice, namespace: String) -> [ValidationProblem] {
        var problems = metadata(
            slice.metadata, namespace: namespace, name: dns1123Subdomain, rule: "ValidateEndpointSlice")
        let family = IPFamily(rawValue: slice.addressType)
        if slice.addressType.isEmpty {
            problems.append(ValidationProblem(.invalidField, "addressType", "required", rule: "validateAddressType"))
        } else if family == nil && slice.addressType != "FQDN" {
            problems.append(
                ValidationProblem(
                    .unknownAddressType, "addressType", "addressType '\(slice.addressType)' is not IPv4, IPv6 or FQDN",
                    rule: "validateAddressType"))
        }
        problems += sliceEndpoints(slice, family: family)
        problems += slicePorts(slice.ports ?? [])
        return problems
    }

    /// `validateEndpoints` (discovery).
    static func sliceEndpoints(_ slice: EndpointSlice, family: IPFamily?) -> [ValidationProblem] {
        let rule = "validateEndpoints"
        if slice.endpoints.count > maxSliceEndpoints {
            return [
                ValidationProblem(
                    .tooManyEndpoints, "endpoints",
                    "\(slice.endpoints.count) endpoints; the API server rejects slices over \(maxSliceEndpoints)",
                    line: slice.endpoints.first?.line, rule: rule)
            ]
        }
        var problems: [ValidationProblem] = []
        for (index, endpoint) in slice.endpoints.enumerated() {
            let path = "endpoints[\(index)]"
            if endpoint.addresses.isEmpty {
                problems.append(
                    ValidationProblem(
                        .invalidField, "\(path).addresses", "required: at least 1 address", line: endpoint.line,
                        rule: rule))
            } else if endpoint.addresses.count > maxEndpointAddresses {
                problems.append(
                    ValidationProblem(
                        .invalidField, "\(path).addresses",
                        "\(endpoint.addresses.count) addresses; at most \(maxEndpointAddresses) are allowed",
                        line: endpoint.line, rule: rule))
            }
            for (position, address) in endpoint.addresses.enumerated() {
                let addressPath = "\(path).addresses[\(position)]"
                if let family {
                    if let problem = ipProblem(address, family: family, path: addressPath, line: endpoint.line) {
                        problems.append(problem)
                    }
                } else if slice.addressType == "FQDN", let message = fullyQualifiedDomainName(address) {
                    problems.append(
                        ValidationProblem(
                            .invalidAddress, addressPath, message, line: endpoint.line,
                            rule: "IsFullyQualifiedDomainName",
                            address: address))
                }
                // Addresses of an unknown addressType are not checked (the type is the error).
            }
            if let node = endpoint.nodeName, let message = dns1123Subdomain(node) {
                problems.append(
                    ValidationProblem(.invalidField, "\(path).nodeName", message, line: endpoint.line, rule: rule))
            }
            if let hostname = endpoint.hostname, let message = dns1123Label(hostname) {
                problems.append(
                    ValidationProblem(.invalidField, "\(path).hostname", message, line: endpoint.line, rule: rule))
            }
        }
        return problems
    }

    /// `validatePorts` (discovery): names are DNS-1123 labels and unique (the empty name too), the
    /// protocol is TCP, UDP or SCTP (defaulted to TCP). The number is not range-checked in v1.23; it
    /// must fit an int32 to be decoded at all.
    static func slicePorts(_ ports: [EndpointPort]) -> [ValidationProblem] {
        let rule = "validatePorts"
        if ports.count > maxSlicePorts {
            return [
                ValidationProblem(
                    .invalidField, "ports", "\(ports.count) ports; at most \(maxSlicePorts) are allowed",
                    line: ports.first?.line, rule: rule)
            ]
        }
        var problems: [ValidationProblem] = []
        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            let path = "ports[\(index)]"
            if !port.name.isEmpty, let message = dns1123Label(port.name) {
                problems.append(ValidationProblem(.invalidField, "\(path).name", message, line: port.line, rule: rule))
            }
            if !names.insert(port.name).inserted {
                let shown = port.name.isEmpty ? "an unnamed port" : "'\(port.name)'"
                problems.append(
                    ValidationProblem(
                        .invalidField, "\(path).name", "duplicate: \(shown) is already in this slice", line: port.line,
                        rule: rule))
            }
            if let number = port.port, number < Int(Int32.min) || number > Int(Int32.max) {
                problems.append(
                    ValidationProblem(
                        .invalidField, "\(path).port", "\(number) does not fit a 32-bit port number", line: port.line,
                        rule: rule))
            }
            if let message = protocolProblem(port.protocol) {
                problems.append(
                    ValidationProblem(.invalidField, "\(path).protocol", message, line: port.line, rule: rule))
            }
            if let appProtocol = port.appProtocol, let message = qualifiedName(appProtocol) {
                problems.append(
                    ValidationProblem(.invalidField, "\(path).appProtocol", message, line: port.line, rule: rule))
            }
        }
        return problems
    }

    // MARK: Service

    /// `ValidateService`, for the fields this tool reads: metadata (`ValidateServiceName` = DNS-1035
    /// label), ports required unless headless or ExternalName, `validateServicePort`, duplicate
    /// protocol/port pairs, the type, the external name, the selector.
    public static func validate(_ service: Service, namespace: String) -> [ValidationProblem] {
        var problems = metadata(service.metadata, namespace: namespace, name: dns1035Label, rule: "ValidateService")
        let rule = "ValidateService"
        let headless = service.clusterIPs.first == "None"
        if service.ports.isEmpty && !headless && !service.isExternalName {
            problems.append(ValidationProblem(.invalidField, "spec.ports", "required", rule: rule))
        }
        if !serviceTypes.contains(service.type) {
            problems.append(
                ValidationProblem(
                    .invalidField, "spec.type",
                    "'\(service.type)' is not one of ClusterIP, ExternalName, LoadBalancer, NodePort", rule: rule))
        }
        if service.isExternalName {
            var name = service.externalName ?? ""
            if name.hasSuffix(".") { name.removeLast() }
            if name.isEmpty {
                problems.append(ValidationProblem(.invalidField, "spec.externalName", "required", rule: rule))
            } else if let message = dns1123Subdomain(name) {
                problems.append(ValidationProblem(.invalidField, "spec.externalName", message, rule: rule))
            }
        }
        var names: Set<String> = []
        var numbers: Set<String> = []
        for (index, port) in service.ports.enumerated() {
            let path = "spec.ports[\(index)]"
            let portRule = "validateServicePort"
            if service.ports.count > 1 && port.name.isEmpty {
                problems.append(
                    ValidationProblem(
                        .invalidField, "\(path).name", "required: a Service with several ports must name each",
                        rule: portRule))
            } else if !port.name.isEmpty {
                if let message = dns1123Label(port.name) {
                    problems.append(ValidationProblem(.invalidField, "\(path).name", message, rule: portRule))
                }
                if !names.insert(port.name).inserted {
                    problems.append(
                        ValidationProblem(.invalidField, "\(path).name", "duplicate: '\(port.name)'", rule: portRule))
                }
            }
            if let message = portNumber(port.port) {
                problems.append(ValidationProblem(.invalidField, "\(path).port", message, rule: portRule))
            }
            if let message = protocolProblem(port.protocol) {
                problems.append(ValidationProblem(.invalidField, "\(path).protocol", message, rule: portRule))
            }
            if let target = port.targetPort, let message = portNumberOrName(target) {
                problems.append(ValidationProblem(.invalidField, "\(path).targetPort", message, rule: portRule))
            }
            if let appProtocol = port.appProtocol, let message = qualifiedName(appProtocol) {
                problems.append(ValidationProblem(.invalidField, "\(path).appProtocol", message, rule: portRule))
            }
            if !numbers.insert("\(port.protocol)/\(port.port)").inserted {
                problems.append(
                    ValidationProblem(
                        .invalidField, path, "duplicate: \(port.port)/\(port.protocol) is already a port", rule: rule))
            }
        }
        problems += labels(service.selector, path: "spec.selector", rule: rule)
        return problems
    }

    // MARK: Metadata

    /// `ValidateObjectMetaAccessor`: name (by the kind's rule), namespace (`ValidateNamespaceName` =
    /// DNS-1123 label), labels (`ValidateLabels`), annotations (`ValidateAnnotations`).
    static func metadata(
        _ meta: ObjectMeta, namespace: String, name nameRule: (String) -> String?, rule: String
    ) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let metaRule = "ValidateObjectMetaAccessor"
        if meta.name.isEmpty {
            problems.append(ValidationProblem(.invalidField, "metadata.name", "required", rule: metaRule))
        } else if let message = nameRule(meta.name) {
            problems.append(ValidationProblem(.invalidField, "metadata.name", message, rule: rule))
        }
        if namespace.isEmpty {
            problems.append(ValidationProblem(.invalidField, "metadata.namespace", "required", rule: metaRule))
        } else if let message = dns1123Label(namespace) {
            problems.append(ValidationProblem(.invalidField, "metadata.namespace", message, rule: metaRule))
        }
        problems += labels(meta.labels, path: "metadata.labels", rule: "ValidateLabels")
        var size = 0
        for key in meta.annotations.keys.sorted() {
            size += key.utf8.count + (meta.annotations[key]?.utf8.count ?? 0)
            if let message = qualifiedName(key.lowercased()) {
                problems.append(
                    ValidationProblem(
                        .invalidField, "metadata.annotations", "key '\(key)': \(message)", rule: "ValidateAnnotations"))
            }
        }
        if size > maxAnnotationBytes {
            problems.append(
                ValidationProblem(
                    .invalidField, "metadata.annotations",
                    "\(size) bytes; keys and values together may have at most \(maxAnnotationBytes)",
                    rule: "ValidateAnnotations"))
        }
        return problems
    }

    static func labels(_ labels: [String: String], path: String, rule: String) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        for key in labels.keys.sorted() {
            if let message = qualifiedName(key) {
                problems.append(ValidationProblem(.invalidField, path, "key '\(key)': \(message)", rule: rule))
            }
            if let value = labels[key], let message = labelValue(value) {
                problems.append(ValidationProblem(.invalidField, path, "value of '\(key)': \(message)", rule: rule))
            }
        }
        return problems
    }

    // MARK: Addresses

    /// `IsValidIP` / `IsValidIPv4Address` / `IsValidIPv6Address`, then `ValidateNonSpecialIP`, on the
    /// address as the API server parses it (`netutils.ParseIPSloppy`: leading zeros allowed).
    static func ipProblem(_ text: String, family: IPFamily?, path: String, line: Int?) -> ValidationProblem? {
        guard let bytes = SloppyIP.parse(text) else {
            let expected = family.map { "an \($0.rawValue) address" } ?? "an IP address"
            return ValidationProblem(
                .invalidAddress, path, "'\(text)' is not \(expected)", line: line, rule: "IsValidIP", address: text)
        }
        let v4 = SloppyIP.ipv4(of: bytes)
        switch family {
        case .ipv4? where v4 == nil, .ipv6? where v4 != nil:
            let actual = v4 == nil ? "IPv6" : "IPv4"
            return ValidationProblem(
                .addressFamily, path, "\(text) is \(actual) in an \(family?.rawValue ?? "") EndpointSlice", line: line,
                rule: family == .ipv4 ? "IsValidIPv4Address" : "IsValidIPv6Address", address: text)
        default:
            break
        }
        if let range = SloppyIP.specialRange(bytes) {
            return ValidationProblem(
                .specialAddress, path, "\(text) is \(range)", line: line, rule: "ValidateNonSpecialIP", address: text)
        }
        return nil
    }

    // MARK: Formats (k8s.io/apimachinery/pkg/util/validation)

    /// `IsDNS1123Label`: at most 63 of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
    public static func dns1123Label(_ value: String) -> String? {
        if value.utf8.count > 63 { return "'\(value.prefix(70))' is longer than 63 characters" }
        guard isLabel(Array(value.utf8), firstIsLetter: false) else {
            return "'\(value)' is not a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending alphanumeric)"
        }
        return nil
    }

    /// `IsDNS1123Subdomain`: at most 253, dot-separated DNS-1123 labels.
    public static func dns1123Subdomain(_ value: String) -> String? {
        if value.utf8.count > 253 { return "'\(value.prefix(70))…' is longer than 253 characters" }
        let parts = value.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.allSatisfy({ isLabel(Array($0), firstIsLetter: false) }) else {
            return
                "'\(value)' is not a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting and ending alphanumeric)"
        }
        return nil
    }

    /// `IsDNS1035Label`: like a DNS-1123 label, but starting with a letter.
    public static func dns1035Label(_ value: String) -> String? {
        if value.utf8.count > 63 { return "'\(value.prefix(70))' is longer than 63 characters" }
        guard isLabel(Array(value.utf8), firstIsLetter: true) else {
            return "'\(value)' is not a DNS-1035 label (a-z, 0-9 and '-', starting with a letter, ending alphanumeric)"
        }
        return nil
    }

    /// `IsQualifiedName`: an optional DNS-1123 subdomain prefix and '/', then at most 63 of
    /// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
    public static func qualifiedName(_ value: String) -> String? {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "'\(value)' has more than one '/'" }
        if parts.count == 2 {
            if parts[0].isEmpty { return "'\(value)' has an empty prefix" }
            if let message = dns1123Subdomain(String(parts[0])) { return "prefix: \(message)" }
        }
        let name = Array((parts.last ?? "").utf8)
        if name.isEmpty { return "'\(value)' has an empty name part" }
        if name.count > 63 { return "the name part of '\(value.prefix(70))' is longer than 63 characters" }
        guard isQualifiedNamePart(name) else {
            return
                "'\(value)' is not a qualified name (alphanumerics, '-', '_' and '.', starting and ending alphanumeric)"
        }
        return nil
    }

    /// `IsValidLabelValue`: empty, or at most 63 of the qualified-name characters.
    public static func labelValue(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return nil }
        if bytes.count > 63 { return "'\(value.prefix(70))' is longer than 63 characters" }
        guard isQualifiedNamePart(bytes) else {
            return "'\(value)' is not a label value (alphanumerics, '-', '_' and '.', starting and ending alphanumeric)"
        }
        return nil
    }

    /// `IsValidPortNum`: 1 to 65535.
    public static func portNumber(_ value: Int) -> String? {
        (1...65535).contains(value) ? nil : "\(value) is not between 1 and 65535"
    }

    /// `IsValidPortName` (IANA_SVC_NAME): at most 15 of `[-a-z0-9]`, at least one letter, no `--`, no
    /// hyphen at either end.
    public static func portName(_ value: String) -> String? {
        let bytes = Array(value.utf8)
        if bytes.count > 15 { return "'\(value)' is longer than 15 characters" }
        let allowed = bytes.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
        guard allowed, !bytes.isEmpty, bytes.contains(where: isLower), !value.contains("--"),
            bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else {
            return "'\(value)' is not an IANA service name (a-z, 0-9 and single '-', with a letter, at most 15)"
        }
        return nil
    }

    /// `ValidatePortNumOrName`: a number is a port number, a name an IANA service name.
    static func portNumberOrName(_ value: String) -> String? {
        if let number = Int(value) { return portNumber(number) }
        return portName(value)
    }

    /// The protocol as written; absent is defaulted to TCP (`SetDefaults_EndpointPort`).
    static func protocolProblem(_ value: String?) -> String? {
        guard let value else { return nil }
        return protocols.contains(value) ? nil : "'\(value)' is not one of SCTP, TCP, UDP"
    }

    /// `IsFullyQualifiedDomainName`: a DNS-1123 subdomain of at least two labels, optional trailing dot.
    static func fullyQualifiedDomainName(_ value: String) -> String? {
        var name = value
        if name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty { return "required" }
        if let message = dns1123Subdomain(name) { return message }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 { return "'\(value)' should be a domain with at least two segments separated by dots" }
        if let bad = labels.first(where: { dns1123Label(String($0)) != nil }) {
            return dns1123Label(String(bad))
        }
        return nil
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLower(byte) || isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isLabel(_ bytes: [UInt8], firstIsLetter: Bool) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        guard firstIsLetter ? isLower(first) : (isLower(first) || isDigit(first)) else { return false }
        guard isLower(last) || isDigit(last) else { return false }
        return bytes.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isQualifiedNamePart(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }
}

/// The address families of an EndpointSlice's `addressType`.
public enum IPFamily: String, Sendable, Hashable {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"
}

/// One field the API server would refuse.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    /// What the linter reports it as.
    public enum Kind: Sendable, Hashable {
        /// Not an IP address (or, in an FQDN slice, not a domain name).
        case invalidAddress
        /// An IP address of the other family than the slice's `addressType`.
        case addressFamily
        /// Unspecified, loopback, link-local or link-local multicast.
        case specialAddress
        case unknownAddressType
        case tooManyEndpoints
        /// Any other field: names, namespaces, ports, protocols, labels.
        case invalidField
    }

    public var kind: Kind
    /// The field path as the API server names it: `subsets[0].ports[1].name`.
    public var field: String
    public var message: String
    /// The manifest line of the address or port, when known.
    public var line: Int?
    /// The Kubernetes validation function the rule comes from.
    public var rule: String
    /// The address, for problems with one.
    public var address: String?

    public init(
        _ kind: Kind, _ field: String, _ message: String, line: Int? = nil, rule: String, address: String? = nil
    ) {
        self.kind = kind
        self.field = field
        self.message = message
        self.line = line
        self.rule = rule
        self.address = address
    }

    /// `subsets[0].ports[1].name: required: …`
    public var description: String { "\(field): \(message)" }
}

/// IP parsing as the API server does it (`k8s.io/utils/net.ParseIPSloppy`, Go 1.16's `net.ParseIP`):
/// IPv4 fields may have leading zeros (read as decimal), IPv6 may end in a dotted quad. No zones.
enum SloppyIP {
    /// 16 bytes (IPv4 as `::ffff:a.b.c.d`, as Go stores it), or `nil`.
    static func parse(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        if let v4 = ipv4(bytes) { return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + v4 }
        return ipv6(bytes)
    }

    /// The four bytes when the address is IPv4 or IPv4-mapped IPv6 (Go's `To4`).
    static func ipv4(of bytes: [UInt8]) -> [UInt8]? {
        guard bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else { return nil }
        return Array(bytes[12..<16])
    }

    /// Why `ValidateNonSpecialIP` refuses it, or `nil`.
    static func specialRange(_ bytes: [UInt8]) -> String? {
        if let v4 = ipv4(of: bytes) {
            if v4 == [0, 0, 0, 0] { return "unspecified (0.0.0.0)" }
            if v4[0] == 127 { return "loopback (127.0.0.0/8)" }
            if v4[0] == 169 && v4[1] == 254 { return "link-local (169.254.0.0/16)" }
            if v4[0] == 224 && v4[1] == 0 && v4[2] == 0 { return "link-local multicast (224.0.0.0/24)" }
            return nil
        }
        if bytes.allSatisfy({ $0 == 0 }) { return "unspecified (::)" }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback (::1)" }
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return "link-local (fe80::/10)" }
        if bytes[0] == 0xff && bytes[1] & 0x0f == 0x02 { return "link-local multicast (ff02::/16)" }
        return nil
    }

    /// Four decimal fields 0–255, leading zeros allowed.
    static func ipv4(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var value = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, result.count < 3 else { return nil }
                result.append(UInt8(value))
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, result.count == 3 else { return nil }
        return result + [UInt8(value)]
    }

    static func ipv6(_ text: [UInt8]) -> [UInt8]? {
        var result: [UInt8] = []
        var ellipsis: Int?
        var index = 0
        if text.count >= 2 && text[0] == UInt8(ascii: ":") && text[1] == UInt8(ascii: ":") {
            ellipsis = 0
            index = 2
            if index == text.count { return [UInt8](repeating: 0, count: 16) }
        }
        while index < text.count && result.count < 16 {
            // A hex group, or a dotted quad in the last 32 bits.
            var end = index
            var value = 0
            while end < text.count, let digit = hexValue(text[end]) {
                value = value * 16 + digit
                guard value <= 0xFFFF else { return nil }
                end += 1
            }
            guard end > index else { return nil }
            if end < text.count && text[end] == UInt8(ascii: ".") {
                guard ellipsis != nil || result.count == 12, result.count <= 12,
                    let v4 = ipv4(text[index...])
                else { return nil }
                result += v4
                index = text.count
                break
            }
            result += [UInt8(value >> 8), UInt8(value & 0xff)]
            index = end
            if index == text.count { break }
            guard text[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < text.count && text[index] == UInt8(ascii: ":") {
                guard ellipsis == nil else { return nil }
                ellipsis = result.count
                index += 1
                if index == text.count { break }
            } else if index == text.count {
                return nil
            }
        }
        guard index == text.count else { return nil }
        if let ellipsis {
            guard result.count < 16 else { return nil }
            let fill = [UInt8](repeating: 0, count: 16 - result.count)
            result.insert(contentsOf: fill, at: ellipsis)
        }
        return result.count == 16 ? result : nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
