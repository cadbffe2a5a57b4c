import Manifests

/// One object on its way through a build: the document's tree, transformed by each kustomization
/// that reaches it (innermost first), then by its controller, then with variables substituted, and
/// finally decoded into a record that says how its namespace and values were decided.
struct ObjectBuild {
    var node: Node
    let file: String
    let documentIndex: Int
    let itemIndex: Int?
    var namespaceRule: NamespaceRule?
    /// Kustomize or controller features that decide this object and are not reproduced.
    var undecided: [String] = []
    var values: [ValueOrigin] = []
    /// A patch deleted the object (`$patch: delete`).
    var deleted = false
    /// The patch document that wrote the object's addresses: lines of the addresses are in its file.
    var addressSource: (path: String, line: Int, documentIndex: Int, editable: Bool)?
    /// The patches applied, for the record's `build`.
    var patched: [String] = []

    /// The name and namespace as written, before any kustomization: kustomize selects by them too.
    let originalName: String
    let originalNamespace: String?

    init(node: Node, file: String, documentIndex: Int, itemIndex: Int?) {
        originalName = node.value(at: ["metadata", "name"])?.stringValue ?? ""
        originalNamespace = node.value(at: ["metadata", "namespace"])?.stringValue
        self.node = node
        self.file = file
        self.documentIndex = documentIndex
        self.itemIndex = itemIndex
    }

    var kind: String { node.value(at: ["kind"])?.stringValue ?? "" }
    var name: String { node.value(at: ["metadata", "name"])?.stringValue ?? "" }
    var namespace: String? { node.value(at: ["metadata", "namespace"])?.stringValue }
    var labels: [String: String] { node.value(at: ["metadata", "labels"])?.stringPairs ?? [:] }

    /// `kustomize.toolkit.fluxcd.io/substitute: disabled` as a label or annotation.
    var substitutionDisabled: Bool {
        let key = "kustomize.toolkit.fluxcd.io/substitute"
        return labels[key] == "disabled"
            || node.value(at: ["metadata", "annotations"])?.stringPairs[key] == "disabled"
    }

    // MARK: kustomize

    /// One kustomization's transformations, in kustomize's order: patches, namespace, name prefix and
    /// suffix, labels, annotations.
    mutating func apply(_ layer: Kustomization, replacements: [ResolvedReplacement] = []) {
        for patch in layer.patches where !deleted { apply(patch) }
        if let namespace = layer.namespace {
            setMetadata("namespace", namespace.text)
            namespaceRule = .kustomization(path: layer.path)
        }
        if !layer.namePrefix.isEmpty || !layer.nameSuffix.isEmpty {
            setMetadata("name", layer.namePrefix + name + layer.nameSuffix)
        }
        for set in layer.labels {
            merge(set.pairs, at: ["metadata", "labels"])
            // commonLabels (and labels with includeSelectors) also become a Service's selector: the
            // Service then has a selector, and the endpoints controller owns its Endpoints.
            if set.includeSelectors && kind == "Service" { merge(set.pairs, at: ["spec", "selector"]) }
        }
        merge(layer.annotations, at: ["metadata", "annotations"])
        for resolved in replacements where !deleted { apply(resolved) }
        for feature in layer.notReproduced {
            undecided.append("kustomize \(feature.text) (\(layer.path):\(feature.line))")
        }
    }

