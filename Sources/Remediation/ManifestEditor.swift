import Manifests

/// Edits one manifest file's text to carry out a plan's changes for that file, by byte edits at the
/// positions the parser reported. Comments, key order, quoting, indentation, flow or block style,
/// document markers, other documents, line endings and the final newline stay as they are; only the
/// values that change are touched. The result is checked by re-parsing it.
public enum ManifestEditor {
    /// What to do to one existing file.
    public struct FileRequest: Sendable {
        public var path: String
        public var original: [UInt8]
        public var edits: [ObjectEdit]
        /// Objects to remove (`--prune`).
        public var removals: [ObjectLocation]
        /// New objects placed after an object of this file.
        public var insertions: [NewObject]

        public init(
            path: String, original: [UInt8], edits: [ObjectEdit] = [], removals: [ObjectLocation] = [],
            insertions: [NewObject] = []
        ) {
            self.path = path
            self.original = original
            self.edits = edits
            self.removals = removals
            self.insertions = insertions
        }
    }

    /// A file's new content and the hunks that changed.
    public struct FileResult: Sendable, Hashable {
        public var path: String
        /// `nil` for a new file.
        public var original: [UInt8]?
        /// `nil` when nothing is left in the file: it is deleted.
        public var edited: [UInt8]?
        public var hunks: [EditHunk]

        public init(path: String, original: [UInt8]?, edited: [UInt8]?, hunks: [EditHunk]) {
            self.path = path
            self.original = original
            self.edited = edited
            self.hunks = hunks
        }
    }

    static func isJSON(_ path: String) -> Bool { path.lowercased().hasSuffix(".json") }

    /// Applies the request's changes; throws when the file cannot be edited safely (then it is left as it was).
    public static func apply(_ request: FileRequest) throws(RemediationError) -> FileResult {
        // A UTF-8 byte-order mark stays, and the text after it is edited: the parser's positions
        // count from there.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        guard request.original.starts(with: bom) else { return try applyToText(request) }
        var inner = request
        inner.original = Array(request.original.dropFirst(bom.count))
        var result = try applyToText(inner)
        result.original = request.original
        result.edited = result.edited.map { bom + $0 }
        return result
    }

    private static func applyToText(_ request: FileRequest) throws(RemediationError) -> FileResult {
        let text = SourceText(request.original)
        let json = isJSON(request.path)
        let documents = try Documents(text: text, json: json, path: request.path)
        var edits: [TextEdit] = []
        // Grouped per List document: removed and inserted items of its `items`.
        var listRemovals: [Int: Set<Int>] = [:]
        var listInsertions: [Int: [(gap: Int, text: [UInt8])]] = [:]
        var removedDocuments: Set<Int> = []
        var removedRefs: Set<ObjectRef> = []

        for location in request.removals {
            _ = try documents.object(at: location)
            removedRefs.insert(location.ref)
            if let item = location.itemIndex {
                listRemovals[location.documentIndex, default: []].insert(item)
            } else {
                removedDocuments.insert(location.documentIndex)
            }
        }
        for edit in request.edits where !removedRefs.contains(edit.location.ref) {
            let node = try documents.object(at: edit.location)
            guard let mapping = node.mapping else { continue }
            let style = FileStyle.detect(root: node, in: text, json: json)
            let editor = NodeEditor(text: text, style: style, subject: request.path)
            edits += try ObjectEditor(editor: editor, root: mapping, ref: edit.location.ref).edits(for: edit.operations)
        }
        var documentInsertions: [Int: [[UInt8]]] = [:]
        for object in request.insertions {
            guard case .after(let location) = object.placement else { continue }
            let anchor = try documents.object(at: location)
            let style = FileStyle.detect(root: anchor, in: text, json: json)
            let renderer = FragmentRenderer(style: style)
            // Top-level keys in the order the neighbouring object writes them.
            let fragment = ObjectRenderer.fragment(
                object.object, namespace: object.writesNamespace ? object.namespace : nil
            ).ordered(like: anchor.mapping?.entries.compactMap { $0.key.scalar?.value } ?? [])
            if let item = location.itemIndex {
                guard let items = documents.root(location.documentIndex)?.mapping?["items"]?.sequence else {
                    throw RemediationError(operation: "edit", subject: request.path, message: "the List has no items")
                }
                let editor = NodeEditor(text: text, style: style, subject: request.path)
                let itemText: [UInt8]
                if items.style == .block {
                    let column = try ItemTemplates(editor: editor).dashColumn(of: items) ?? 0
                    itemText = renderer.joinLines(renderer.blockItem(fragment, dashIndent: column))
                } else {
                    let indent = text.indentation(ofLineAt: anchor.span.start.offset)
                    itemText = Array((json ? renderer.json(fragment, indent: indent) : renderer.flow(fragment)).utf8)
                }
                listInsertions[location.documentIndex, default: []].append((item + 1, itemText))
            } else {
                guard case .map(let entries) = fragment else { continue }
                documentInsertions[location.documentIndex, default: []].append(
                    renderer.joinLines(["---"] + renderer.blockMapping(entries, indent: 0)))
            }
        }
        for document in Set(listRemovals.keys).union(listInsertions.keys) {
            guard let items = documents.root(document)?.mapping?["items"]?.sequence else { continue }
            let style = FileStyle.detect(
                root: documents.root(document) ?? .mapping(Mapping(entries: [], style: .block, span: items.span)),
                in: text, json: json)
            let editor = NodeEditor(text: text, style: style, subject: request.path)
            switch try editor.editSequence(
                items, removals: listRemovals[document] ?? [], insertions: listInsertions[document] ?? [], depth: 0)
            {
            case .edits(let more): edits += more
            case .empty: removedDocuments.insert(document)
            }
        }
        for document in removedDocuments {
            edits.append(TextEdit(delete: documents.range(document)))
        }
        for (document, texts) in documentInsertions where !removedDocuments.contains(document) {
            let end = documents.range(document).upperBound
            var insertion = texts.flatMap { $0 }
            if end > 0, text.bytes[end - 1] != UInt8(ascii: "\n") { insertion = text.eol + insertion }
            edits.append(TextEdit(insert: insertion, at: end, depth: -1))
        }
        let minimized = edits.map { $0.minimized(in: request.original) }.filter {
            !($0.range.isEmpty && $0.replacement.isEmpty)
        }
        let edited = try TextEdit.apply(minimized, to: request.original, subject: request.path)
        let hunks = EditHunk.hunks(for: minimized, in: text)
        let remainsContent = Documents.hasContent(edited, json: json) && !(json && removedDocuments.contains(0))
        return FileResult(
            path: request.path, original: request.original, edited: remainsContent ? edited : nil, hunks: hunks)
    }

