import Manifests

/// A file that a build includes, with the kustomizations whose transformations reach it, innermost
/// first (a base's own kustomization, then the overlay's, …).
public struct BuildFile: Sendable {
    public var path: String
    public var layers: [Kustomization]
}

/// Follows kustomizations the way `kustomize build` does: `resources` (files, and folders holding a
/// kustomization), `components`, nested to any depth, with their transformations in order. Reads
/// only the kustomization files; the manifests are read by the object step.
struct KustomizeResolver {
    /// How a folder without a kustomization file is built.
    enum Generation {
        /// A kustomize resource folder must have one: an error.
        case required
        /// Flux generates one listing every `.yaml`/`.yml` file below, taking subfolders that have a
        /// kustomization as resources (and not descending into them).
        case flux
        /// Argo CD's directory source: the folder's manifests, subfolders only with `recurse`.
        case argoDirectory(recurse: Bool)
    }

    let tree: any FileTree
    private var parsed: [String: Kustomization?] = [:]
    private(set) var errors: [ManifestError] = []
    private(set) var notes: [ScanNote] = []
    /// Every kustomization file a build went through.
    private(set) var visited: Set<String> = []
    /// The same, in the order first visited: what one build went through is a suffix of it.
    private(set) var visitOrder: [String] = []

    init(tree: any FileTree) {
        self.tree = tree
    }

    /// The kustomization file in `folder`, parsed once; `nil` when there is none (or it is broken:
    /// the error is kept).
    mutating func kustomization(in folder: String) -> Kustomization? {
        if let known = parsed[folder] { return known }
        var result: Kustomization?
        for name in Kustomization.fileNames {
            let path = folder.isEmpty ? name : folder + "/" + name
            guard tree.kind(of: path) == .file else { continue }
            do {
                var kustomization = try Kustomization.parse(try tree.bytes(of: path), path: path)
                for index in kustomization.patches.indices {
                    loadPatch(&kustomization.patches[index], folder: folder)
                }
                kustomization.replacements = kustomization.replacements.flatMap {
                    loadReplacements($0, folder: folder)
                }
                result = kustomization
            } catch let error as ManifestError {
                errors.append(error.path.isEmpty ? error.inFile(path) : error)
            } catch {
                errors.append(
                    ManifestError(kind: .unreadable, path: path, line: 0, column: 0, message: "\(error)"))
            }
            break
        }
        parsed[folder] = result
        return result
    }

    /// Reads a patch's text (its file, or the inline text) into documents with their lines.
    private mutating func loadPatch(_ patch: inout Patch, folder: String) {
        var text = patch.inline ?? ""
        var firstLine = patch.inlineLine
        patch.sourcePath = patch.kustomizationPath
        if patch.inline == nil, let file = patch.file {
            guard let path = RepoPath.resolve(file, in: folder), tree.kind(of: path) == .file,
                let bytes = try? tree.bytes(of: path)
            else {
                errors.append(
                    ManifestError(
                        kind: .invalidValue, path: patch.kustomizationPath, line: patch.line, column: 1,
                        message: "patch file \(file) is not in this commit; kustomize build fails"))
                return
            }
            text = String(decoding: bytes, as: UTF8.self)
            firstLine = 1
            patch.sourcePath = path
        }
        do {
            let origin = Mark(offset: 0, line: firstLine, column: 1)
            patch.documents =
                try text.utf8.withContiguousStorageIfAvailable {
                    try YAMLReader.documents(in: UnsafeRawBufferPointer($0), origin: origin)
                } ?? YAMLReader.documents(in: text)
        } catch let error as ManifestError {
            errors.append(
                ManifestError(
                    kind: .syntax, path: patch.sourcePath, line: max(error.line, firstLine), column: error.column,
                    message: "patch: \(error.message)"))
        } catch {
            errors.append(
                ManifestError(
                    kind: .syntax, path: patch.sourcePath, line: firstLine, column: 1, message: "patch: \(error)"))
        }
    }

    /// A `replacements: - path: FILE` entry replaced by the replacements the file holds (one, or a
    /// list). A file that is missing or broken is an error, as `kustomize build` fails on it.
    private mutating func loadReplacements(_ entry: Replacement, folder: String) -> [Replacement] {
        guard let file = entry.file else { return [entry] }
        guard let path = RepoPath.resolve(file, in: folder), tree.kind(of: path) == .file,
            let bytes = try? tree.bytes(of: path)
        else {
            errors.append(
                ManifestError(
                    kind: .invalidValue, path: entry.location, line: entry.line, column: 1,
                    message: "replacements file \(file) is not in this commit; kustomize build fails"))
            return []
        }
        do {
            let documents = try bytes.withUnsafeBytes { try YAMLReader.documents(in: $0) }
            var result: [Replacement] = []
            for document in documents {
                let items = document.sequence?.items ?? [document]
                for item in items { result.append(try Replacement.parse(item, location: path)) }
            }
            return result
        } catch let error as ManifestError {
            errors.append(error.path.isEmpty ? error.inFile(path) : error)
        } catch {
            errors.append(ManifestError(kind: .syntax, path: path, line: 0, column: 0, message: "\(error)"))
        }
        return []
    }

