import ArgumentParser
import Foundation
import TestSupport

/// Serves a `kubectl get endpoints,endpointslices,services -o json` snapshot from the TestSupport
/// HTTPS fake API server (cluster-wide and per-namespace lists), until stdin closes. Prints
/// `ready PORT CA-FILE` when it listens. `make dist-check` runs the release binary against it from
/// a minimal root filesystem, where no Swift toolchain is there to run the tests.
struct ServeSnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-snapshot", abstract: "Serve a live snapshot file over HTTPS (used by make dist-check).",
        shouldDisplay: false)

    @Option(help: "The snapshot: a List of Services, Endpoints and EndpointSlices as JSON.")
    var liveFile: String

    func run() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: liveFile))
        guard let list = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let items = list["items"] as? [[String: Any]]
        else { throw ValidationError("\(liveFile): not a List") }
        let server = try await FakeKubernetesAPI.start(authentication: .anyone)
        for resource in LiveObjects.Resource.allCases {
            var all: [[UInt8]] = []
            var byNamespace: [String: [[UInt8]]] = [:]
            for item in items where item["kind"] as? String == resource.kind {
                let bytes = [UInt8](try JSONSerialization.data(withJSONObject: item))
                let namespace = (item["metadata"] as? [String: Any])?["namespace"] as? String ?? "default"
                all.append(bytes)
                byNamespace[namespace, default: []].append(bytes)
            }
            let listKind = "\(resource.kind)List"
            server.on(
                PagedLists.path(resource, namespace: nil),
                respond: PagedList(kind: listKind, apiVersion: resource.apiVersion, items: all).response)
            for (namespace, namespaceItems) in byNamespace.sorted(by: { $0.key < $1.key }) {
                server.on(
                    PagedLists.path(resource, namespace: namespace),
                    respond: PagedList(kind: listKind, apiVersion: resource.apiVersion, items: namespaceItems).response)
            }
        }
        // Unbuffered: the parent waits for this line.
        FileHandle.standardOutput.write(Data("ready \(server.port) \(server.pki.caCertificate)\n".utf8))
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = FileHandle.standardInput.readDataToEndOfFile()
                done.resume()
            }
        }
        await server.stop()
    }
}
