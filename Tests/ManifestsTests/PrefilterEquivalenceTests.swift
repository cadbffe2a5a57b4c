import Testing

@testable import Manifests

/// The pre-filter finds markers, `kind:` lines and words with memchr/memmem; it must give exactly
/// what the byte-by-byte walk it replaced gave. The former walk is kept here as the reference.
@Suite struct PrefilterEquivalenceTests {
    /// The former `DocumentSplitter.split`: every line, every byte.
    static func referenceSplit(_ bytes: UnsafeRawBufferPointer) -> [(Range<Int>, Int)] {
        func isMarker(_ start: Int, _ lineEnd: Int, _ char: UInt8) -> Bool {
            guard lineEnd - start >= 3, bytes[start] == char, bytes[start + 1] == char, bytes[start + 2] == char else {
                return false
            }
            if lineEnd - start == 3 { return true }
            let after = bytes[start + 3]
            return after == UInt8(ascii: " ") || after == UInt8(ascii: "\t") || after == UInt8(ascii: "\r")
        }
        var pieces: [(Range<Int>, Int)] = []
        var pieceStart = 0
        var pieceLine = 1
        var lineStart = 0
        var line = 1
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = min(lineEnd + 1, count)
            if isMarker(lineStart, lineEnd, UInt8(ascii: "-")) {
                if lineStart > pieceStart { pieces.append((pieceStart..<lineStart, pieceLine)) }
                pieceStart = lineStart
                pieceLine = line
            } else if isMarker(lineStart, lineEnd, UInt8(ascii: ".")) {
                pieces.append((pieceStart..<next, pieceLine))
                pieceStart = next
                pieceLine = line + 1
            }
            lineStart = next
            line += 1
        }
        if count > pieceStart { pieces.append((pieceStart..<count, pieceLine)) }
        return pieces
    }

    /// The former `topLevelKinds` line walk (values cleaned by the same function).
    static func referenceKindLines(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var kinds: [String] = []
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd - lineStart > 5, Array(bytes[lineStart..<(lineStart + 5)]) == Array("kind:".utf8) {
                var line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
                line += "\n"
                var copy = line
                kinds += copy.withUTF8 { DocumentSplitter.topLevelKinds(UnsafeRawBufferPointer($0)).map(String.init) }
            }
            lineStart = lineEnd + 1
        }
        return kinds
    }

    static func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var copy = text
        copy.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            let split = DocumentSplitter.split(bytes)
            let reference = referenceSplit(bytes)
            #expect(
                split.map(\.range) == reference.map(\.0), "\(text.debugDescription)", sourceLocation: sourceLocation)
            #expect(split.map(\.line) == reference.map(\.1), "\(text.debugDescription)", sourceLocation: sourceLocation)
            for piece in split {
                let text = UnsafeRawBufferPointer(rebasing: bytes[piece.range])
                #expect(
                    DocumentSplitter.topLevelKinds(text).map(String.init) == referenceKindLines(text),
                    sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [
        "", "-", ".", "---", "...", "---\n", "\n---", "\n---\n", "a: 1\n---\nb: 2", "---\r\nkind: Service\r\n---\r\n",
        "--- # c\nkind: Endpoints\n...\n...\nkind: x", "----\n---x\n--- \n---\t\n", "- a\n- b\n---\n- c\n",
        "kind: Service", "kind:", "kind:\n", "kind:\r\n", "kind: 'Service'\n", "kind: \"EndpointSlice\" # x\n",
        "  kind: Service\nkind: List\n", "{kind: Service, metadata: {name: a}}\n", "\n\n\n---\n\n\n...\n\n.\n-\n",
        "x: |\n  ---\n  kind: Service\n---\nkind: Endpoints\n", "kind: Service\nkind: Endpoints\n",
    ])
    func edgeCases(text: String) {
        Self.check(text)
    }

    /// Every short text over an alphabet of the lines that matter.
    @Test func randomTextsOverTheMarkerAlphabet() {
        let pieces = [
            "---", "...", "--", "..", "---\r", "...\r", "--- x", "-- -", "kind: Service", "kind: Endpoints",
            "kind:", "kind:\r", "kind: \"EndpointSlice\"", "  kind: Service", "- a", ". b", "", "\r", "a: 1",
            "kinds: x",
        ]
        var generator = SplitMix(seed: 15)
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 12) {
                text += pieces[Int(generator.next() % UInt64(pieces.count))]
                if generator.next() % 8 != 0 { text += "\n" }
            }
            Self.check(text)
        }
    }

    @Test func countsNewlinesAcrossWordBoundaries() {
        var generator = SplitMix(seed: 7)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in
                generator.next() % 3 == 0 ? UInt8(ascii: "\n") : UInt8(generator.next() % 256)
            }
            bytes.withUnsafeBytes { buffer in
                for start in [0, 1, 3, 7, 8, 9] where start <= length {
                    let expected = bytes[start...].count { $0 == UInt8(ascii: "\n") }
                    #expect(ByteSearch.countNewlines(in: buffer, start..<length) == expected)
                }
            }
        }
    }

    @Test func findsWordsWhereTheFormerSearchDid() {
        var text = "kind: ConfigMap\ndata:\n  x: Servic\n  y: Endpoint\n  z: $\n  w: <path:a>\nList"
        text.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            #expect(!ByteSearch.contains(bytes, "Service"))
            #expect(!ByteSearch.contains(bytes, "Endpoints"))
            #expect(ByteSearch.contains(bytes, "Endpoint"))
            #expect(ByteSearch.contains(bytes, "$"))
            #expect(ByteSearch.contains(bytes, "<path:"))
            #expect(ByteSearch.contains(bytes, "List"))
            #expect(ByteSearch.find("List", in: bytes, from: bytes.count - 4) == bytes.count - 4)
            #expect(ByteSearch.find("List", in: bytes, from: bytes.count - 3) == nil)
            #expect(ByteSearch.index(of: UInt8(ascii: "\n"), in: bytes, from: bytes.count) == nil)
        }
    }

    /// The kinds of document the pre-filter decides on, through the reader: what it parses and what
    /// it skips.
    @Test(arguments: [
        ("kind: \"Service\"\napiVersion: v1\nmetadata: {name: a}\n", 1, 0),
        ("kind: 'Endpoints'\napiVersion: v1\nmetadata: {name: a}\n", 1, 0),
        ("{apiVersion: v1, kind: Service, metadata: {name: a}}\n", 1, 0),
        ("apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n", 1, 0),
        ("kind: Deployment\n---\nkind: Service\napiVersion: v1\nmetadata: {name: b}\n---\nkind: ConfigMap\n", 1, 2),
        ("apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: c}}\n", 1, 0),
        ("kind: ConfigMap\ndata:\n  a: |\n    kind: Service\n", 0, 1),
        ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n", 0, 1),
        ("  kind: Service\n  apiVersion: v1\n  metadata: {name: d}\n", 1, 0),
    ])
    func readerDecisions(text: String, objects: Int, skipped: Int) {
        let output = ManifestFileReader.read(text, path: "x.yaml")
        #expect(output.objects.count == objects, "\(output.errors)")
        #expect(output.skippedDocuments == skipped)
    }

    @Test func aUTF16ManifestIsReadAsItsUTF8Text() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: wide\n---\nkind: ConfigMap\n"
        var bytes: [UInt8] = [0xff, 0xfe]
        for unit in text.utf16 { bytes += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
        let output = bytes.withUnsafeBytes { ManifestFileReader.read($0, path: "w.yaml") }
        let plain = ManifestFileReader.read(text, path: "w.yaml")
        #expect(output.objects.map(\.object) == plain.objects.map(\.object))
        #expect(output.objects.map(\.line) == [1])
        #expect(output.skippedDocuments == 1)
    }
}

/// A small seeded generator: the same texts on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
