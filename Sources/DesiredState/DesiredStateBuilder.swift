import Manifests

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What the scanner hands the desired-state step: the commit's files, what it already read of the
/// selected ones, and the documents that say how the repository is deployed.
public struct DesiredStateInput {
    /// A selected file as the scanner read it, objects decoded as plain manifests.
    public struct ReadFile: Sendable {
        public var path: String
        public var records: [ObjectRecord]
        /// The file's documents hold `${…}` or `<path:…>`: built again with variables.
        public var hasPlaceholders: Bool

        public init(path: String, records: [ObjectRecord], hasPlaceholders: Bool) {
            self.path = path
            self.records = records
            self.hasPlaceholders = hasPlaceholders
        }
    }

    /// A Flux Kustomization, Argo CD Application or `argocd-cm` document, wherever it is in the commit.
    public struct GitOpsDocument: Sendable {
        public var path: String
        public var root: Node

        public init(path: String, root: Node) {
            self.path = path
            self.root = root
        }
    }

    public var tree: any FileTree
    /// Every kustomization file of the commit.
    public var kustomizationFiles: [String]
    public var gitOpsDocuments: [GitOpsDocument]
    /// Files with ConfigMap or Secret documents (possible `substituteFrom` sources).
    public var variableSourceFiles: [String]
    /// The selected files, in tree order.
    public var files: [ReadFile]
    public var variableFiles: [VariableFile]
    /// `--vars-from-cluster`: what the cluster answered for the requests of an earlier build.
    public var clusterVariables: [ClusterVariableSource]
    /// Whether a build that starts at this path (a kustomization, a Flux Kustomization's or an
    /// Application's file, or its folder) is in the selection (`--path`, `--exclude`).
    public var selectsEntry: @Sendable (String) -> Bool
    /// Whether a file is selected for checking.
    public var selectsFile: @Sendable (String) -> Bool
    public var defaultNamespace: String
    public var limits: ParseLimits
    public var commitID: String

    public init(
        tree: any FileTree, kustomizationFiles: [String], gitOpsDocuments: [GitOpsDocument],
        variableSourceFiles: [String], files: [ReadFile], variableFiles: [VariableFile] = [],
        clusterVariables: [ClusterVariableSource] = [],
        selectsEntry: @escaping @Sendable (String) -> Bool = { _ in true },
        selectsFile: @escaping @Sendable (String) -> Bool = { _ in true }, defaultNamespace: String = "default",
        limits: ParseLimits = .standard, commitID: String = ""
    ) {
        self.tree = tree
        self.kustomizationFiles = kustomizationFiles
        self.gitOpsDocuments = gitOpsDocuments
        self.variableSourceFiles = variableSourceFiles
        self.files = files
        self.variableFiles = variableFiles
        self.clusterVariables = clusterVariables
        self.selectsEntry = selectsEntry
        self.selectsFile = selectsFile
        self.defaultNamespace = defaultNamespace
        self.limits = limits
        self.commitID = commitID
    }
}

/// The objects the GitOps controllers would apply, built from git.
public struct DesiredStateOutput: Sendable {
    public var records: [ObjectRecord] = []
    public var uncomparable: [UncomparableObject] = []
    public var notes: [ScanNote] = []
    public var errors: [ManifestError] = []
    /// Files this step read again: the scanner's errors and notes for them are replaced by these.
    public var rebuiltFiles: Set<String> = []
    /// Files that are not deployed: the scanner's errors for them do not count.
    public var excludedFiles: Set<String> = []
    /// Whether any kustomization, controller or variable changed what the plain reading gave.
    public var changedAnything = false
    /// `substituteFrom` objects that git does not hold readably and that an unresolved variable
    /// could come from: what `--vars-from-cluster` reads before building again.
    public var variableSourceRequests: Set<VariableSourceRequest> = []
    /// Values that came from Secrets: they decide the desired state, and every output masks them.
    public var secretValues: Set<String> = []
}

