import Foundation

/// Where one scale's generated data lives under `.bench/` (git-ignored; never committed).
struct BenchData {
    let scale: BenchScale
    let root: String

    init(scale: BenchScale, base: String) {
        self.scale = scale
        root = "\(base)/\(scale)"
    }

    /// A bare repository with one commit.
    var repository: String { "\(root)/repo.git" }
    /// `kubectl get endpoints,endpointslices,services -A -o json` output.
    var liveFile: String { "\(root)/live.json" }
    /// API list items, one per line: `namespace<TAB>compact JSON`, with `managedFields`.
    func apiItems(_ resource: LiveObjects.Resource) -> String { "\(root)/api/\(resource.fileName).jsonl" }
    /// Blob ids of the selected manifests, for `git cat-file --batch`.
    var blobList: String { "\(root)/limits/blobs.txt" }
    /// The external-service documents alone, for the YAML parser limit.
    var externalDocuments: String { "\(root)/limits/external-docs.yaml" }
    var statsFile: String { "\(root)/stats.json" }
    var stampFile: String { "\(root)/stamp" }

    var isComplete: Bool {
        (try? String(contentsOfFile: stampFile, encoding: .utf8)) == scale.stamp
    }

    /// What was generated, for the printed table.
    struct Stats: Codable {
        var files = 0
        var repositoryBytes = 0
        var documents = 0
        var externalDocuments = 0
        var externalServices = 0
        var externalDocumentBytes = 0
        var liveServices = 0
        var liveEndpoints = 0
        var liveSlices = 0
        var liveFileBytes = 0
        var apiBytes = 0
        var drifts = 0

        var externalShare: Double { documents == 0 ? 0 : Double(externalDocuments) / Double(documents) }
    }

    func readStats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: Data(contentsOf: URL(fileURLWithPath: statsFile)))
    }
}
