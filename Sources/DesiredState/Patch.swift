import Foundation
import Manifests

/// One patch of a kustomization (`patches`, `patchesStrategicMerge` or `patchesJson6902`), before
/// its text is loaded: where it is and which objects it targets.
public struct Patch: Sendable {
    /// Which objects a patch applies to, as kustomize's selector says: every field given must match;
    /// `name` and `namespace` are regular expressions matched against the whole value.
    public struct Target: Sendable, Hashable {
        public var kind: String?
        public var name: String?
        public var namespace: String?
        public var labelSelector: String?
        public var annotationSelector: String?

        public init(
            kind: String? = nil, name: String? = nil, namespace: String? = nil, labelSelector: String? = nil,
            annotationSelector: String? = nil
        ) {
            self.kind = kind
            self.name = name
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.annotationSelector = annotationSelector
        }

        /// Whether an object of `kind` named `name` in `namespace` (nil: none written) with `labels` is targeted.
        public func matches(kind: String, name: String, namespace: String?, labels: [String: String]) -> Bool {
            if let wanted = self.kind, wanted != kind { return false }
            if let wanted = self.name, !Self.fullMatch(wanted, name) { return false }
            if let wanted = self.namespace, !Self.fullMatch(wanted, namespace ?? "default") { return false }
            if let selector = labelSelector, !Self.selects(selector, labels) { return false }
            return true
        }

        static func fullMatch(_ pattern: String, _ text: String) -> Bool {
            if pattern == text { return true }
            guard let expression = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
            let range = NSRange(text.startIndex..., in: text)
            return expression.firstMatch(in: text, range: range) != nil
        }

        /// Equality-based selectors (`a=b,c!=d`, `e`): what kustomize targets are written with.
        static func selects(_ selector: String, _ labels: [String: String]) -> Bool {
            for requirement in selector.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let range = requirement.range(of: "!=") {
                    let key = String(requirement[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                    let value = String(requirement[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                    if labels[key] == value { return false }
                } else if let range = requirement.range(of: "==") ?? requirement.range(of: "=") {
                    let key = String(requirement[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                    let value = String(requirement[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                    if labels[key] != value { return false }
                } else if requirement.hasPrefix("!") {
                    if labels[String(requirement.dropFirst())] != nil { return false }
                } else if !requirement.isEmpty, labels[requirement] == nil {
                    return false
                }
            }
            return true
        }
    }

    /// The field the patch was listed under.
    public var field: String
    /// The kustomization that lists it.
    public var kustomizationPath: String
    public var line: Int
    /// A file with the patch, relative to the kustomization's folder; or `nil` for an inline patch.
    public var file: String?
    /// The inline patch text.
    public var inline: String?
    /// The line where the inline text starts in the kustomization.
    public var inlineLine: Int
    /// `nil`: taken from the patch's own kind and name (strategic merge patches).
    public var target: Target?
    /// `patchesJson6902`: always a JSON patch; the others are told apart by their content.
    public var isJSON6902: Bool
    /// The patch's documents, parsed with the lines where they are written (filled in when the
    /// kustomization is loaded).
    public var documents: [Node] = []
    /// The file the patch text is in: its own file, or the kustomization for an inline patch.
    public var sourcePath = ""

    /// A JSON 6902 patch (a list of operations) rather than a strategic merge patch.
    public var isJSONPatch: Bool { isJSON6902 || documents.first?.sequence != nil }

    /// `kustomization.yaml:12`.
    public var location: String { "\(kustomizationPath):\(line)" }

    /// The object a strategic merge patch document names, as a target.
    static func target(of document: Node) -> Target {
        Target(
            kind: document.value(at: ["kind"])?.stringValue,
            name: document.value(at: ["metadata", "name"])?.stringValue,
            namespace: document.value(at: ["metadata", "namespace"])?.stringValue)
    }

    static func read(_ node: Node, key: String, kustomizationPath: String) throws(ManifestError) -> [Patch] {
        if node.isNull { return [] }
        guard let items = node.sequence?.items else {
            throw ManifestError(
                kind: .wrongType, path: kustomizationPath, line: node.span.start.line,
                column: node.span.start.column, message: "\(key) must be a list, found \(node.typeDescription)")
        }
        var patches: [Patch] = []
        for item in items {
            let line = item.span.start.line
            var patch = Patch(
                field: key, kustomizationPath: kustomizationPath, line: line, file: nil, inline: nil, inlineLine: line,
                target: nil, isJSON6902: key == "patchesJson6902")
            if let text = item.stringValue {
                // patchesStrategicMerge: a file, or the patch itself written inline.
                if text.contains("\n") || text.contains(":") {
                    patch.inline = text
                    patch.inlineLine = line + (item.scalar?.style == .literal || item.scalar?.style == .folded ? 1 : 0)
                } else {
                    patch.file = text
                }
            } else if let mapping = item.mapping {
                patch.file = mapping["path"]?.stringValue
                if let inline = mapping["patch"] {
                    patch.inline = inline.stringValue
                    let style = inline.scalar?.style
                    patch.inlineLine = inline.span.start.line + (style == .literal || style == .folded ? 1 : 0)
                }
                if let target = mapping["target"]?.mapping {
                    patch.target = Target(
                        kind: target["kind"]?.stringValue, name: target["name"]?.stringValue,
                        namespace: target["namespace"]?.stringValue,
                        labelSelector: target["labelSelector"]?.stringValue,
                        annotationSelector: target["annotationSelector"]?.stringValue)
                }
            } else {
                throw ManifestError(
                    kind: .wrongType, path: kustomizationPath, line: line, column: item.span.start.column,
                    message: "\(key) items must be strings or maps, found \(item.typeDescription)")
            }
            patches.append(patch)
        }
        return patches
    }
}
