/// What the Kubernetes API server (v1.23) accepts and refuses in the fields of the three kinds this
/// tool reads, one manifest per case. Each expectation was read from the validation code named in
/// `rule` (pkg/apis/core/validation/validation.go, pkg/apis/discovery/validation/validation.go,
/// k8s.io/apimachinery/pkg/api/validation and pkg/util/validation): `APIValidation` must report that
/// function for a refused case. Shared by the lint differential test and fix's validation test.
public struct APIValidationCase: Sendable, CustomStringConvertible {
    public var name: String
    /// One whole object, in namespace `shop` unless the case is about the namespace.
    public var manifest: String
    public var accepted: Bool
    /// The Go function the expectation comes from.
    public var rule: String

    public var description: String { name }

    init(_ name: String, _ manifest: String, accepted: Bool, rule: String) {
        self.name = name
        self.manifest = manifest
        self.accepted = accepted
        self.rule = rule
    }
}

public enum APIValidationCases {
    /// The Service the Endpoints and slices belong to (so that only validation findings remain).
    public static let service = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          ports: [{name: pg, port: 5432}, {name: admin, port: 9000}]
        """

    static func endpoints(
        _ subsets: String, name: String = "db", namespace: String = "shop", meta: String = ""
    )
        -> String
    {
        """
        apiVersion: v1
        kind: Endpoints
        metadata: {name: "\(name)", namespace: "\(namespace)"\(meta)}
        subsets:
        \(subsets)
        """
    }

    static func address(_ ip: String) -> String { endpoints("- addresses: [{ip: \"\(ip)\"}]\n  ports: [{port: 5432}]") }

    static func port(_ port: String) -> String { endpoints("- addresses: [{ip: 192.0.2.1}]\n  ports: [\(port)]") }

    static func slice(
        _ endpoints: String, type: String = "IPv4", ports: String? = "[{name: pg, port: 5432}]", name: String = "db-1",
        labels: String = "kubernetes.io/service-name: db"
    ) -> String {
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: "\(name)", namespace: shop, labels: {\(labels)}}
        addressType: \(type)
        endpoints:
        \(endpoints)
        """ + (ports.map { "\nports: \($0)" } ?? "")
    }

    static func sliceAddress(_ address: String, type: String = "IPv4") -> String {
        slice("- addresses: [\"\(address)\"]", type: type)
    }

    static func servicePorts(_ ports: String, name: String = "db", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: "\(name)", namespace: shop}
        spec:
          ports: \(ports)\(extra)
        """
    }

    static func manyEndpoints(_ count: Int) -> String {
        (0..<count).map { "- addresses: [\"10.1.\($0 / 256).\($0 % 256)\"]" }.joined(separator: "\n")
    }

    public static let all: [APIValidationCase] = {
        let endpointsRules = "validateEndpointSubsets"
        let portRule = "validateEndpointPort"
        let addressRule = "validateEndpointAddress"
        let special = "ValidateNonSpecialIP"
        let meta = "ValidateObjectMetaAccessor"
        let slicePorts = "validatePorts"
        let sliceEndpoints = "validateEndpoints"
        let name63 = String(repeating: "a", count: 63)
        let name64 = String(repeating: "a", count: 64)
        return [
            // Endpoints: subsets and ports (validateEndpointSubsets, validateEndpointPort).
            .init("endpoints: one address, one unnamed port", address("192.0.2.1"), accepted: true, rule: portRule),
            .init("endpoints: a named port", port("{name: pg, port: 5432}"), accepted: true, rule: portRule),
            .init(
                "endpoints: two named ports", port("{name: pg, port: 5432}, {name: admin, port: 9000}"), accepted: true,
                rule: portRule),
            .init(
                "endpoints: two ports, one unnamed", port("{name: pg, port: 5432}, {port: 9000}"), accepted: false,
                rule: portRule),
            .init("endpoints: two unnamed ports", port("{port: 5432}, {port: 9000}"), accepted: false, rule: portRule),
            .init(
                "endpoints: a port name repeated in one subset (not checked in v1.23)",
                port("{name: pg, port: 5432}, {name: pg, port: 5433}"), accepted: true, rule: portRule),
            .init(
                "endpoints: a subset without ports", endpoints("- addresses: [{ip: 192.0.2.1}]"), accepted: true,
                rule: endpointsRules),
            .init(
                "endpoints: a subset without addresses", endpoints("- ports: [{port: 5432}]"), accepted: false,
                rule: endpointsRules),
            .init(
                "endpoints: only notReadyAddresses",
                endpoints("- notReadyAddresses: [{ip: 192.0.2.1}]\n  ports: [{port: 5432}]"), accepted: true,
                rule: endpointsRules),
            .init("endpoints: port 0", port("{port: 0}"), accepted: false, rule: portRule),
            .init("endpoints: port 65536", port("{port: 65536}"), accepted: false, rule: portRule),
            .init("endpoints: port -1", port("{port: -1}"), accepted: false, rule: portRule),
            .init("endpoints: port 65535", port("{port: 65535}"), accepted: true, rule: portRule),
            .init("endpoints: port 1", port("{port: 1}"), accepted: true, rule: portRule),
            .init("endpoints: upper-case port name", port("{name: PG, port: 5432}"), accepted: false, rule: portRule),
            .init(
                "endpoints: 64-character port name", port("{name: \(name64), port: 5432}"), accepted: false,
                rule: portRule),
            .init(
                "endpoints: 63-character port name (a DNS-1123 label, not IANA's 15)",
                port("{name: \(name63), port: 5432}"), accepted: true, rule: portRule),
            .init(
                "endpoints: an all-digit port name is a DNS-1123 label", port("{name: '9000', port: 9000}"),
                accepted: true, rule: portRule),
            .init(
                "endpoints: a port name starting with '-'", port("{name: '-pg', port: 5432}"), accepted: false,
                rule: portRule),
            .init("endpoints: '_' in a port name", port("{name: pg_sql, port: 5432}"), accepted: false, rule: portRule),
            .init("endpoints: protocol UDP", port("{port: 53, protocol: UDP}"), accepted: true, rule: portRule),
            .init("endpoints: protocol SCTP", port("{port: 38412, protocol: SCTP}"), accepted: true, rule: portRule),
            .init("endpoints: lower-case protocol", port("{port: 53, protocol: tcp}"), accepted: false, rule: portRule),
            .init("endpoints: protocol HTTP", port("{port: 80, protocol: HTTP}"), accepted: false, rule: portRule),
            .init(
                "endpoints: a prefixed appProtocol", port("{port: 80, appProtocol: kubernetes.io/h2c}"), accepted: true,
                rule: portRule),
            .init(
                "endpoints: an appProtocol with a space", port("{port: 80, appProtocol: 'my proto'}"),
                accepted: false, rule: portRule),
            // Endpoints: addresses (validateEndpointAddress, ValidateNonSpecialIP; ParseIPSloppy).
            .init(
                "endpoints: leading zeros are read as decimal", address("192.0.2.010"), accepted: true,
                rule: addressRule),
            .init("endpoints: an octet over 255", address("10.0.0.256"), accepted: false, rule: "IsValidIP"),
            .init("endpoints: a prefix length", address("10.0.0.0/24"), accepted: false, rule: "IsValidIP"),
            .init("endpoints: a host name", address("db.example.com"), accepted: false, rule: "IsValidIP"),
            .init("endpoints: a zone", address("fe80::1%eth0"), accepted: false, rule: "IsValidIP"),
            .init("endpoints: IPv4 loopback", address("127.0.0.1"), accepted: false, rule: special),
            .init("endpoints: IPv6 loopback", address("::1"), accepted: false, rule: special),
            .init("endpoints: IPv4 link-local", address("169.254.1.1"), accepted: false, rule: special),
            .init("endpoints: IPv6 link-local", address("fe80::1"), accepted: false, rule: special),
            .init("endpoints: IPv4 link-local multicast", address("224.0.0.5"), accepted: false, rule: special),
            .init(
                "endpoints: other IPv4 multicast is not refused", address("239.1.2.3"), accepted: true, rule: special),
            .init("endpoints: IPv6 link-local multicast", address("ff02::1"), accepted: false, rule: special),
            .init(
                "endpoints: other IPv6 multicast is not refused", address("ff05::1"), accepted: true, rule: special),
            .init("endpoints: IPv4 unspecified", address("0.0.0.0"), accepted: false, rule: special),
            .init("endpoints: IPv6 unspecified", address("::"), accepted: false, rule: special),
            .init("endpoints: IPv6", address("2001:db8::1"), accepted: true, rule: addressRule),
            .init(
                "endpoints: IPv4-mapped IPv6 loopback", address("::ffff:127.0.0.1"), accepted: false, rule: special),
            .init(
                "endpoints: an upper-case hostname",
                endpoints("- addresses: [{ip: 192.0.2.1, hostname: Web_1}]\n  ports: [{port: 5432}]"),
                accepted: false, rule: addressRule),
            .init(
                "endpoints: a hostname",
                endpoints("- addresses: [{ip: 192.0.2.1, hostname: web-1}]\n  ports: [{port: 5432}]"), accepted: true,
                rule: addressRule),
            .init(
                "endpoints: a nodeName that is no DNS subdomain",
                endpoints("- addresses: [{ip: 192.0.2.1, nodeName: Node_1}]\n  ports: [{port: 5432}]"),
                accepted: false, rule: addressRule),
            // Metadata (ValidateObjectMetaAccessor with ValidateEndpointsName, ValidateNamespaceName).
            .init(
                "endpoints: an upper-case name",
                endpoints("- addresses: [{ip: 192.0.2.1}]", name: "DB"), accepted: false, rule: "ValidateEndpoints"),
            .init(
                "endpoints: a dotted name is a DNS subdomain",
                endpoints("- addresses: [{ip: 192.0.2.1}]", name: "db.example"), accepted: true,
                rule: "ValidateEndpoints"),
            .init(
                "endpoints: a 254-character name",
                endpoints("- addresses: [{ip: 192.0.2.1}]", name: String(repeating: "a", count: 254)),
                accepted: false, rule: "ValidateEndpoints"),
            .init(
                "endpoints: an upper-case namespace",
                endpoints("- addresses: [{ip: 192.0.2.1}]", namespace: "Prod"), accepted: false, rule: meta),
            .init(
                "endpoints: namespace '..'", endpoints("- addresses: [{ip: 192.0.2.1}]", namespace: ".."),
                accepted: false, rule: meta),
            .init(
                "endpoints: a dotted namespace (a label, not a subdomain)",
                endpoints("- addresses: [{ip: 192.0.2.1}]", namespace: "team.a"), accepted: false, rule: meta),
            .init(
                "endpoints: a label value with a space",
                endpoints("- addresses: [{ip: 192.0.2.1}]", meta: ", labels: {app: 'two words'}"), accepted: false,
                rule: "ValidateLabels"),
            .init(
                "endpoints: a 64-character label value",
                endpoints("- addresses: [{ip: 192.0.2.1}]", meta: ", labels: {app: \(name64)}"), accepted: false,
                rule: "ValidateLabels"),
            .init(
                "endpoints: an annotation key with an empty prefix",
                endpoints("- addresses: [{ip: 192.0.2.1}]", meta: ", annotations: {'/note': x}"), accepted: false,
                rule: "ValidateAnnotations"),
            .init(
                "endpoints: the skip-mirror label",
                endpoints(
                    "- addresses: [{ip: 192.0.2.1}]",
                    meta: ", labels: {endpointslice.kubernetes.io/skip-mirror: 'true'}"),
                accepted: true, rule: "ValidateLabels"),

            // EndpointSlice (ValidateEndpointSlice, validateAddressType, validateEndpoints, validatePorts).
            .init("slice: one IPv4 endpoint", sliceAddress("192.0.2.1"), accepted: true, rule: sliceEndpoints),
            .init(
                "slice: IPv6 in an IPv4 slice", sliceAddress("2001:db8::1"), accepted: false,
                rule: "IsValidIPv4Address"),
            .init(
                "slice: IPv4 in an IPv6 slice", sliceAddress("192.0.2.1", type: "IPv6"), accepted: false,
                rule: "IsValidIPv6Address"),
            .init(
                "slice: IPv4-mapped IPv6 in an IPv6 slice", sliceAddress("::ffff:192.0.2.1", type: "IPv6"),
                accepted: false, rule: "IsValidIPv6Address"),
            .init(
                "slice: an IPv6 slice", sliceAddress("2001:db8::7", type: "IPv6"), accepted: true, rule: sliceEndpoints),
            .init(
                "slice: an unknown addressType", sliceAddress("192.0.2.1", type: "IP"), accepted: false,
                rule: "validateAddressType"),
            .init(
                "slice: an FQDN slice", sliceAddress("db.example.com", type: "FQDN"), accepted: true,
                rule: sliceEndpoints),
            .init(
                "slice: a one-label FQDN", sliceAddress("db", type: "FQDN"), accepted: false,
                rule: "IsFullyQualifiedDomainName"),
            .init(
                "slice: an endpoint without addresses", slice("- addresses: []"), accepted: false, rule: sliceEndpoints),
            .init(
                "slice: 101 addresses in one endpoint",
                slice("- addresses: [\((1...101).map { "\"10.0.\($0 / 256).\($0 % 256)\"" }.joined(separator: ", "))]"),
                accepted: false, rule: sliceEndpoints),
            .init(
                "slice: 100 addresses in one endpoint",
                slice("- addresses: [\((1...100).map { "\"10.0.\($0 / 256).\($0 % 256)\"" }.joined(separator: ", "))]"),
                accepted: true, rule: sliceEndpoints),
            .init("slice: 1001 endpoints", slice(manyEndpoints(1001)), accepted: false, rule: sliceEndpoints),
            .init("slice: 1000 endpoints", slice(manyEndpoints(1000)), accepted: true, rule: sliceEndpoints),
            .init(
                "slice: a repeated port name",
                slice("- addresses: [192.0.2.1]", ports: "[{name: pg, port: 5432}, {name: pg, port: 5433}]"),
                accepted: false, rule: slicePorts),
            .init(
                "slice: two unnamed ports", slice("- addresses: [192.0.2.1]", ports: "[{port: 5432}, {port: 9000}]"),
                accepted: false, rule: slicePorts),
            .init(
                "slice: a port without a number", slice("- addresses: [192.0.2.1]", ports: "[{name: pg}]"),
                accepted: true, rule: slicePorts),
            .init(
                "slice: no ports field", slice("- addresses: [192.0.2.1]", ports: nil), accepted: true, rule: slicePorts
            ),
            .init(
                "slice: port 0 (numbers are not range-checked in v1.23)",
                slice("- addresses: [192.0.2.1]", ports: "[{name: pg, port: 0}]"), accepted: true, rule: slicePorts),
            .init(
                "slice: an upper-case port name", slice("- addresses: [192.0.2.1]", ports: "[{name: PG, port: 5432}]"),
                accepted: false, rule: slicePorts),
            .init(
                "slice: a 64-character port name",
                slice("- addresses: [192.0.2.1]", ports: "[{name: \(name64), port: 5432}]"), accepted: false,
                rule: slicePorts),
            .init(
                "slice: protocol HTTP",
                slice("- addresses: [192.0.2.1]", ports: "[{name: pg, port: 5432, protocol: HTTP}]"), accepted: false,
                rule: slicePorts),
            .init("slice: loopback", sliceAddress("127.0.0.2"), accepted: false, rule: special),
            .init("slice: IPv6 link-local", sliceAddress("fe80::5", type: "IPv6"), accepted: false, rule: special),
            .init("slice: leading zeros", sliceAddress("192.0.2.010"), accepted: true, rule: "IsValidIPv4Address"),
            .init(
                "slice: an invalid endpoint hostname", slice("- addresses: [192.0.2.1]\n  hostname: Bad_Host"),
                accepted: false, rule: sliceEndpoints),
            .init(
                "slice: an invalid nodeName", slice("- addresses: [192.0.2.1]\n  nodeName: Bad_Node"), accepted: false,
                rule: sliceEndpoints),
            .init(
                "slice: an upper-case name", slice("- addresses: [192.0.2.1]", name: "DB-1"), accepted: false,
                rule: "ValidateEndpointSlice"),
            .init(
                "slice: a dotted name", slice("- addresses: [192.0.2.1]", name: "db.v4"), accepted: true,
                rule: "ValidateEndpointSlice"),
            .init(
                "slice: a service-name label over 63 characters",
                slice("- addresses: [192.0.2.1]", labels: "kubernetes.io/service-name: \(name64)"), accepted: false,
                rule: "ValidateLabels"),

            // Service (ValidateService, validateServicePort).
            .init(
                "service: one unnamed port", servicePorts("[{port: 5432}]"), accepted: true, rule: "validateServicePort"
            ),
            .init(
                "service: a name starting with a digit (DNS-1035)", servicePorts("[{port: 5432}]", name: "1db"),
                accepted: false, rule: "ValidateService"),
            .init(
                "service: a dotted name (DNS-1035 label)", servicePorts("[{port: 5432}]", name: "db.v1"),
                accepted: false, rule: "ValidateService"),
            .init(
                "service: two ports, one unnamed", servicePorts("[{name: pg, port: 5432}, {port: 9000}]"),
                accepted: false, rule: "validateServicePort"),
            .init(
                "service: a repeated port name", servicePorts("[{name: pg, port: 5432}, {name: pg, port: 5433}]"),
                accepted: false, rule: "validateServicePort"),
            .init(
                "service: a repeated port and protocol", servicePorts("[{name: a, port: 53}, {name: b, port: 53}]"),
                accepted: false, rule: "ValidateService"),
            .init(
                "service: one port number over two protocols",
                servicePorts("[{name: dns, port: 53}, {name: dns-udp, port: 53, protocol: UDP}]"), accepted: true,
                rule: "ValidateService"),
            .init("service: port 0", servicePorts("[{port: 0}]"), accepted: false, rule: "validateServicePort"),
            .init(
                "service: an upper-case port name", servicePorts("[{name: HTTP, port: 80}]"), accepted: false,
                rule: "validateServicePort"),
            .init(
                "service: a targetPort name with '_' (IANA_SVC_NAME)",
                servicePorts("[{port: 80, targetPort: http_alt}]"), accepted: false, rule: "validateServicePort"),
            .init(
                "service: a targetPort name", servicePorts("[{port: 80, targetPort: http-alt}]"), accepted: true,
                rule: "validateServicePort"),
            .init(
                "service: a targetPort name over 15 characters",
                servicePorts("[{port: 80, targetPort: abcdefghijklmnop}]"), accepted: false,
                rule: "validateServicePort"),
            .init(
                "service: targetPort 70000", servicePorts("[{port: 80, targetPort: 70000}]"), accepted: false,
                rule: "validateServicePort"),
            .init(
                "service: protocol ICMP", servicePorts("[{port: 80, protocol: ICMP}]"), accepted: false,
                rule: "validateServicePort"),
            .init(
                "service: headless without ports", servicePorts("[]", extra: "\n  clusterIP: None"), accepted: true,
                rule: "ValidateService"),
            .init("service: no ports", servicePorts("[]"), accepted: false, rule: "ValidateService"),
            .init(
                "service: ExternalName without ports",
                servicePorts("[]", extra: "\n  type: ExternalName\n  externalName: db.example.com"), accepted: true,
                rule: "ValidateService"),
            .init(
                "service: an unknown type", servicePorts("[{port: 80}]", extra: "\n  type: Internal"), accepted: false,
                rule: "ValidateService"),
        ]
    }()
}
