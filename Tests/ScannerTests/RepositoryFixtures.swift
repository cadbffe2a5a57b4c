import Foundation
import Manifests
import TestSupport

/// Manifest text used by several scanner tests.
enum Fixture {
    static func service(_ name: String, namespace: String? = nil, ports: [(String, Int)] = [("", 5432)]) -> String {
        var text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(name)\n"
        if let namespace { text += "  namespace: \(namespace)\n" }
        text += "spec:\n  ports:\n"
        for (portName, port) in ports {
            text += portName.isEmpty ? "    - port: \(port)\n" : "    - name: \(portName)\n      port: \(port)\n"
        }
        return text
    }

    static func endpoints(_ name: String, namespace: String? = nil, ips: [String], port: Int = 5432) -> String {
        var text = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: \(name)\n"
        if let namespace { text += "  namespace: \(namespace)\n" }
        text += "subsets:\n  - addresses:\n"
        for ip in ips { text += "      - ip: \(ip)\n" }
        text += "    ports:\n      - port: \(port)\n"
        return text
    }
}

extension TempGitRepository {
    /// The blob id git itself gives a path at a revision.
    func blobID(_ path: String, at revision: String = "HEAD") throws -> String {
        try git(["rev-parse", "\(revision):\(path)"])
    }
}

extension ServiceInventory {
    /// `inventory["shop/db"]` in tests.
    subscript(text: String) -> Entry? {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        return self[ServiceKey(namespace: parts[0], name: parts[1])]
    }
}
