import Testing

@testable import Manifests

@Suite struct DocumentSplitterTests {
    func pieces(_ text: String) -> [(String, Int)] {
        var copy = text
        return copy.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            return DocumentSplitter.split(bytes).map {
                (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0.range]), as: UTF8.self), $0.line)
            }
        }
    }

    @Test func cutsOnMarkersAtColumnZeroOnly() {
        let result = pieces("a: 1\n---\nb: |\n  --- not a marker\n--- # next\nc: 3\n...\nd: 4\n")
        #expect(result.map(\.1) == [1, 2, 5, 8])
        #expect(result[1].0 == "---\nb: |\n  --- not a marker\n")
        #expect(result[2].0 == "--- # next\nc: 3\n...\n")
    }

    @Test func readsTopLevelKindsOnly() {
        var text = "kind: \"Service\" # x\nspec:\n  kind: Deployment\n"
        let kinds = text.withUTF8 { DocumentSplitter.topLevelKinds(UnsafeRawBufferPointer($0)) }
        #expect(kinds == ["Service"])
    }

    @Test func tellsContentFromCommentsAndMarkers() {
        var empty = "# c\n---\n  # d\n\n"
        var full = "---\n# c\nx: 1\n"
        #expect(!empty.withUTF8 { DocumentSplitter.hasContent(UnsafeRawBufferPointer($0)) })
        #expect(full.withUTF8 { DocumentSplitter.hasContent(UnsafeRawBufferPointer($0)) })
    }
}
