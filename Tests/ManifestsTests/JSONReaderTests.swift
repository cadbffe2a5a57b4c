import Testing

@testable import Manifests

@Suite struct JSONReaderTests {
    @Test func readsValuesWithPositions() throws {
        let text =
            "{\n  \"kind\": \"Endpoints\",\n  \"subsets\": [{\"addresses\": [{\"ip\": \"10.0.0.1\"}]}],\n  \"n\": -1.5e3\n}"
        let root = try #require(try JSONReader.parse(text).mapping)
        #expect(root["kind"]?.stringValue == "Endpoints")
        let ip = try #require(
            root["subsets"]?.sequence?.items.first?.mapping?["addresses"]?.sequence?.items.first?.mapping?["ip"]?.scalar
        )
        #expect(ip.span.start.line == 3)
        #expect(String(decoding: Array(text.utf8)[ip.span.byteRange], as: UTF8.self) == "\"10.0.0.1\"")
        #expect(root["n"]?.scalar?.resolved == .float(-1500))
        #expect(root.entry("kind")?.key.span.start.line == 2)
    }

    @Test func decodesEscapes() throws {
        let node = try JSONReader.parse(#"{"a": "x\"y\\z\/\n\u00e9\ud83d\ude00"}"#)
        #expect(node.mapping?["a"]?.stringValue == "x\"y\\z/\né😀")
    }

    @Test func numbersAndStringsKeepTheirTypes() throws {
        let root = try #require(try JSONReader.parse(#"{"port": 5432, "name": "5432", "ok": true, "n": null}"#).mapping)
        #expect(root["port"]?.scalar?.resolved == .int(5432))
        #expect(root["name"]?.scalar?.resolved == .string("5432"))
        #expect(root["ok"]?.scalar?.resolved == .bool(true))
        #expect(root["n"]?.isNull == true)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "quoted key"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1, 2", "expected ',' or ']'"),
        ("{\"a\": tru}", "invalid literal"),
        ("{\"a\": 01}", "invalid literal"),
        ("{\"a\": \"x}", "unterminated string"),
        ("{} {}", "unexpected text"),
    ])
    func rejectsInvalidJSON(text: String, expected: String) {
        #expect {
            try JSONReader.parse(text)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .syntax && error.message.contains(expected) && error.line == 1
        }
    }

    @Test func rejectsDuplicateKeys() {
        #expect {
            try JSONReader.parse("{\"a\": 1,\n \"a\": 2}")
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .duplicateKey && error.line == 2
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        #expect {
            try JSONReader.parse(text)
        } throws: { error in
            (error as? ManifestError)?.kind == .depthLimit
        }
    }

    @Test func cursorSkipsValuesItDoesNotNeed() throws {
        var text = #"{"metadata": {"managedFields": [{"a": [1, {"b": "}"}]}]}, "items": [1, 2]}"#
        try text.withUTF8 { buffer in
            var reader = JSONReader(bytes: UnsafeRawBufferPointer(buffer))
            try reader.expect(UInt8(ascii: "{"))
            var keys: [String] = []
            var first = true
            while let key = try reader.nextKey(first: first) {
                first = false
                keys.append(key)
                try reader.skipValue()
            }
            #expect(keys == ["metadata", "items"])
        }
    }
}