    /// A new file holding `objects` (adopted objects, or a new slice beside a JSON file).
    public static func newFile(path: String, objects: [NewObject]) -> FileResult {
        let bytes = ObjectRenderer.file(
            objects.map { ($0.object, $0.writesNamespace ? $0.namespace : nil) }, json: isJSON(path))
        let text = String(decoding: bytes, as: UTF8.self)
        return FileResult(
            path: path, original: nil, edited: bytes,
            hunks: [EditHunk(startLine: 1, endLine: 0, before: "", after: text)])
    }
}

/// The documents of a file as the scanner numbers them, parsed on demand.
struct Documents {
    let text: SourceText
    let json: Bool
    let path: String
    private var pieces: [Range<Int>] = []
    private var roots: [Int: Node] = [:]

    init(text: SourceText, json: Bool, path: String) throws(RemediationError) {
        self.text = text
        self.json = json
        self.path = path
        let bytes = text.bytes
        if json {
            pieces = [0..<bytes.count]
            let result: Result<Node, ManifestError> = bytes.withUnsafeBytes { buffer in
                Result { () throws(ManifestError) in try JSONReader.parse(buffer) }
            }
            do {
                roots[0] = try result.get()
            } catch {
                throw RemediationError(operation: "parse", subject: path, message: error.description)
            }
            return
        }
        let split: [DocumentSplitter.Piece] = bytes.withUnsafeBytes { DocumentSplitter.split($0) }
        for piece in split {
            let content = bytes.withUnsafeBytes {
                DocumentSplitter.hasContent(UnsafeRawBufferPointer(rebasing: $0[piece.range]))
            }
            guard content else { continue }
            let index = pieces.count
            pieces.append(piece.range)
            let result: Result<[Node], ManifestError> = bytes.withUnsafeBytes { buffer in
                Result { () throws(ManifestError) in
                    try YAMLReader.documents(
                        in: UnsafeRawBufferPointer(rebasing: buffer[piece.range]),
                        origin: Mark(offset: piece.range.lowerBound, line: piece.line, column: 1))
                }
            }
            if let root = try? result.get().first { roots[index] = root }
        }
    }

    func root(_ document: Int) -> Node? { roots[document] }

    /// The bytes of document `index`, from its `---` line (or the file's start) to the next one.
    func range(_ document: Int) -> Range<Int> { pieces[document] }

    /// The object's node, checked against the location's kind and name.
    func object(at location: ObjectLocation) throws(RemediationError) -> Node {
        guard let root = roots[location.documentIndex] else {
            throw RemediationError(
                operation: "locate object", subject: location.description,
                message: "no document \(location.documentIndex) in \(path)")
        }
        var node = root
        if let item = location.itemIndex {
            guard let items = root.mapping?["items"]?.sequence, item < items.items.count else {
                throw RemediationError(
                    operation: "locate object", subject: location.description, message: "no List item \(item)")
            }
            node = items.items[item]
        }
        guard let mapping = node.mapping, mapping["kind"]?.stringValue == location.ref.kind.rawValue,
            mapping["metadata"]?.mapping?["name"]?.stringValue == location.ref.name
        else {
            throw RemediationError(
                operation: "locate object", subject: location.description,
                message: "\(location.ref) is not where the scan found it")
        }
        return node
    }

    static func hasContent(_ bytes: [UInt8], json: Bool) -> Bool {
        if json { return bytes.contains { !Geometry.isSpace($0) } }
        return bytes.withUnsafeBytes { buffer in
            DocumentSplitter.split(buffer).contains {
                DocumentSplitter.hasContent(UnsafeRawBufferPointer(rebasing: buffer[$0.range]))
            }
        }
    }
}