/// Turns the files of a commit into the objects that kustomize, Flux and Argo CD would apply:
/// kustomizations followed from their roots (namespace, name prefix and suffix, labels, components),
/// Flux Kustomizations (`path`, `targetNamespace`, variables), Argo CD Applications (`path`,
/// destination namespace). Files outside every kustomization and controller path are plain
/// manifests, as before. Pure apart from the file tree it is handed.
public enum DesiredStateBuilder {
    public static func build(_ input: DesiredStateInput) -> DesiredStateOutput {
        var run = BuildRun(input: input)
        run.run()
        return run.output
    }
}

/// What a build starts from.
struct BuildUnit {
    enum Controller {
        case flux(FluxKustomization)
        case argo(ArgoApplication, ArgoApplication.Source)
        case kustomization(String)
    }

    var controller: Controller
    var folder: String
    /// The file that defines the unit.
    var file: String

    var title: String {
        switch controller {
        case .flux(let flux): "Flux Kustomization \(flux.id)"
        case .argo(let app, _): "Argo CD Application \(app.name)"
        case .kustomization(let path): "kustomization \(path)"
        }
    }
}

struct BuildRun {
    let input: DesiredStateInput
    var output = DesiredStateOutput()
    var resolver: KustomizeResolver
    private var documents: [String: [ManifestFileReader.Document]] = [:]
    /// `substituteFrom` sources by kind and name, loaded once for every Flux Kustomization's references.
    private var variableSources: [String: [VariableSource]]?
    /// The names any Flux Kustomization takes variables from.
    private var wantedSourceNames: Set<String> = []
    private var built: Set<String> = []
    /// What the scanner read of the selected files, by path.
    private let readFiles: [String: DesiredStateInput.ReadFile]
    /// Kustomization files that builds in the selection went through.
    private var selectedKustomizations: Set<String> = []
    /// The files of the build being made: where `replacements` find their sources.
    private var currentBuild: [BuildFile] = [] {
        didSet { resolvedReplacements = [:] }
    }
    /// `replacements` of a kustomization in the current build, with their sources' values.
    private var resolvedReplacements: [String: [ResolvedReplacement]] = [:]
    /// Every document of a file, parsed once (replacement sources may be any kind).
    private var allDocuments: [String: [Node]] = [:]