    private mutating func apply(_ patch: Patch) {
        let current = (kind: kind, name: name, namespace: namespace, labels: labels)
        if patch.isJSONPatch {
            guard let target = patch.target,
                target.matches(
                    kind: current.kind, name: current.name, namespace: current.namespace, labels: current.labels),
                let operations = patch.documents.first
            else { return }
            do {
                node = try PatchApplication.json6902(node, operations: operations)
            } catch {
                undecided.append("kustomize \(patch.field) (\(patch.location)) fails: \(error.message)")
                return
            }
            patched.append("\(patch.field) \(patch.location)")
            let paths = (operations.sequence?.items ?? []).compactMap { $0.mapping?["path"]?.stringValue }
            if paths.contains(where: { $0.hasPrefix("/subsets") || $0.hasPrefix("/endpoints") }) {
                addressSource = (patch.sourcePath, operations.span.start.line, 0, false)
            }
            return
        }
        for (index, document) in patch.documents.enumerated() {
            let target = patch.target ?? Patch.target(of: document)
            guard
                target.matches(
                    kind: current.kind, name: current.name, namespace: current.namespace, labels: current.labels)
            else { continue }
            guard let merged = PatchApplication.strategicMerge(node, document, kind: current.kind) else {
                deleted = true
                return
            }
            node = merged
            patched.append("\(patch.field) \(patch.location)")
            if document.value(at: ["subsets"]) != nil || document.value(at: ["endpoints"]) != nil {
                // A patch file holds the object's shape: fix can edit the addresses there. An inline
                // patch is text inside the kustomization: it cannot.
                addressSource = (patch.sourcePath, document.span.start.line, index, patch.inline == nil)
            }
        }
    }

    /// A replacement whose targets select this object: the source's value written into each field
    /// path. Anything kustomize would fail on (no source, a missing field) leaves the object
    /// undecided, named, never guessed.
    private mutating func apply(_ resolved: ResolvedReplacement) {
        let replacement = resolved.replacement
        var targets = replacement.targets(kind: kind, name: name, namespace: namespace, labels: labels)
        if targets.isEmpty {
            targets = replacement.targets(kind: kind, name: originalName, namespace: originalNamespace, labels: labels)
        }
        guard !targets.isEmpty else { return }
        let value: Node
        switch resolved.value {
        case .success(let found): value = found
        case .failure(let failure):
            undecided.append("\(replacement.title): \(failure.message)")
            return
        }
        for target in targets {
            for path in target.fieldPaths.map(FieldPath.init) {
                do {
                    node = try path.setting(in: node, create: target.create) { (old) throws(FieldPath.Failure) in
                        try Self.replaced(old, with: value, delimiter: target.delimiter, index: target.index)
                    }
                } catch {
                    undecided.append("\(replacement.title): \(error.message)")
                    return
                }
                if path.text.hasPrefix("subsets") || path.text.hasPrefix("endpoints") {
                    // The address is decided by the replacement's source: fix cannot edit it here.
                    addressSource = (replacement.location, replacement.line, 0, false)
                }
            }
        }
        patched.append("replacements \(replacement.location):\(replacement.line)")
    }

    /// The new value of a target field, as kustomize writes it: a scalar keeps its type and takes
    /// the source's text (with `options.delimiter`, as the `index`-th part of its old text; an
    /// index before the first part prefixes, one past the last appends); anything else is replaced.
    static func replaced(
        _ old: Node?, with value: Node, delimiter: String?, index: Int
    ) throws(FieldPath.Failure) -> Node {
        var text = value.scalar?.value
        if let delimiter, !delimiter.isEmpty {
            guard let oldText = old?.scalar?.value, let part = text else {
                throw FieldPath.Failure(message: "options.delimiter can only be used with scalar values")
            }
            var parts = oldText.components(separatedBy: delimiter)
            if index < 0 {
                parts.insert(part, at: 0)
            } else if index >= parts.count {
                parts.append(part)
            } else {
                parts[index] = part
            }
            text = parts.joined(separator: delimiter)
        }
        guard let text else { return value }
        guard case .scalar(var scalar)? = old else {
            return .scalar(
                Scalar(value: text, style: Node.needsQuotes(text) ? .doubleQuoted : .plain, span: value.span))
        }
        // The old field's type stays: a string stays a string even when the new text reads as a number.
        let wasString: Bool
        if case .string = scalar.resolved { wasString = true } else { wasString = false }
        scalar.value = text
        if wasString && scalar.style == .plain && Node.needsQuotes(text) { scalar.style = .doubleQuoted }
        return .scalar(scalar)
    }

