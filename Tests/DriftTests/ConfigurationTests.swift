import Drift
import Manifests
import TestSupport
import Testing

@Suite struct ConfigurationTests {
    @Test func parsesTheDocumentedExample() throws {
        let configuration = try DriftConfiguration.parse(
            """
            version: 1
            namespaces:
              include: [shop, "team-*"]
              exclude: [kube-system]
            services:
              exclude: ["shop/legacy-*", canary]
            ignore:
              addresses: [203.0.113.99, 198.51.100.0/24, "2001:db8::/32"]
              findings:
                - services: [storage/ceph-rgw]
                  types: [readiness-drift]
                  reason: health checks flap
                - type: unmanaged-live-object
              types: [duplicate-backend]
            """)
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.namespaces.admits(namespace: "shop"))
        #expect(configuration.namespaces.admits(namespace: "team-a"))
        #expect(!configuration.namespaces.admits(namespace: "kube-system"))
        #expect(!configuration.namespaces.admits(namespace: "other"))
        #expect(!configuration.admits(ServiceKey(namespace: "shop", name: "legacy-ftp")))
        #expect(!configuration.admits(ServiceKey(namespace: "team-b", name: "canary")))
        #expect(configuration.admits(ServiceKey(namespace: "shop", name: "orders-db")))
        #expect(
            configuration.ignore.addresses.map(\.description) == ["203.0.113.99", "198.51.100.0/24", "2001:db8::/32"])
        #expect(configuration.ignore.findings.count == 3)
        #expect(configuration.ignore.findings[0].reason == "health checks flap")
        #expect(configuration.ignore.findings[1].services.isEmpty)
        #expect(configuration.ignore.findings[2].types == [.duplicateBackend])
    }

    @Test func emptyFileIsTheDefault() throws {
        for text in ["", "# nothing\n", "---\n"] {
            let configuration = try DriftConfiguration.parse(text)
            #expect(configuration == DriftConfiguration())
        }
    }

    @Test func unknownTopLevelKeysAreWarningsSoNewerFilesStillWork() throws {
        // `clusters:` was the example of a key from the future until this version learnt it.
        let configuration = try DriftConfiguration.parse("schedules:\n  - name: nightly\nnamespaces: {exclude: [x]}\n")
        #expect(configuration.warnings.map(\.line) == [1])
        #expect(configuration.warnings.first?.message.contains("schedules") == true)
        #expect(!configuration.namespaces.admits(namespace: "x"))
    }

    @Test func errorsNameTheFileLineAndKey() {
        let cases: [(String, Int, String)] = [
            ("ignore:\n  addresses: [10.0.0.0/33]\n", 2, "not an IP address or CIDR"),
            ("ignore:\n  findings:\n    - types: [missing-backends]\n", 3, "unknown finding type 'missing-backends'"),
            ("namespaces: [shop]\n", 1, "expected a map"),
            ("namespaces:\n  includes: [shop]\n", 2, "unknown key 'includes'"),
            ("version: 2\n", 1, "version"),
            ("ignore:\n  findings: {types: [x]}\n", 2, "expected a list"),
            ("namespaces: {include: [a\n", 2, "did not find"),
        ]
        for (text, line, message) in cases {
            #expect(throws: ConfigurationError.self, "\(text)") { try DriftConfiguration.parse(text, path: "cfg.yaml") }
            do {
                _ = try DriftConfiguration.parse(text, path: "cfg.yaml")
            } catch {
                #expect(error.path == "cfg.yaml")
                #expect(error.line == line, "\(text): \(error)")
                #expect(error.message.contains(message), "\(text): \(error)")
            }
        }
    }

    @Test func addressRanges() throws {
        let block = try #require(AddressRange("198.51.100.0/24"))
        #expect(block.contains("198.51.100.7"))
        #expect(!block.contains("198.51.101.7"))
        #expect(!block.contains("2001:db8::1"))
        let odd = try #require(AddressRange("10.0.0.0/9"))
        #expect(odd.contains("10.127.255.255"))
        #expect(!odd.contains("10.128.0.0"))
        let six = try #require(AddressRange("2001:DB8::/32"))
        #expect(six.contains("2001:db8:ffff::1"))
        #expect(AddressRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
        #expect(AddressRange("10.0.0.1")?.contains("10.0.0.1") == true)
        #expect(AddressRange("10.0.0.1")?.contains("10.0.0.2") == false)
        for bad in ["10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "host", "10.0.0.0/8/8"] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func servicePatterns() {
        let key = ServiceKey(namespace: "shop", name: "orders-db")
        #expect(NamePattern("orders-db").matches(key))
        #expect(NamePattern("orders-*").matches(key))
        #expect(NamePattern("shop/*").matches(key))
        #expect(NamePattern("*/orders-db").matches(key))
        #expect(!NamePattern("payments/*").matches(key))
        #expect(!NamePattern("orders").matches(key))
        #expect(NamePattern("sh?p/[a-z]*").matches(key))
    }

    @Test func failPolicy() throws {
        let drift = Finding(type: .missingBackend, service: nil, message: "m")
        let warning = Finding(type: .unmanagedLiveObject, service: nil, message: "m")
        let lint = Finding(type: .invalidAddress, service: nil, message: "m")
        var ignored = drift
        ignored.ignoredBy = "test"

        #expect(FailPolicy.bySeverity.fails(drift))
        #expect(!FailPolicy.bySeverity.fails(warning))
        #expect(!FailPolicy.bySeverity.fails(ignored))
        let onlyDrift = try FailPolicy(parsing: ["drift"])
        #expect(onlyDrift.fails(warning) && onlyDrift.fails(drift) && !onlyDrift.fails(lint))
        let listed = try FailPolicy(parsing: ["missing-backend, invalid-address", "stale-backend"])
        #expect(listed.types == [.missingBackend, .invalidAddress, .staleBackend])
        let none = try FailPolicy(parsing: ["none"])
        #expect(none.types == [])
        let all = try FailPolicy(parsing: ["all"])
        #expect(!all.fails(ignored))
        #expect(throws: ConfigurationError.self) { try FailPolicy(parsing: ["drifts"]) }
    }
}
