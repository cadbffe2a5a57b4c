import Manifests

/// The metadata half of a build (namespace, name prefix and suffix, labels, annotations) applied to
/// objects the scanner already decoded. Most built files need nothing else (no patch, no variable),
/// and reading them again as trees would parse every external service twice; `ObjectBuild` does the
/// same steps on trees for the files that need patches or variables.
struct RecordTransform {
    var record: ObjectRecord
    var rule: NamespaceRule?

    init(_ record: ObjectRecord) {
        self.record = record
        // The scanner's rule (metadata or default) is decided again below.
        rule = nil
    }

    mutating func apply(_ layer: Kustomization) {
        if let namespace = layer.namespace {
            setNamespace(namespace.text, .kustomization(path: layer.path))
        }
        if !layer.namePrefix.isEmpty || !layer.nameSuffix.isEmpty {
            record.object.metadata.name = layer.namePrefix + record.object.metadata.name + layer.nameSuffix
        }
        for set in layer.labels {
            record.object.metadata.labels.merge(set.pairs) { _, new in new }
            if set.includeSelectors, case .service(var service) = record.object {
                service.selector.merge(set.pairs) { _, new in new }
                record.object = .service(service)
            }
        }
        record.object.metadata.annotations.merge(layer.annotations) { _, new in new }
    }

    mutating func apply(_ unit: BuildUnit) {
        switch unit.controller {
        case .flux(let flux):
            if let target = flux.targetNamespace {
                setNamespace(target, .fluxTargetNamespace(kustomization: flux.id, path: flux.file))
            }
        case .argo(let application, let source):
            let rule = NamespaceRule.argoDestination(application: application.name, path: application.file)
            if let target = source.kustomizeNamespace { setNamespace(target, rule) }
            if !source.namePrefix.isEmpty || !source.nameSuffix.isEmpty {
                record.object.metadata.name = source.namePrefix + record.object.metadata.name + source.nameSuffix
            }
            if record.object.metadata.namespace == nil, let target = application.destinationNamespace {
                setNamespace(target, rule)
            }
        case .kustomization:
            break
        }
        record.build = unit.title
    }

    private mutating func setNamespace(_ namespace: String, _ rule: NamespaceRule) {
        record.object.metadata.namespace = namespace
        self.rule = rule
    }

    /// The record with its final namespace, name and rule.
    func finished(defaultNamespace: String) -> ObjectRecord {
        var result = record
        let written = result.object.metadata.namespace
        result.namespaceRule = rule ?? (written == nil ? .defaultNamespace : .metadata)
        result.ref = ObjectRef(
            kind: result.object.kind, namespace: written ?? defaultNamespace, name: result.object.metadata.name)
        return result
    }
}