    /// The controller's own step after the kustomize build.
    mutating func apply(_ unit: BuildUnit) {
        switch unit.controller {
        case .flux(let flux):
            if let target = flux.targetNamespace {
                setMetadata("namespace", target)
                namespaceRule = .fluxTargetNamespace(kustomization: flux.id, path: flux.file)
            }
            for feature in flux.notReproduced {
                undecided.append("Flux Kustomization \(flux.id) \(feature) (\(flux.file):\(flux.line))")
            }
        case .argo(let application, let source):
            if let target = source.kustomizeNamespace {
                setMetadata("namespace", target)
                namespaceRule = .argoDestination(application: application.name, path: application.file)
            }
            if !source.namePrefix.isEmpty || !source.nameSuffix.isEmpty {
                setMetadata("name", source.namePrefix + name + source.nameSuffix)
            }
            if namespace == nil, let target = application.destinationNamespace {
                setMetadata("namespace", target)
                namespaceRule = .argoDestination(application: application.name, path: application.file)
            }
        case .kustomization:
            break
        }
    }

    private mutating func setMetadata(_ key: String, _ value: String) {
        let anchor = node.value(at: ["metadata", key]) ?? node.value(at: ["metadata"]) ?? node
        node = node.setting(["metadata", key], to: anchor.string(value))
    }

