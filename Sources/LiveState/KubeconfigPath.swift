import Foundation

/// File paths in a kubeconfig: relative ones are relative to the folder of the file that names
/// them, as kubectl resolves them.
enum KubeconfigPath {
    static func resolve(_ path: String, against folder: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
    }

    static func folder(of file: String) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().path
    }
}
