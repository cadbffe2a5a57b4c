import Testing

@testable import Manifests

@Suite struct YAMLReaderTests {
    @Test func readsNodesWithFilePositions() throws {
        let text = "# comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: \"orders-db\"\n"
        let documents = try YAMLReader.documents(in: text)
        let root = try #require(documents.first?.mapping)
        let name = try #require(root["metadata"]?.mapping?["name"]?.scalar)
        #expect(name.value == "orders-db")
        #expect(name.style == .doubleQuoted)
        #expect(name.span.start.line == 5)
        #expect(name.span.start.column == 9)
        // Byte offsets cover the quotes, so an editor can replace exactly the written text.
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[name.span.byteRange], as: UTF8.self) == "\"orders-db\"")
        #expect(root.span.start.line == 2)
    }

    @Test func byteOffsetsStayRightAfterMultiByteCharacters() throws {
        let text = "# Zürich → Genève\nip: 10.0.0.1\n"
        let root = try #require(try YAMLReader.documents(in: text).first?.mapping)
        let ip = try #require(root["ip"]?.scalar)
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[ip.span.byteRange], as: UTF8.self) == "10.0.0.1")
        #expect(ip.span.start.line == 2)
    }

    @Test func originShiftsMarksToTheFile() throws {
        let text = "a: 1\n"
        var copy = text
        let nodes = try copy.withUTF8 { buffer in
            try YAMLReader.documents(in: UnsafeRawBufferPointer(buffer), origin: Mark(offset: 100, line: 10, column: 1))
        }
        let value = try #require(nodes.first?.mapping?["a"]?.scalar)
        #expect(value.span.start.line == 10)
        #expect(value.span.start.offset == 103)
    }

    @Test func keepsCollectionStyles() throws {
        let root = try #require(try YAMLReader.documents(in: "a: [1, 2]\nb:\n  - 3\nc: {x: 1}\n").first?.mapping)
        #expect(root["a"]?.sequence?.style == .flow)
        #expect(root["b"]?.sequence?.style == .block)
        #expect(root["c"]?.mapping?.style == .flow)
    }

    @Test func rejectsDuplicateKeysWithBothLines() {
        #expect {
            try YAMLReader.documents(in: "metadata:\n  name: a\n  name: b\n")
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .duplicateKey && error.line == 3 && error.column == 3
                && error.message.contains("first defined at line 2")
        }
    }

    @Test func reportsSyntaxErrorsWithLineAndColumn() {
        #expect {
            try YAMLReader.documents(in: "a: 1\nb: [1, 2\nc: 3\n")
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .syntax && error.line >= 2 && !error.message.isEmpty
        }
    }

    @Test func expandsAliasesAndMergeKeys() throws {
        let text = """
            base: &base
              port: 5432
              protocol: TCP
            ports:
              - <<: *base
                name: postgres
              - *base
            """
        let root = try #require(try YAMLReader.documents(in: text).first?.mapping)
        let ports = try #require(root["ports"]?.sequence?.items)
        #expect(ports.count == 2)
        #expect(ports[0].mapping?["port"]?.scalar?.value == "5432")
        #expect(ports[0].mapping?["name"]?.scalar?.value == "postgres")
        #expect(ports[1].mapping?["protocol"]?.scalar?.value == "TCP")
    }

    @Test func billionLaughsFailsFastWithAClearError() {
        var text = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 9).joined(separator: ", "))]\n"
        }
        #expect {
            try YAMLReader.documents(in: text)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .aliasLimit && error.message.contains("billion laughs")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 100_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect {
            try YAMLReader.documents(in: text)
        } throws: { error in
            (error as? ManifestError)?.kind == .depthLimit
        }
    }

    @Test func emptyDocumentsYieldNothing() throws {
        #expect(try YAMLReader.documents(in: "").isEmpty)
        #expect(try YAMLReader.documents(in: "# only a comment\n").isEmpty)
        #expect(try YAMLReader.documents(in: "---\n...\n").isEmpty)
    }

    @Test func resolvesScalarsLikeKubectl() {
        func plain(_ text: String) -> ResolvedScalar { ScalarResolver.resolvePlain(text) }
        #expect(plain("5432") == .int(5432))
        #expect(plain("0x1F") == .int(31))
        #expect(plain("true") == .bool(true))
        #expect(plain("yes") == .bool(true))
        #expect(plain("off") == .bool(false))
        #expect(plain("~") == .null)
        #expect(plain("") == .null)
        #expect(plain("10.0.0.1") == .string("10.0.0.1"))
        #expect(plain("1.5") == .float(1.5))
        #expect(plain("postgres") == .string("postgres"))
        let quoted = Scalar(
            value: "5432", style: .doubleQuoted,
            span: SourceSpan(start: Mark(offset: 0, line: 1, column: 1), end: Mark(offset: 0, line: 1, column: 1)))
        #expect(quoted.resolved == .string("5432"))
    }
}
