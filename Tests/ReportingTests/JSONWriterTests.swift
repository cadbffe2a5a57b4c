import Foundation
import Manifests
import Testing

@testable import Reporting

@Suite struct JSONWriterTests {
    @Test("strings are escaped as RFC 8259 asks, everything else is written as is")
    func escapes() throws {
        let text = "plain \"quoted\" back\\slash\nnew\rreturn\ttab \u{01}\u{1F}\u{7F} <>& é 日本 🚀 end"
        #expect(
            JSONString.quoted(text)
                == "\"plain \\\"quoted\\\" back\\\\slash\\nnew\\rreturn\\ttab \\u0001\\u001f\u{7F} <>& é 日本 🚀 end\"")
        #expect(JSONString.quoted("") == "\"\"")
        var appended = "x"
        JSONString.append("\u{0}", to: &appended)
        #expect(appended == "x\"\\u0000\"")
        // What Foundation reads back is the text.
        let round = try JSONSerialization.jsonObject(
            with: Data(JSONString.quoted(text).utf8), options: .fragmentsAllowed)
        #expect(round as? String == text)
    }

    @Test("sorted keys, two-space indentation, compact form")
    func layout() {
        let value = StructuredValue.object([
            ("b", .array([.int(1), .double(2.5), .null, .bool(true)])), ("a", .object([])), ("c", .array([])),
            ("d", .object([("z", .string("é"))])), ("n", .double(.infinity)),
        ])
        #expect(
            JSONWriter.write(value)
                == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true\n  ],\n  \"c\": [],\n  \"d\": {\n    \"z\": \"é\"\n  },\n  \"n\": null\n}\n"
        )
        #expect(
            JSONWriter.write(value, pretty: false, sortKeys: false)
                == "{\"b\":[1,2.5,null,true],\"a\":{},\"c\":[],\"d\":{\"z\":\"é\"},\"n\":null}")
    }

    @Test("an object whose arrays are made element by element is written as its tree is")
    func streamed() {
        let members: [(String, JSONWriter.Member)] = [
            ("z", .elements(count: 3) { .object([("i", .int($0)), ("s", .string("n\($0)"))]) }),
            ("empty", .elements(count: 0) { _ in .null }),
            ("a", .value(.object([("k", .array([.bool(false)]))]))),
        ]
        #expect(JSONWriter.write(members: members) == JSONWriter.write(.object(members.map { ($0.0, $0.1.value) })))
        #expect(JSONWriter.write(members: []) == JSONWriter.write(.object([])))
    }

    @Test(
        "long arrays, written in one piece per core and joined, are the same bytes", arguments: [255, 256, 257, 1001])
    func streamedInPieces(count: Int) {
        let members: [(String, JSONWriter.Member)] = [
            ("services", .elements(count: count) { .object([("i", .int($0)), ("s", .array([.string("n\($0)")]))]) }),
            ("nested", .array([.elements(count: count) { .int($0) }])),
        ]
        #expect(JSONWriter.write(members: members) == JSONWriter.write(.object(members.map { ($0.0, $0.1.value) })))
    }
}
