import Manifests

/// The `namespace:` of kustomization files by folder, and the lookup "same folder or nearest parent".
///
/// This mirrors what `kustomize build` does for the common layout (one kustomization per folder that
/// sets a namespace for the manifests beside and below it); it does not evaluate overlays.
public struct KustomizationNamespaces: Sendable {
    public static let fileNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// Folder (no trailing slash, "" for the root) → (namespace, kustomization path).
    private var byFolder: [String: (namespace: String, path: String)] = [:]

    public init() {}

    public static func isKustomization(_ path: String) -> Bool {
        fileNames.contains(String(path.split(separator: "/").last ?? ""))
    }

    /// Reads a kustomization file's top-level `namespace:`; returns an error for a broken file.
    public mutating func add(path: String, bytes: UnsafeRawBufferPointer) -> ManifestError? {
        do {
            let documents = try YAMLReader.documents(in: bytes)
            if let mapping = documents.first?.mapping, let namespace = mapping["namespace"]?.stringValue,
                !namespace.isEmpty
            {
                byFolder[Self.folder(of: path)] = (namespace, path)
            }
            return nil
        } catch {
            return error.inFile(path)
        }
    }

    /// The namespace for a manifest at `path`, and the kustomization that gave it.
    public func namespace(for path: String) -> (namespace: String, kustomization: String)? {
        var folder = Self.folder(of: path)
        while true {
            if let found = byFolder[folder] { return (found.namespace, found.path) }
            if folder.isEmpty { return nil }
            folder = Self.folder(of: folder)
        }
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
