/// Reads one manifest file's bytes into the objects this tool checks. Pure: knows nothing of git.
///
/// Most documents in a GitOps repository are Deployments, ConfigMaps and the like; a textual look at
/// each document's top-level `kind:` decides whether to parse it at all, which is what makes scanning
/// a large repository cheap. The decision is only "parse or not": what an object is always comes
/// from the parsed tree, so a ConfigMap whose data mentions `kind: Endpoints` is never taken for one.
public enum ManifestFileReader {
    /// An object read from the file, before its namespace is resolved.
    public struct FileObject: Sendable {
        public var object: KubeObject
        public var line: Int
        public var column: Int
        public var documentIndex: Int
        public var itemIndex: Int?

        /// This object as read from `path`, in `namespace` (resolved by the caller, by `rule`).
        public func record(
            path: String, namespace: String, rule: NamespaceRule?, blobID: String = "", commitID: String = ""
        ) -> ObjectRecord {
            ObjectRecord(
                object: object, ref: ObjectRef(kind: object.kind, namespace: namespace, name: object.metadata.name),
                source: SourceLocation(
                    path: path, line: line, column: column, documentIndex: documentIndex, itemIndex: itemIndex,
                    blobID: blobID, commitID: commitID),
                namespaceRule: rule)
        }
    }

    public struct Output: Sendable {
        public var objects: [FileObject] = []
        public var errors: [ManifestError] = []
        public var notes: [ScanNote] = []
        /// Documents that were parsed (for statistics and benchmarks).
        public var parsedDocuments = 0
        public var skippedDocuments = 0
    }

    /// The kinds worth parsing a document for.
    static let interestingKinds: Set<Substring> = ["Service", "Endpoints", "EndpointSlice"]

    public static func read(_ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits = .standard) -> Output {
        var output = Output()
        if ByteSearch.hasPrefix(bytes, "version https://git-lfs.github.com/spec/") {
            output.notes.append(
                ScanNote(path: path, reason: .lfsPointer, message: "Git LFS pointer; the file's content is not in git"))
            return output
        }
        if let encoding = UnicodeBOM.detect(bytes) {
            guard let utf8 = encoding.utf8(bytes) else {
                output.notes.append(
                    ScanNote(
                        path: path, reason: .notUTF8,
                        message:
                            "starts with a \(encoding.rawValue) byte order mark but is not valid \(encoding.rawValue)"))
                return output
            }
            return utf8.withUnsafeBytes { read($0, path: path, limits: limits) }
        }
        if ByteSearch.looksBinary(bytes) {
            output.notes.append(ScanNote(path: path, reason: .binary, message: "binary file"))
            return output
        }
        if !ByteSearch.isValidUTF8(bytes) {
            output.notes.append(
                ScanNote(path: path, reason: .notUTF8, message: "not UTF-8 text; Kubernetes manifests must be UTF-8"))
            return output
        }
        if path.lowercased().hasSuffix(".json") {
            readJSON(bytes, path: path, limits: limits, into: &output)
        } else {
            readYAML(bytes, path: path, limits: limits, into: &output)
        }
        return output
    }

    public static func read(_ text: String, path: String, limits: ParseLimits = .standard) -> Output {
        var copy = text
        return copy.withUTF8 { read(UnsafeRawBufferPointer($0), path: path, limits: limits) }
    }

    private static func readYAML(
        _ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits, into output: inout Output
    ) {
        var documentIndex = 0
        for piece in DocumentSplitter.split(bytes) {
            let text = UnsafeRawBufferPointer(rebasing: bytes[piece.range])
            guard DocumentSplitter.hasContent(text) else { continue }
            defer { documentIndex += 1 }
            guard worthParsing(yamlDocument: text) else {
                output.skippedDocuments += 1
                continue
            }
            if ByteSearch.contains(text, "{{") {
                output.notes.append(
                    ScanNote(
                        path: path, line: piece.line, reason: .template,
                        message: "Helm/Go template ({{ … }}); render it and commit the result to have it checked"))
                continue
            }
            output.parsedDocuments += 1
            let origin = Mark(offset: piece.range.lowerBound, line: piece.line, column: 1)
            do {
                for root in try YAMLReader.documents(in: text, origin: origin, limits: limits) {
                    collect(ObjectDecoder.decode(root), path: path, documentIndex: documentIndex, into: &output)
                }
            } catch {
                output.errors.append(error.inFile(path))
            }
        }
    }

    private static func readJSON(
        _ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits, into output: inout Output
    ) {
        // "EndpointSlice" does not contain "Endpoints": a lone JSON slice needs its own test.
        guard ByteSearch.contains(bytes, "\"kind\""),
            ByteSearch.contains(bytes, "Service") || ByteSearch.contains(bytes, "Endpoints")
                || ByteSearch.contains(bytes, "EndpointSlice") || ByteSearch.contains(bytes, "List\"")
        else {
            output.skippedDocuments += 1
            return
        }
        output.parsedDocuments += 1
        do {
            let root = try JSONReader.parse(bytes, limits: limits)
            collect(ObjectDecoder.decode(root), path: path, documentIndex: 0, into: &output)
        } catch {
            output.errors.append(error.inFile(path))
        }
    }

    /// The pre-filter. A top-level `kind:` line decides; without one (flow style, an indented root)
    /// the document is parsed when it mentions a kind we read.
    static func worthParsing(yamlDocument text: UnsafeRawBufferPointer) -> Bool {
        let kinds = DocumentSplitter.topLevelKinds(text)
        if kinds.count == 1, let kind = kinds.first {
            return interestingKinds.contains(kind) || kind.hasSuffix("List")
        }
        if kinds.count > 1 { return true }
        return ByteSearch.contains(text, "Service") || ByteSearch.contains(text, "Endpoints")
            || ByteSearch.contains(text, "EndpointSlice") || ByteSearch.contains(text, "List")
    }

    private static func collect(
        _ result: ObjectDecoder.Result, path: String, documentIndex: Int, into output: inout Output
    ) {
        for decoded in result.objects {
            output.objects.append(
                FileObject(
                    object: decoded.object, line: decoded.start.line, column: decoded.start.column,
                    documentIndex: documentIndex, itemIndex: decoded.itemIndex))
        }
        output.errors.append(contentsOf: result.errors.map { $0.inFile(path) })
        for note in result.notes {
            output.notes.append(
                ScanNote(path: path, line: note.mark.line, reason: .unsupportedAPIVersion, message: note.message))
        }
    }
}