    private mutating func merge(_ pairs: [String: String], at path: [String]) {
        for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
            let anchor = node.value(at: path) ?? node
            node = node.setting(path + [key], to: anchor.string(value))
        }
    }

    // MARK: Variables

    /// Substitutes variables into every value (not keys), as Flux does after the build, and records
    /// how each changed or unresolved value was decided.
    mutating func substitute(_ scope: VariableScope, disabled: Bool) {
        var found: [ValueOrigin] = []
        node = Self.substitute(node, field: "", scope: scope, disabled: disabled, file: file, into: &found)
        values += found
    }

    private static func substitute(
        _ node: Node, field: String, scope: VariableScope, disabled: Bool, file: String, into found: inout [ValueOrigin]
    ) -> Node {
        switch node {
        case .scalar(var scalar):
            let written = scalar.value
            guard written.contains("$") || written.contains("<path:") else { return node }
            var origins: [VariableOrigin] = []
            var text = written
            if disabled {
                for placeholder in Placeholder.all(in: written) {
                    origins.append(
                        VariableOrigin(
                            name: placeholder, source: nil,
                            hint: "substitution is disabled for this object (kustomize.toolkit.fluxcd.io/substitute)"))
                }
            } else {
                let result = VariableSubstitution.apply(written) { scope.resolve($0)?.value }
                text = result.text
                for use in result.uses {
                    if use.unsupported {
                        origins.append(
                            VariableOrigin(
                                name: use.written, source: nil,
                                hint: "this form of variable is not reproduced; only ${VAR}, ${VAR:=default} and "
                                    + "${VAR:-default} are"))
                    } else if use.fromDefault {
                        origins.append(VariableOrigin(name: use.name, source: "default in \(use.written)"))
                    } else if use.value != nil, let resolved = scope.resolve(use.name) {
                        origins.append(resolved.origin)
                    } else {
                        origins.append(VariableOrigin(name: use.name, source: nil, hint: scope.hint(for: use.name)))
                    }
                }
                for placeholder in Placeholder.all(in: text) where placeholder.hasPrefix("<path:") {
                    origins.append(
                        VariableOrigin(
                            name: placeholder, source: nil,
                            hint: "argocd-vault-plugin fills it in from the secret store at sync time"))
                }
            }
            guard !origins.isEmpty else { return node }
            let secret = origins.contains { $0.isSecret }
            let unresolved = origins.contains { !$0.isResolved }
            found.append(
                ValueOrigin(
                    field: field, path: file, line: scalar.span.start.line, written: written,
                    value: secret || unresolved ? nil : text, variables: origins))
            scalar.value = text
            return .scalar(scalar)
        case .sequence(var sequence):
            for index in sequence.items.indices {
                sequence.items[index] = substitute(
                    sequence.items[index], field: "\(field)[\(index)]", scope: scope, disabled: disabled, file: file,
                    into: &found)
            }
            return .sequence(sequence)
        case .mapping(var mapping):
            for index in mapping.entries.indices {
                guard let key = mapping.entries[index].key.scalar?.value else { continue }
                mapping.entries[index].value = substitute(
                    mapping.entries[index].value, field: field.isEmpty ? key : "\(field).\(key)", scope: scope,
                    disabled: disabled, file: file, into: &found)
            }
            return .mapping(mapping)
        }
    }

    // MARK: Decoding

    /// `Flux Kustomization flux-system/proxy, patches overlays/prd/kustomization.yaml:5`.
    private func buildDescription(_ unit: BuildUnit?) -> String? {
        var parts = (unit.map { [$0.title] } ?? []) + patched
        if let source = addressSource, !source.editable { parts.append("addresses from a patch fix cannot edit") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Decodes the built object into a record, or an uncomparable object when the build cannot be
    /// reproduced or left a placeholder where it cannot be compared.
    func decode(
        defaultNamespace: String, contentID: String, commitID: String, unit: BuildUnit?,
        into output: inout DesiredStateOutput
    ) {
        guard !deleted else { return }
        let result = ObjectDecoder.decode(node)
        let source = { (mark: Mark) in
            // A patch that writes the addresses is where they are written (and where fix edits them).
            if let patch = addressSource {
                return SourceLocation(
                    path: patch.path, line: patch.line, column: 1, documentIndex: patch.documentIndex,
                    commitID: commitID)
            }
            return SourceLocation(
                path: file, line: mark.line, column: mark.column, documentIndex: documentIndex, itemIndex: itemIndex,
                blobID: contentID, commitID: commitID)
        }
        let unresolved = values.filter(\.isUnresolved)
        let blocking = unresolved.filter { !$0.isAddress }
        if !undecided.isEmpty || !blocking.isEmpty || (!result.errors.isEmpty && !unresolved.isEmpty) {
            guard let objectKind = ObjectKind(rawValue: kind) else { return }
            let ref = ObjectRef(kind: objectKind, namespace: namespace ?? defaultNamespace, name: name)
            let serviceName =
                objectKind == .endpointSlice ? labels[WellKnown.serviceNameLabel] : (name.isEmpty ? nil : name)
            let reason =
                undecided.isEmpty
                ? "\(blocking.first?.field ?? unresolved.first?.field ?? "a value") holds an unresolved placeholder"
                : undecided.joined(separator: ", ") + " decide\(undecided.count == 1 ? "s" : "") it; not reproduced"
            output.uncomparable.append(
                UncomparableObject(
                    ref: ref, service: serviceName.map { ServiceKey(namespace: ref.namespace, name: $0) },
                    source: source(node.span.start), reason: reason, values: unresolved))
            if !undecided.isEmpty {
                output.notes.append(
                    ScanNote(
                        path: file, line: node.span.start.line, reason: .notReproduced,
                        message: "\(ref): \(reason); not compared"))
            }
            return
        }
        output.errors += result.errors.map { $0.inFile(file) }
        for decoded in result.objects {
            let written = decoded.object.metadata.namespace
            let rule = namespaceRule ?? (written == nil ? .defaultNamespace : .metadata)
            let namespace = written ?? defaultNamespace
            output.records.append(
                ObjectRecord(
                    object: decoded.object,
                    ref: ObjectRef(kind: decoded.object.kind, namespace: namespace, name: decoded.object.metadata.name),
                    source: source(decoded.start), namespaceRule: rule,
                    build: buildDescription(unit), values: values))
        }
    }
}