    init(input: DesiredStateInput) {
        self.input = input
        resolver = KustomizeResolver(tree: input.tree)
        readFiles = Dictionary(input.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func run() {
        var flux: [FluxKustomization] = []
        var argo: [ArgoApplication] = []
        var argocdCM: Node?
        for document in input.gitOpsDocuments {
            if let kustomization = FluxKustomization.read(document.root, file: document.path) {
                flux.append(kustomization)
            } else if let application = ArgoApplication.read(document.root, file: document.path) {
                argo.append(application)
            } else if document.root.value(at: ["metadata", "name"])?.stringValue == "argocd-cm" {
                argocdCM = document.root
            }
        }

        wantedSourceNames = Set(flux.flatMap { $0.substituteFrom.map(\.name) })
        var units: [BuildUnit] = []
        for kustomization in flux {
            units.append(
                BuildUnit(controller: .flux(kustomization), folder: kustomization.path, file: kustomization.file))
        }
        for application in argo {
            for source in application.sources {
                units.append(
                    BuildUnit(controller: .argo(application, source), folder: source.path, file: application.file))
            }
        }
        let unitFolders = Set(units.map(\.folder))
        for unit in units {
            guard input.tree.kind(of: unit.folder) == .folder else {
                output.notes.append(
                    ScanNote(
                        path: unit.file, reason: .gitOps,
                        message: "\(unit.title) builds \(unit.folder.isEmpty ? "." : unit.folder), which is not in "
                            + "this commit (another repository or revision?): not read"))
                continue
            }
            let generation: KustomizeResolver.Generation
            if case .argo(_, let source) = unit.controller {
                generation = .argoDirectory(recurse: source.recurse)
            } else {
                generation = .flux
            }
            let selected = input.selectsEntry(unit.file) || input.selectsEntry(unit.folder)
            let before = resolver.visitOrder.count
            currentBuild = resolver.build(folder: unit.folder, generation: generation)
            for file in currentBuild {
                objects(of: file, unit: unit, unitSelected: selected)
            }
            if selected { selectedKustomizations.formUnion(resolver.visitOrder[before...]) }
        }

        // Plain kustomize roots: kustomizations that no other kustomization includes and no controller builds.
        let reachedByControllers = resolver.visited
        var referenced: Set<String> = []
        for path in input.kustomizationFiles {
            guard let kustomization = resolver.kustomization(in: RepoPath.folder(of: path)) else { continue }
            for entry in kustomization.resources + kustomization.components {
                guard let folder = RepoPath.resolve(entry.text, in: kustomization.folder),
                    let target = resolver.kustomization(in: folder)
                else { continue }
                referenced.insert(target.path)
            }
        }
        for path in input.kustomizationFiles.sorted()
        where !referenced.contains(path) && !reachedByControllers.contains(path)
            && !unitFolders.contains(RepoPath.folder(of: path))
        {
            guard let root = resolver.kustomization(in: RepoPath.folder(of: path)), !root.isComponent else { continue }
            let unit = BuildUnit(controller: .kustomization(path), folder: root.folder, file: path)
            let selected = input.selectsEntry(path)
            let before = resolver.visitOrder.count
            currentBuild = resolver.build(folder: root.folder, generation: .required)
            for file in currentBuild {
                objects(of: file, unit: unit, unitSelected: selected)
            }
            if selected { selectedKustomizations.formUnion(resolver.visitOrder[before...]) }
        }
        // A broken kustomization outside the selection is not this check's business, unless a selected
        // build goes through it.
        let selectedKustomizations = self.selectedKustomizations
        let selectsEntry = input.selectsEntry
        let reported = { (path: String) in selectedKustomizations.contains(path) || selectsEntry(path) }
        output.errors += resolver.errors.filter { reported($0.path) }
        output.notes += resolver.notes.filter { reported($0.path) }
        if !resolver.errors.isEmpty || !resolver.notes.isEmpty { output.changedAnything = true }

        let kustomizationFolders = Set(input.kustomizationFiles.map(RepoPath.folder(of:)))
        let controllerFolders = unitFolders
        // Files come in tree order, a folder's files together: its answer is looked up once.
        var lastFolder: String?
        var lastInside = false
        for file in input.files {
            if built.contains(file.path) { continue }
            let folder = RepoPath.folder(of: file.path)
            if folder != lastFolder {
                lastFolder = folder
                lastInside =
                    Self.isInside(folder: folder, kustomizationFolders)
                    || Self.isInside(folder: folder, controllerFolders)
            }
            if lastInside {
                output.excludedFiles.insert(file.path)
                output.changedAnything = true
                if !file.records.isEmpty || file.hasPlaceholders {
                    output.notes.append(
                        ScanNote(
                            path: file.path, reason: .notIncluded,
                            message: "not included by any kustomization: not deployed, not compared"))
                }
                continue
            }
            if file.hasPlaceholders {
                output.rebuiltFiles.insert(file.path)
                objects(of: BuildFile(path: file.path, layers: []), unit: nil, unitSelected: true)
                continue
            }
            output.records += file.records
        }

        if !argo.isEmpty || argocdCM != nil {
            let verdict = ArgoApplication.excludesEndpoints(argocdCM: argocdCM)
            if verdict.excluded {
                output.notes.append(
                    ScanNote(
                        path: argo.first?.file ?? "", reason: .gitOps,
                        message: "Argo CD does not apply Endpoints or EndpointSlices here (\(verdict.why)): they "
                            + "are applied by hand or by another controller, so drift in them is not reverted"))
            }
        }
    }

    /// Whether `path` is inside one of `folders` (a folder's own files and everything below).
    static func isInside(_ path: String, _ folders: Set<String>) -> Bool {
        isInside(folder: RepoPath.folder(of: path), folders)
    }

    /// Whether `folder` is one of `folders` or below one.
    static func isInside(folder start: String, _ folders: Set<String>) -> Bool {
        guard !folders.isEmpty else { return false }
        var folder = start
        while true {
            if folders.contains(folder) { return true }
            if folder.isEmpty { return false }
            folder = RepoPath.folder(of: folder)
        }
    }

    // MARK: Objects

    /// Builds the objects of one file of a build and adds them to the output.
    private mutating func objects(of file: BuildFile, unit: BuildUnit?, unitSelected: Bool) {
        built.insert(file.path)
        output.changedAnything = true
        guard unitSelected || input.selectsFile(file.path) else { return }
        if let read = readFiles[file.path], Self.needsOnlyMetadata(file, unit: unit, read: read) {
            for record in read.records {
                var transform = RecordTransform(record)
                for layer in file.layers { transform.apply(layer) }
                if let unit { transform.apply(unit) }
                output.records.append(transform.finished(defaultNamespace: input.defaultNamespace))
            }
            return
        }
        let scope = variableScope(for: unit)
        let replacements = file.layers.map { resolveReplacements($0) }
        for document in parsedDocuments(file.path) {
            for (itemIndex, node) in Self.items(of: document.root) {
                var build = ObjectBuild(
                    node: node, file: file.path, documentIndex: document.index, itemIndex: itemIndex)
                for (layer, replacements) in zip(file.layers, replacements) {
                    build.apply(layer, replacements: replacements)
                }
                if let unit { build.apply(unit) }
                if !scope.isEmpty || Self.mentionsPlaceholder(node) {
                    build.substitute(scope, disabled: build.substitutionDisabled)
                    if build.values.contains(where: { $0.variables.contains { !$0.isResolved } }) {
                        requestClusterSources(scope)
                    }
                    for value in build.values {
                        for variable in value.variables where variable.isSecret {
                            if let secret = scope.resolve(variable.name)?.value { output.secretValues.insert(secret) }
                        }
                    }
                }
                build.decode(
                    defaultNamespace: input.defaultNamespace, contentID: input.tree.contentID(of: file.path),
                    commitID: input.commitID, unit: unit, into: &output)
            }
        }
    }

    /// Whether a file's build changes only metadata (no patch, no variable, nothing left to name), so
    /// that the objects the scanner decoded can be used as they are.
    static func needsOnlyMetadata(_ file: BuildFile, unit: BuildUnit?, read: DesiredStateInput.ReadFile) -> Bool {
        guard !read.hasPlaceholders else { return false }
        guard file.layers.allSatisfy({ $0.patches.isEmpty && $0.replacements.isEmpty && $0.notReproduced.isEmpty })
        else { return false }
        if case .flux(let flux)? = unit?.controller { return flux.notReproduced.isEmpty }
        return true
    }

    // MARK: Replacements

    /// The sources of a kustomization's `replacements`, found among the objects of the files it
    /// builds, each transformed as kustomize has it when the replacements run: by the inner
    /// kustomizations, then by this one's own patches, namespace, names, labels and annotations.
    private mutating func resolveReplacements(_ layer: Kustomization) -> [ResolvedReplacement] {
        guard !layer.replacements.isEmpty else { return [] }
        if let known = resolvedReplacements[layer.path] { return known }
        var candidates: [ObjectBuild] = []
        for file in currentBuild {
            guard let position = file.layers.firstIndex(where: { $0.path == layer.path }) else { continue }
            for (documentIndex, root) in documentsOfAnyKind(file.path).enumerated() {
                for (itemIndex, node) in Self.items(of: root) {
                    var build = ObjectBuild(
                        node: node, file: file.path, documentIndex: documentIndex, itemIndex: itemIndex)
                    for inner in file.layers[..<position] { build.apply(inner) }
                    build.apply(layer)
                    if !build.deleted { candidates.append(build) }
                }
            }
        }
        let resolved = layer.replacements.map { replacement in
            ResolvedReplacement(
                replacement: replacement,
                value: Self.sourceValue(
                    of: replacement, among: candidates,
                    defaultNamespace: input.defaultNamespace))
        }
        resolvedReplacements[layer.path] = resolved
        return resolved
    }

    private static func sourceValue(
        of replacement: Replacement, among candidates: [ObjectBuild],
        defaultNamespace: String
    ) -> Result<Node, FieldPath.Failure> {
        guard let source = replacement.source else {
            return .failure(FieldPath.Failure(message: "no source"))
        }
        // As kustomize, an object is selected by its name and namespace now or as first written.
        let matches = candidates.filter { candidate in
            if let kind = source.kind, candidate.kind != kind { return false }
            if let name = source.name, candidate.name != name, candidate.originalName != name { return false }
            if let namespace = source.namespace, (candidate.namespace ?? defaultNamespace) != namespace,
                (candidate.originalNamespace ?? defaultNamespace) != namespace
            {
                return false
            }
            return true
        }
        let selector = [source.kind, source.name].compactMap { $0 }.joined(separator: "/")
        guard let match = matches.first else {
            return .failure(
                FieldPath.Failure(
                    message: "the source \(selector) is not in this build (made by a generator or a remote base?)"))
        }
        guard matches.count == 1 else {
            return .failure(FieldPath.Failure(message: "more than one object matches the source \(selector)"))
        }
        let path = FieldPath(source.fieldPath)
        let found = path.nodes(in: match.node)
        guard found.count == 1, let value = found.first else {
            return .failure(
                FieldPath.Failure(
                    message: found.isEmpty
                        ? "the source \(selector) has no \(path)" : "\(path) selects several fields of \(selector)"))
        }
        guard let delimiter = source.delimiter, !delimiter.isEmpty else { return .success(value) }
        guard let text = value.scalar?.value else {
            return .failure(FieldPath.Failure(message: "options.delimiter needs text at \(path) of \(selector)"))
        }
        let parts = text.components(separatedBy: delimiter)
        guard parts.indices.contains(source.index) else {
            return .failure(
                FieldPath.Failure(message: "options.index \(source.index) is out of bounds for value \(text)"))
        }
        let part = parts[source.index]
        return .success(
            .scalar(Scalar(value: part, style: Node.needsQuotes(part) ? .doubleQuoted : .plain, span: value.span)))
    }

    /// Every document of a file, whatever its kind.
    private mutating func documentsOfAnyKind(_ path: String) -> [Node] {
        if let known = allDocuments[path] { return known }
        var roots: [Node] = []
        if let bytes = try? input.tree.bytes(of: path) {
            roots = (try? bytes.withUnsafeBytes { try YAMLReader.documents(in: $0, limits: input.limits) }) ?? []
        }
        allDocuments[path] = roots
        return roots
    }

    /// The documents of a file that may hold our objects, parsed once per run.
    private mutating func parsedDocuments(_ path: String) -> [ManifestFileReader.Document] {
        if let known = documents[path] { return known }
        output.rebuiltFiles.insert(path)
        var result: [ManifestFileReader.Document] = []
        do {
            let bytes = try input.tree.bytes(of: path)
            let read = bytes.withUnsafeBytes {
                ManifestFileReader.read($0, path: path, limits: input.limits, mode: .documents)
            }
            output.errors += read.errors
            output.notes += read.notes
            result = read.documents
        } catch {
            output.errors.append(
                ManifestError(kind: .unreadable, path: path, line: 0, column: 0, message: error.description))
        }
        documents[path] = result
        return result
    }

    /// A `kind: List` is its items, each an object of its own (as kustomize reads it).
    static func items(of root: Node) -> [(Int?, Node)] {
        guard let kind = root.value(at: ["kind"])?.stringValue, kind.hasSuffix("List"),
            let items = root.value(at: ["items"])?.sequence?.items
        else { return [(nil, root)] }
        return items.enumerated().map { ($0.offset, $0.element) }
    }

    static func mentionsPlaceholder(_ node: Node) -> Bool {
        switch node {
        case .scalar(let scalar): Placeholder.occurs(in: scalar.value)
        case .sequence(let sequence): sequence.items.contains(where: mentionsPlaceholder)
        case .mapping(let mapping): mapping.entries.contains { mentionsPlaceholder($0.value) }
        }
    }

    private mutating func variableScope(for unit: BuildUnit?) -> VariableScope {
        guard case .flux(let flux)? = unit?.controller else {
            return VariableScope(flux: nil, references: [], files: input.variableFiles)
        }
        var references: [(FluxKustomization.Reference, VariableSource?)] = []
        var cluster: [(FluxKustomization.Reference, ClusterVariableSource?)] = []
        if !flux.substituteFrom.isEmpty {
            let sources = loadVariableSources()
            for reference in flux.substituteFrom {
                let candidates = sources["\(reference.kind)/\(reference.name)"] ?? []
                // Flux reads them from the Kustomization's own namespace.
                let found = candidates.first { $0.namespace == flux.namespace } ?? candidates.first
                references.append((reference, found))
                if found == nil || found?.isEncrypted == true {
                    let request = Self.request(reference, flux)
                    cluster.append((reference, input.clusterVariables.first { $0.request == request }))
                }
            }
        }
        return VariableScope(flux: flux, references: references, files: input.variableFiles, cluster: cluster)
    }

    private static func request(
        _ reference: FluxKustomization.Reference, _ flux: FluxKustomization
    )
        -> VariableSourceRequest
    {
        VariableSourceRequest(
            kind: reference.kind, namespace: flux.namespace, name: reference.name, optional: reference.optional)
    }

    /// An unresolved variable of this scope may come from the `substituteFrom` objects git does not
    /// hold: those the cluster has not been asked for yet are requested.
    private mutating func requestClusterSources(_ scope: VariableScope) {
        guard let flux = scope.flux else { return }
        for (reference, answer) in scope.cluster
        where answer == nil && VariableSource.Kind(rawValue: reference.kind) != nil {
            output.variableSourceRequests.insert(Self.request(reference, flux))
        }
    }

    private mutating func loadVariableSources() -> [String: [VariableSource]] {
        if let known = variableSources { return known }
        var sources: [String: [VariableSource]] = [:]
        for path in input.variableSourceFiles {
            guard let bytes = try? input.tree.bytes(of: path) else { continue }
            let roots = bytes.withUnsafeBytes { raw -> [Node] in
                var roots: [Node] = []
                for piece in DocumentSplitter.split(raw) {
                    let text = UnsafeRawBufferPointer(rebasing: raw[piece.range])
                    // Only documents that mention a wanted name are parsed: a repository has far
                    // more ConfigMaps than variable sources.
                    guard wantedSourceNames.contains(where: { Self.mentions(text, $0) }) else { continue }
                    let origin = Mark(offset: piece.range.lowerBound, line: piece.line, column: 1)
                    roots += (try? YAMLReader.documents(in: text, origin: origin, limits: input.limits)) ?? []
                }
                return roots
            }
            for source in VariableSource.read(roots, file: path) {
                sources["\(source.kind.rawValue)/\(source.name)", default: []].append(source)
            }
        }
        variableSources = sources
        return sources
    }

    /// Whether `name` occurs in `text`, at memory speed.
    static func mentions(_ text: UnsafeRawBufferPointer, _ name: String) -> Bool {
        var pattern = Array(name.utf8)
        guard let base = text.baseAddress, !pattern.isEmpty else { return false }
        return pattern.withUnsafeMutableBytes { needle in
            guard let needleBase = needle.baseAddress, let first = needle.first, text.count >= needle.count else {
                return false
            }
            var offset = 0
            let lastStart = text.count - needle.count
            // memchr finds candidates for the first byte at memory speed; memcmp confirms.
            while offset <= lastStart, let hit = memchr(base + offset, Int32(first), lastStart - offset + 1) {
                if memcmp(hit, needleBase, needle.count) == 0 { return true }
                offset = base.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return false
        }
    }
}
