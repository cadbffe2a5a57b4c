/// The metadata fields this tool uses.
public struct ObjectMeta: Sendable, Hashable, Codable {
    public var name: String
    /// As written; `nil` when the manifest does not say (the scanner then applies kustomize or the default).
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Live objects only.
    public var resourceVersion: String?
    public var uid: String?
    public var creationTimestamp: String?

    public init(
        name: String, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:],
        resourceVersion: String? = nil, uid: String? = nil, creationTimestamp: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.creationTimestamp = creationTimestamp
    }
}

/// Well-known labels and annotations.
public enum WellKnown {
    public static let serviceNameLabel = "kubernetes.io/service-name"
    public static let managedByLabel = "endpointslice.kubernetes.io/managed-by"
    public static let skipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror"
    public static let mirroringController = "endpointslicemirroring-controller.k8s.io"
    public static let sliceController = "endpointslice-controller.k8s.io"
    public static let overCapacityAnnotation = "endpoints.kubernetes.io/over-capacity"
    public static let ignoreAnnotation = "endpoint-drift.io/ignore"
}
