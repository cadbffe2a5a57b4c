import Foundation
import Manifests
import Testing

/// `JSONReader.skipValueUnchecked` ends where `skipValue` ends for every valid value, and refuses
/// what cannot be stepped over by brackets and strings.
@Suite struct JSONSkipTests {
    /// Skips the first value of `text` with `skip`; the offset after it, or the error's message.
    static func end(
        _ text: String, _ skip: (inout JSONReader) throws(ManifestError) -> Void
    ) -> Result<Int, ManifestError> {
        Array(text.utf8).withUnsafeBytes { bytes in
            var reader = JSONReader(bytes: bytes)
            return Result { () throws(ManifestError) in
                try skip(&reader)
                return reader.offset
            }
        }
    }

    static func bothSkips(_ text: String) -> (Result<Int, ManifestError>, Result<Int, ManifestError>) {
        (
            end(text) { reader throws(ManifestError) in try reader.skipValue() },
            end(text) { reader throws(ManifestError) in try reader.skipValueUnchecked() }
        )
    }

    @Test(
        "both skips end at the same place on valid values",
        arguments: [
            #"{"metadata":{"managedFields":[{"f:a":{},"k:{\"port\":80}":{".":{}}}]},"x":[1,2.5e3,true,null]} ,"next""#,
            #"[ "a]b", "c}d", "e\"]", "\\", {"k": "v\\\"}"} ] tail"#,
            "{\n  \"a\": [\n    {}\n  ]\n}\n",
            #""just a string" 1"#, "42, 1", "true ]", "{}", "[]", #"{"":""}"#,
        ])
    func sameEnd(_ text: String) throws {
        let (checked, unchecked) = Self.bothSkips(text)
        #expect(try unchecked.get() == checked.get())
    }

    @Test("random nested values end at the same place")
    func randomValues() throws {
        var generator = SystemRandomNumberGenerator()
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 6 ? 3 : 6), using: &generator) {
            case 0: return "\"s\\\"{[\(Int.random(in: 0..<99, using: &generator))\""
            case 1: return String(Int.random(in: -999...999, using: &generator))
            case 2: return ["true", "false", "null"].randomElement(using: &generator) ?? "null"
            case 3:
                return "["
                    + (0..<Int.random(in: 0..<4, using: &generator)).map { _ in value(depth + 1) }.joined(
                        separator: ",") + "]"
            default:
                return "{"
                    + (0..<Int.random(in: 0..<4, using: &generator)).map { index in
                        "\"k\(index)]\": " + value(depth + 1)
                    }.joined(separator: ", ") + "}"
            }
        }
        for _ in 0..<300 {
            let text = "[" + value(0) + "]" + " ,{}"
            let (checked, unchecked) = Self.bothSkips(text)
            #expect(try unchecked.get() == checked.get(), "\(text)")
        }
    }

    @Test(
        "what cannot be stepped over is refused",
        arguments: [#"{"a":[1,2}"#, #"[{"a":"unterminated}]"#, "{\"a\":[", "[1,2]]", "{]"])
    func refused(_ text: String) {
        let (_, unchecked) = Self.bothSkips(text)
        if case .success(let end) = unchecked {
            // "[1,2]]" ends after its own value: the extra bracket is the caller's to find.
            #expect(text == "[1,2]]" && end == 5)
        }
    }

    @Test("nesting past 64 levels is walked by skipValue, which bounds depth")
    func deepNesting() throws {
        let shallow = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        let (checked, unchecked) = Self.bothSkips(shallow)
        #expect(try unchecked.get() == checked.get())
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let (deepChecked, deepUnchecked) = Self.bothSkips(deep)
        guard case .failure(let expected) = deepChecked, case .failure(let error) = deepUnchecked else {
            Issue.record("5,000 levels must be refused by both")
            return
        }
        #expect(error.message == expected.message)
    }
}
