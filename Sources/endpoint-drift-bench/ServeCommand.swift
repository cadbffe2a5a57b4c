import ArgumentParser
import Foundation
import TestSupport

/// Serves one scale's live state from the TestSupport HTTPS fake API server, paged as the API
/// server pages, until stdin closes. Prints `ready PORT CA-FILE` when it listens. Runs as its own
/// process so that its work is not counted in the client's CPU time.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the live state over HTTPS (used by run).", shouldDisplay: false)

    @Option var dataDirectory = ".bench"
    @Option var scale: Double = 1

    func run() async throws {
        let data = BenchData(scale: BenchScale(factor: scale), base: dataDirectory)
        let server = try await FakeKubernetesAPI.start(authentication: .anyone)
        for resource in LiveObjects.Resource.allCases {
            let lists = try PagedLists.load(data.apiItems(resource), resource: resource)
            server.on(PagedLists.path(resource, namespace: nil), respond: lists.all.response)
            for (namespace, list) in lists.byNamespace.sorted(by: { $0.key < $1.key }) {
                server.on(PagedLists.path(resource, namespace: namespace), respond: list.response)
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
