import Manifests

/// An Argo CD `Application` (`argoproj.io/v1alpha1`): renders each source's `path` and applies it to
/// `spec.destination.namespace` (for objects that name no namespace).
public struct ArgoApplication: Sendable {
    /// One source in this repository.
    public struct Source: Sendable, Hashable {
        public var path: String
        /// `spec.source.kustomize.namespace`: overrides, like a kustomization's `namespace:`.
        public var kustomizeNamespace: String?
        public var namePrefix: String
        public var nameSuffix: String
        /// `spec.source.directory.recurse`: plain folders are read without subfolders unless set.
        public var recurse: Bool
    }

    public var name: String
    public var file: String
    public var line: Int
    public var destinationNamespace: String?
    public var sources: [Source]

    public static func read(_ root: Node, file: String) -> ArgoApplication? {
        guard let mapping = root.mapping, mapping["kind"]?.stringValue == "Application",
            mapping["apiVersion"]?.stringValue?.hasPrefix("argoproj.io/") == true,
            let name = root.value(at: ["metadata", "name"])?.stringValue
        else { return nil }
        var sourceNodes: [Node] = []
        if let single = root.value(at: ["spec", "source"]) { sourceNodes.append(single) }
        sourceNodes += root.value(at: ["spec", "sources"])?.sequence?.items ?? []
        var sources: [Source] = []
        for node in sourceNodes {
            // A Helm chart from a chart repository has no path in this repository.
            guard let raw = node.value(at: ["path"])?.stringValue, node.value(at: ["chart"]) == nil else { continue }
            var recurse = false
            if case .bool(let value)? = node.value(at: ["directory", "recurse"])?.scalar?.resolved { recurse = value }
            sources.append(
                Source(
                    path: RepoPath.resolve(raw, in: "") ?? raw,
                    kustomizeNamespace: node.value(at: ["kustomize", "namespace"])?.stringValue,
                    namePrefix: node.value(at: ["kustomize", "namePrefix"])?.stringValue ?? "",
                    nameSuffix: node.value(at: ["kustomize", "nameSuffix"])?.stringValue ?? "", recurse: recurse))
        }
        return ArgoApplication(
            name: name, file: file, line: root.span.start.line,
            destinationNamespace: root.value(at: ["spec", "destination", "namespace"])?.stringValue.flatMap {
                $0.isEmpty ? nil : $0
            }, sources: sources)
    }

    /// Whether Argo CD's `resource.exclusions` leave Endpoints and EndpointSlices out of sync.
    /// `argocdCM`: the `argocd-cm` ConfigMap found in the repository, if any; without one (or without
    /// the key) Argo CD 3.x's default applies, which excludes both.
    public static func excludesEndpoints(argocdCM: Node?) -> (excluded: Bool, why: String) {
        guard let exclusions = argocdCM?.value(at: ["data", "resource.exclusions"])?.scalar?.value else {
            return (true, "Argo CD 3.x excludes Endpoints and EndpointSlice by default (resource.exclusions)")
        }
        guard let rules = try? YAMLReader.documents(in: exclusions).first?.sequence?.items else {
            return (false, "")
        }
        for rule in rules {
            let kinds = (rule.mapping?["kinds"]?.sequence?.items ?? []).compactMap(\.stringValue)
            if kinds.contains("*") || kinds.contains("Endpoints") || kinds.contains("EndpointSlice") {
                return (true, "argocd-cm's resource.exclusions leaves out Endpoints or EndpointSlice")
            }
        }
        return (false, "")
    }
}
