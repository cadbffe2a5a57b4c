import Testing

@testable import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// IPv4 text is read by hand (`IPAddress.dottedQuad`): it must accept exactly what inet_pton(AF_INET)
/// accepts, with the same address, except that a NUL inside the text ends nothing.
@Suite struct IPAddressTests {
    /// Every text of four parts (and of three and five) built from numbers at and around the
    /// limits, leading zeros, signs, spaces and letters, against inet_pton.
    @Test("dotted quads are read as inet_pton reads them")
    func againstInetPton() {
        let parts = [
            "", "0", "00", "01", "1", "9", "10", "99", "100", "199", "255", "256", "299", "300", "999", "1000", "x",
            "-1", " 1", "1 ", "+1",
        ]
        var texts: [String] = []
        for a in parts {
            for b in parts {
                for c in ["0", "01", "255", "256", ""] {
                    for d in parts { texts.append([a, b, c, d].joined(separator: ".")) }
                    texts.append([a, b, c].joined(separator: "."))
                    texts.append([a, b, c, "1", "1"].joined(separator: "."))
                }
            }
        }
        texts += ["", ".", "...", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4\n", "１.2.3.4", "1.2.3.0x1", "0.0.0.0"]
        var accepted = 0
        for text in texts {
            var storage = in_addr()
            let expected = inet_pton(AF_INET, text, &storage) == 1 ? withUnsafeBytes(of: &storage) { Array($0) } : nil
            let parsed = IPAddress(text)
            #expect(parsed?.bytes == expected, "\(text.debugDescription)")
            #expect(IPAddress.isIPv4(text) == (expected != nil), "\(text.debugDescription)")
            #expect(parsed.map { $0.family == .ipv4 && $0.canonical == text } ?? true, "\(text.debugDescription)")
            if expected != nil { accepted += 1 }
        }
        // The grid holds valid addresses too, not only rejections.
        #expect(accepted > 1000)
    }

    @Test("a NUL inside the text is not the end of the address", arguments: ["10.0.0.1\0", "10.0.0.1\0junk", "::1\0"])
    func embeddedNUL(text: String) {
        #expect(IPAddress(text) == nil)
        #expect(IPAddress.canonical(of: text) == nil)
    }

    @Test("an address in a string not stored as UTF-8 is read too")
    func bridged() {
        // A Substring-made String is native; a string from UTF-16 code units may not be contiguous
        // UTF-8 on every platform: both read the same.
        let fromUTF16 = String(decoding: Array("192.168.0.1".utf16), as: UTF16.self)
        #expect(IPAddress(fromUTF16)?.bytes == [192, 168, 0, 1])
        #expect(IPAddress(String("x192.168.0.1".dropFirst()))?.bytes == [192, 168, 0, 1])
    }
}
