import Manifests

/// `--to git` output: the objects to `kubectl apply`, as clean YAML.
public enum ApplyManifests {
    /// One YAML stream with every object (documents separated by `---`).
    public static func stream(_ objects: [ApplyObject]) -> [UInt8] {
        ObjectRenderer.file(objects.map { ($0.object, $0.namespace) }, json: false)
    }

    /// `<namespace>/<kind>-<name>.yaml`, the file `--out DIR` writes an object to.
    public static func fileName(for object: ApplyObject) -> String {
        "\(object.namespace)/\(object.object.kind.rawValue.lowercased())-\(object.object.metadata.name).yaml"
    }
}
