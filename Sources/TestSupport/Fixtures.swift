import Foundation

/// Files checked in under `fixtures/` at the repository root (CI runs on a fresh clone, so tests
/// read nothing outside the repository).
public enum Fixtures {
    /// The repository root, from this file's place in it.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fixtures/k8s-api`: responses recorded from a real kube-apiserver (see its README.md).
    public static let kubernetesAPI = repositoryRoot.appendingPathComponent("fixtures/k8s-api")

    public static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(relative).path
    }
}
