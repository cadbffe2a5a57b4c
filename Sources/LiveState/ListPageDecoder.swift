import Manifests

/// Decodes one list answer of the API server, as the live reader does (for benchmarks and tools
/// that fetch pages themselves).
public enum ListPageDecoder {
    public struct Page: Sendable {
        public var objects: [KubeObject]
        public var continueToken: String?
        /// Items that could not be decoded, and why.
        public var problems: [String]
    }

    /// A JSON answer, or a protobuf one (it starts with `k8s\0`).
    public static func decode(_ bytes: UnsafeRawBufferPointer, resource: APIResource) throws(LiveError) -> Page {
        if bytes.starts(with: ProtobufEnvelope.magic) {
            do throws(ProtobufListPage.Failure) {
                let page = try ProtobufListPage(bytes, resource: resource).page(in: bytes)
                return Page(
                    objects: page.records.map(\.object), continueToken: page.continueToken, problems: page.problems)
            } catch {
                throw LiveError(
                    kind: .invalidResponse, operation: "list", resource: resource.qualifiedName, message: error.message)
            }
        }
        do {
            let page = try ListPage.parse(bytes, resource: resource, keepDocuments: false)
            return Page(objects: page.records.map(\.object), continueToken: page.continueToken, problems: page.problems)
        } catch {
            throw LiveError(
                kind: .invalidResponse, operation: "list", resource: resource.qualifiedName,
                message: "line \(error.line), column \(error.column): \(error.message)")
        }
    }
}
