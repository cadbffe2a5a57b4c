import Testing

@testable import EndpointDriftKit

@Suite("SecretMask: values from Secrets never reach an output")
struct SecretMaskTests {
    @Test func wholeTokensAreMaskedOthersKept() async {
        let masked = await SecretMask.run { () async -> String in
            SecretMask.register(["192.0.2.1", "s3cr3t-token", "ab"])
            return SecretMask.apply(
                "missing 192.0.2.1 on 80; stale 192.0.2.10 and 10.192.0.2.1; \"192.0.2.1\"; 192.0.2.1:8080; "
                    + "token=s3cr3t-token\nab stays; ends with 192.0.2.1.")
        }
        #expect(
            masked
                == "missing <secret> on 80; stale 192.0.2.10 and 10.192.0.2.1; \"<secret>\"; <secret>:8080; "
                + "token=<secret>\nab stays; ends with <secret>.")
    }

    @Test func aRunMasksOnlyItsOwnValues() async {
        let outside = SecretMask.apply("192.0.2.1")
        #expect(outside == "192.0.2.1")
        async let first = SecretMask.run { () async -> String in
            SecretMask.register(["192.0.2.1"])
            return SecretMask.apply("192.0.2.1 192.0.2.2")
        }
        async let second = SecretMask.run { () async -> String in
            SecretMask.register(["192.0.2.2"])
            return SecretMask.apply("192.0.2.1 192.0.2.2")
        }
        #expect(await first == "<secret> 192.0.2.2")
        #expect(await second == "192.0.2.1 <secret>")
    }

    @Test func aLongerValueIsMaskedWhole() {
        let masked = SecretMask.runSync { () -> String in
            SecretMask.register(["db.example", "db.example.internal"])
            return SecretMask.apply("host db.example.internal, alias db.example")
        }
        #expect(masked == "host <secret>, alias <secret>")
    }
}