    /// Whether `folder` holds a kustomization file (broken or not).
    func hasKustomizationFile(_ folder: String) -> Bool {
        Kustomization.fileNames.contains { tree.kind(of: folder.isEmpty ? $0 : folder + "/" + $0) == .file }
    }

    /// The files a build of `folder` includes.
    mutating func build(folder: String, generation: Generation) -> [BuildFile] {
        build(folder: folder, generation: generation, stack: [])
    }

    private mutating func build(folder: String, generation: Generation, stack: [String]) -> [BuildFile] {
        guard let kustomization = kustomization(in: folder) else {
            if hasKustomizationFile(folder) { return [] }  // broken: its error is kept
            switch generation {
            case .required: return []
            case .flux: return fluxGenerated(folder, stack: stack)
            case .argoDirectory(let recurse): return directory(folder, recurse: recurse)
            }
        }
        guard !stack.contains(kustomization.path) else {
            errors.append(
                ManifestError(
                    kind: .invalidValue, path: kustomization.path, line: 1, column: 1,
                    message: "kustomizations include each other in a cycle: "
                        + (stack + [kustomization.path]).joined(separator: " → ")))
            return []
        }
        if visited.insert(kustomization.path).inserted { visitOrder.append(kustomization.path) }
        let inner = stack + [kustomization.path]
        var files: [BuildFile] = []
        for entry in kustomization.resources {
            files += resource(entry, of: kustomization, stack: inner)
        }
        for entry in kustomization.components {
            guard let componentFolder = RepoPath.resolve(entry.text, in: folder),
                tree.kind(of: componentFolder) == .folder, let component = self.kustomization(in: componentFolder)
            else {
                missing(entry, of: kustomization, what: "component")
                continue
            }
            if visited.insert(component.path).inserted { visitOrder.append(component.path) }
            for resourceEntry in component.resources {
                files += resource(resourceEntry, of: component, stack: inner + [component.path])
            }
            // A component transforms everything its parent has accumulated so far.
            for index in files.indices { files[index].layers.append(component) }
        }
        for index in files.indices { files[index].layers.append(kustomization) }
        return files
    }

    private mutating func resource(
        _ entry: Kustomization.Entry, of kustomization: Kustomization, stack: [String]
    )
        -> [BuildFile]
    {
        if RepoPath.isRemote(entry.text) {
            notes.append(
                ScanNote(
                    path: kustomization.path, line: entry.line, reason: .notReproduced,
                    message: "remote resource \(entry.text) is not read: objects it adds are not checked"))
            return []
        }
        guard let path = RepoPath.resolve(entry.text, in: kustomization.folder) else {
            missing(entry, of: kustomization, what: "resource")
            return []
        }
        switch tree.kind(of: path) {
        case .file:
            return [BuildFile(path: path, layers: [])]
        case .folder:
            guard hasKustomizationFile(path) else {
                errors.append(
                    ManifestError(
                        kind: .invalidValue, path: kustomization.path, line: entry.line, column: 1,
                        message: "resource \(entry.text) is a folder without a kustomization file; "
                            + "kustomize build fails (list its files, or add a kustomization.yaml there)"))
                return []
            }
            return build(folder: path, generation: .required, stack: stack)
        case nil:
            missing(entry, of: kustomization, what: "resource")
            return []
        }
    }

    private mutating func missing(_ entry: Kustomization.Entry, of kustomization: Kustomization, what: String) {
        errors.append(
            ManifestError(
                kind: .invalidValue, path: kustomization.path, line: entry.line, column: 1,
                message: "\(what) \(entry.text) is not in this commit; kustomize build fails"))
    }

    private mutating func fluxGenerated(_ folder: String, stack: [String]) -> [BuildFile] {
        var files: [BuildFile] = []
        for child in tree.children(of: folder) {
            switch tree.kind(of: child) {
            case .folder:
                if hasKustomizationFile(child) {
                    files += build(folder: child, generation: .required, stack: stack)
                } else {
                    files += fluxGenerated(child, stack: stack)
                }
            case .file:
                let name = RepoPath.name(of: child)
                if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    files.append(BuildFile(path: child, layers: []))
                }
            case nil:
                continue
            }
        }
        return files
    }

    private func directory(_ folder: String, recurse: Bool) -> [BuildFile] {
        var files: [BuildFile] = []
        for child in tree.children(of: folder) {
            switch tree.kind(of: child) {
            case .folder where recurse:
                files += directory(child, recurse: true)
            case .file:
                let name = RepoPath.name(of: child)
                guard !Kustomization.isKustomizationFile(child),
                    name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
                else { continue }
                files.append(BuildFile(path: child, layers: []))
            default:
                continue
            }
        }
        return files
    }
}
