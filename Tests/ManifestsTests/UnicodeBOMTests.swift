import Foundation
import Manifests
import Testing

/// UTF-16 and UTF-32 manifests with a BOM are read as kubectl reads them.
@Suite struct UnicodeBOMTests {
    static let manifest = """
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: café-db
          namespace: shop
        subsets:
          - addresses: [{ip: 10.0.0.1}]
            ports: [{port: 5432}]

        """

    static func encoded(_ text: String, _ encoding: String.Encoding) -> [UInt8] {
        // Foundation writes the BOM for .utf16/.utf32 only; add it for the explicit byte orders.
        let bom: [UInt8]
        switch encoding {
        case .utf16LittleEndian: bom = [0xFF, 0xFE]
        case .utf16BigEndian: bom = [0xFE, 0xFF]
        case .utf32LittleEndian: bom = [0xFF, 0xFE, 0, 0]
        default: bom = [0, 0, 0xFE, 0xFF]
        }
        return bom + Array(text.data(using: encoding) ?? Data())
    }

    @Test(
        "each BOM-marked encoding reads as the UTF-8 file does",
        arguments: [
            String.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian,
        ])
    func decodes(encoding: String.Encoding) {
        let reference = ManifestFileReader.read(Self.manifest, path: "a.yaml")
        let bytes = Self.encoded(Self.manifest, encoding)
        let output = bytes.withUnsafeBytes { ManifestFileReader.read($0, path: "a.yaml") }
        #expect(output.notes.isEmpty, "\(output.notes)")
        #expect(output.errors.isEmpty)
        #expect(output.objects.map(\.object) == reference.objects.map(\.object))
        #expect(output.objects.first?.object.metadata.name == "café-db")
        #expect(output.objects.first?.line == reference.objects.first?.line)
    }

    @Test("a broken UTF-16 file is a note naming the encoding, not a crash")
    func broken() {
        // An unpaired high surrogate, and an odd byte count.
        for bytes: [UInt8] in [[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], [0xFE, 0xFF, 0x00]] {
            let output = bytes.withUnsafeBytes { ManifestFileReader.read($0, path: "a.yaml") }
            #expect(output.objects.isEmpty)
            #expect(output.notes.first?.message.contains("byte order mark but is not valid UTF-16") == true)
        }
    }
}
