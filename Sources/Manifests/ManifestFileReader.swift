/// Reads one manifest file's bytes into the objects this tool checks. Pure: knows nothing of git.
///
/// Most documents in a GitOps repository are Deployments, ConfigMaps and the like; a textual look at
/// each document's top-level `kind:` decides whether to parse it at all, which is what makes scanning
/// a large repository cheap. The decision is only "parse or not": what an object is always comes
/// from the parsed tree, so a ConfigMap whose data mentions `kind: Endpoints` is never taken for one.
public enum ManifestFileReader {
    /// An object read from the file, before its namespace is resolved.
    public struct FileObject: Sendable, Codable {
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

    /// One parsed document of a file, kept as a tree (for the steps that transform objects before
    /// decoding them: kustomize patches, Flux variable substitution).
    public struct Document: Sendable, Codable {
        public var root: Node
        /// 0-based index of the document in the file (documents without content are not counted).
        public var index: Int
    }

    public struct Output: Sendable, Codable {
        public var objects: [FileObject] = []
        public var errors: [ManifestError] = []
        public var notes: [ScanNote] = []
        /// `.documents` mode: the parsed documents that may hold a Service, Endpoints or EndpointSlice.
        public var documents: [Document] = []
        /// Documents that tell how the repository is deployed: Flux `Kustomization`s, Argo CD
        /// `Application`s and the `argocd-cm` ConfigMap. Few, small, and read in every mode.
        public var gitOpsDocuments: [Document] = []
        /// Whether a document is a ConfigMap or Secret: a possible source of Flux variables, parsed
        /// later only if a Flux Kustomization asks for one.
        public var mayHoldVariables = false
        /// A document that may hold our objects contains `$` or `<path:`: a variable or placeholder may be there.
        public var hasPlaceholders = false
        /// Documents that were parsed (for statistics and benchmarks).
        public var parsedDocuments = 0
        public var skippedDocuments = 0

        public init() {}
    }

    /// What to do with a file's documents.
    public enum Mode: Sendable {
        /// Decode the Services, Endpoints and EndpointSlices (and note the GitOps documents).
        case objects
        /// Keep the documents that may hold them as trees, undecoded.
        case documents
        /// Only the GitOps documents and whether variables may be defined here: the file is not
        /// selected for checking, but may say how the selected files are deployed.
        case discovery
    }

    /// The kinds worth parsing a document for.
    static let interestingKinds: Set<Substring> = ["Service", "Endpoints", "EndpointSlice"]

    public static func read(
        _ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits = .standard, mode: Mode = .objects
    ) -> Output {
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
            readJSON(bytes, path: path, limits: limits, mode: mode, into: &output)
        } else {
            readYAML(bytes, path: path, limits: limits, mode: mode, into: &output)
        }
        return output
    }

    public static func read(
        _ text: String, path: String, limits: ParseLimits = .standard, mode: Mode = .objects
    ) -> Output {
        var copy = text
        return copy.withUTF8 { read(UnsafeRawBufferPointer($0), path: path, limits: limits, mode: mode) }
    }

    private static func readYAML(
        _ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits, mode: Mode, into output: inout Output
    ) {
        var documentIndex = 0
        // argocd-cm is looked for only where Argo CD's settings live (install manifests, an argocd
        // folder): searching every ConfigMap of a large repository for it would cost a pass over its text.
        var argoSettings: Bool?
        for piece in DocumentSplitter.split(bytes) {
            let text = UnsafeRawBufferPointer(rebasing: bytes[piece.range])
            guard DocumentSplitter.hasContent(text) else { continue }
            defer { documentIndex += 1 }
            let kinds = DocumentSplitter.topLevelKinds(text)
            let gitOps = isGitOps(kinds: kinds, text: text) {
                if let known = argoSettings { return known }
                let found = path.utf8.count >= 4 && path.lowercased().contains("argo")
                argoSettings = found
                return found
            }
            if !output.mayHoldVariables, kinds.contains(where: { $0 == "ConfigMap" || $0 == "Secret" }) {
                output.mayHoldVariables = true
            }
            let wanted = mode != .discovery && worthParsing(yamlDocument: text, kinds: kinds)
            guard wanted || gitOps else {
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
            if wanted && !output.hasPlaceholders {
                // Flux substitutes `$VAR` as well as `${VAR}`: any `$` may be a variable.
                output.hasPlaceholders = ByteSearch.contains(text, "$") || ByteSearch.contains(text, "<path:")
            }
            let origin = Mark(offset: piece.range.lowerBound, line: piece.line, column: 1)
            do {
                for root in try YAMLReader.documents(in: text, origin: origin, limits: limits) {
                    if gitOps { output.gitOpsDocuments.append(Document(root: root, index: documentIndex)) }
                    guard wanted else { continue }
                    if mode == .documents {
                        output.documents.append(Document(root: root, index: documentIndex))
                    } else {
                        collect(ObjectDecoder.decode(root), path: path, documentIndex: documentIndex, into: &output)
                    }
                }
            } catch {
                // A broken GitOps document outside the selection is not this file's problem to report.
                if wanted { output.errors.append(error.inFile(path)) }
            }
        }
    }

    /// A Flux Kustomization, an Argo CD Application, or Argo CD's `argocd-cm` ConfigMap.
    static func isGitOps(
        kinds: [Substring], text: UnsafeRawBufferPointer, argoSettings: () -> Bool
    ) -> Bool {
        for kind in kinds {
            // Only their controllers' API groups make them ours (`FluxKustomization.read`,
            // `ArgoApplication.read`): kustomize's own `kind: Kustomization` files, in every folder of a
            // kustomize repository, are read by name and not parsed here.
            switch kind {
            case "Kustomization": if ByteSearch.contains(text, "fluxcd.io") { return true }
            case "Application": if ByteSearch.contains(text, "argoproj.io") { return true }
            case "ConfigMap": if argoSettings() && ByteSearch.contains(text, "argocd-cm") { return true }
            default: continue
            }
        }
        return false
    }

    private static func readJSON(
        _ bytes: UnsafeRawBufferPointer, path: String, limits: ParseLimits, mode: Mode, into output: inout Output
    ) {
        // GitOps controllers' own objects are written in YAML; a JSON file is only ever a manifest.
        guard mode != .discovery else { return }
        // "EndpointSlice" does not contain "Endpoints": a lone JSON slice needs its own test.
        guard ByteSearch.contains(bytes, "\"kind\""),
            ByteSearch.contains(bytes, "Service") || ByteSearch.contains(bytes, "Endpoints")
                || ByteSearch.contains(bytes, "EndpointSlice") || ByteSearch.contains(bytes, "List\"")
        else {
            output.skippedDocuments += 1
            return
        }
        output.parsedDocuments += 1
        output.hasPlaceholders = ByteSearch.contains(bytes, "$") || ByteSearch.contains(bytes, "<path:")
        do {
            let root = try JSONReader.parse(bytes, limits: limits)
            if mode == .documents {
                output.documents.append(Document(root: root, index: 0))
            } else {
                collect(ObjectDecoder.decode(root), path: path, documentIndex: 0, into: &output)
            }
        } catch {
            output.errors.append(error.inFile(path))
        }
    }

    /// The pre-filter. A top-level `kind:` line decides; without one (flow style, an indented root)
    /// the document is parsed when it mentions a kind we read.
    static func worthParsing(
        yamlDocument text: UnsafeRawBufferPointer, kinds: [Substring]? = nil
    ) -> Bool {
        let kinds = kinds ?? DocumentSplitter.topLevelKinds(text)
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
