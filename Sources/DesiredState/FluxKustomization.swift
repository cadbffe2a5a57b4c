import Foundation
import Manifests

/// A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`, `v1beta2`, `v1beta1`): builds
/// `spec.path` of its source with kustomize, moves every object to `spec.targetNamespace`, then
/// substitutes variables (`spec.postBuild`) and applies the result.
public struct FluxKustomization: Sendable {
    /// One `substituteFrom` reference.
    public struct Reference: Sendable, Hashable {
        public var kind: String
        public var name: String
        public var optional: Bool
    }

    public var name: String
    /// `flux-system` when the manifest names none (where Flux's own objects live).
    public var namespace: String
    /// Where the Kustomization is defined.
    public var file: String
    public var line: Int
    /// The folder it builds, from the repository root.
    public var path: String
    public var targetNamespace: String?
    /// `spec.postBuild.substitute`, with the line of each value.
    public var substitute: [String: (value: String, line: Int)]
    public var substituteFrom: [Reference]
    /// `spec.patches` and `spec.components`: not reproduced.
    public var notReproduced: [String]
    /// `flux-system/proxy`.
    public var id: String { "\(namespace)/\(name)" }

    /// Reads a Flux Kustomization document; `nil` for any other document.
    public static func read(_ root: Node, file: String) -> FluxKustomization? {
        guard let mapping = root.mapping, mapping["kind"]?.stringValue == "Kustomization",
            mapping["apiVersion"]?.stringValue?.hasPrefix("kustomize.toolkit.fluxcd.io/") == true,
            let name = root.value(at: ["metadata", "name"])?.stringValue
        else { return nil }
        let spec = mapping["spec"]
        let rawPath = spec?.value(at: ["path"])?.stringValue ?? "./"
        var substitute: [String: (String, Int)] = [:]
        for entry in spec?.value(at: ["postBuild", "substitute"])?.mapping?.entries ?? [] {
            guard let key = entry.key.scalar?.value, let value = entry.value.scalar?.value else { continue }
            // Flux drops line breaks from values.
            substitute[key] = (Self.oneLine(value), entry.value.span.start.line)
        }
        var references: [Reference] = []
        for item in spec?.value(at: ["postBuild", "substituteFrom"])?.sequence?.items ?? [] {
            guard let kind = item.mapping?["kind"]?.stringValue, let refName = item.mapping?["name"]?.stringValue
            else { continue }
            var optional = false
            if case .bool(let value)? = item.mapping?["optional"]?.scalar?.resolved { optional = value }
            references.append(Reference(kind: kind, name: refName, optional: optional))
        }
        var notReproduced: [String] = []
        for field in ["patches", "components", "patchesStrategicMerge", "patchesJson6902"]
        where spec?.value(at: [field]) != nil {
            notReproduced.append("spec.\(field)")
        }
        return FluxKustomization(
            name: name, namespace: root.value(at: ["metadata", "namespace"])?.stringValue ?? "flux-system",
            file: file, line: root.span.start.line, path: RepoPath.resolve(rawPath, in: "") ?? rawPath,
            targetNamespace: spec?.value(at: ["targetNamespace"])?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            substitute: substitute, substituteFrom: references, notReproduced: notReproduced)
    }
}
