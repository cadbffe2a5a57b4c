import ArgumentParser
import Drift
import EndpointDriftKit
import Foundation
import LiveState
import Manifests
import Reporting
import Scanner

/// Runs phases of the tool inside this process and prints one JSON `Figure` per line. The run
/// command starts it as a child per phase, so that each phase's peak memory is its own.
struct PhaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase", abstract: "Measure phases in this process (used by run).", shouldDisplay: false)

    enum Phase: String, ExpressibleByArgument, CaseIterable {
        case scan
        /// With a blob cache that starts empty, then with one a scan has just filled.
        case scanCold = "scan-cold"
        case scanWarm = "scan-warm"
        /// A warm blob cache for a tree not seen before: what a new commit that changed few files costs.
        case scanWarmBlobs = "scan-warm-blobs"
        /// The list requests alone, nothing decoded (the live read's limit).
        case listBare = "list-bare"
        case liveFile = "live-file"
        case liveAPI = "live-api"
        case pageDecode = "page-decode"
        /// Compare, then every report format.
        case compareReport = "compare-report"
    }

    @Argument var phase: Phase
    @Option var dataDirectory = ".bench"
    @Option var scale: Double = 1
    /// Compare and report only: the inputs repeated this many times under renamed namespaces
    /// (16× is the 4× data four times), for sizes the generator does not write.
    @Option var replicate = 1
    /// Renderings of each report format (the fastest counts); more for profiling.
    @Option var renders = 9
    @Option var port = 0
    @Option var caFile = ""
    /// live-api and list-bare: lists asked for in Kubernetes' protobuf encoding instead of JSON.
    @Flag var protobuf = false

    func run() async throws {
        // As the endpoint-drift executable does.
        MemoryTuning.apply()
        let data = BenchData(scale: BenchScale(factor: scale), base: dataDirectory)
        let label = replicate > 1 ? "\(BenchScale(factor: scale * Double(replicate)))" : "\(data.scale)"
        var figures: [Figure] = []
        switch phase {
        case .scan:
            let (result, figure) = try Meter.measure("scan", scale: label) { try scan(data) }
            figures.append(
                with(
                    figure, bytes: result.stats.bytesRead, items: result.records.count,
                    note: "\(result.stats.documentsParsed) documents parsed, \(result.stats.documentsSkipped) skipped"))
        case .scanCold:
            let folder = "\(data.root)/scan-cache-cold"
            try? FileManager.default.removeItem(atPath: folder)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let (result, figure) = try Meter.measure("scan, cold cache", scale: label) { try scan(data, cache: folder) }
            figures.append(
                with(
                    figure, bytes: result.stats.bytesRead, items: result.records.count,
                    note: "\(result.cacheUse.stored) entries written"))
        case .scanWarm:
            let folder = "\(data.root)/scan-cache-warm"
            _ = try scan(data, cache: folder)
            let (result, figure) = try Meter.measure("scan, warm cache", scale: label) { try scan(data, cache: folder) }
            figures.append(
                with(
                    figure, bytes: result.stats.bytesRead, items: result.records.count,
                    note: "\(result.cacheUse.hits) blobs from the cache, \(result.cacheUse.stored) read"))
        case .scanWarmBlobs:
            let folder = "\(data.root)/scan-cache-warm-blobs"
            _ = try scan(data, cache: folder, keepsResults: false)
            let (result, figure) = try Meter.measure("scan, warm blob cache, new tree", scale: label) {
                try scan(data, cache: folder, keepsResults: false)
            }
            figures.append(
                with(
                    figure, bytes: result.stats.bytesRead, items: result.records.count,
                    note: "\(result.cacheUse.hits) blobs from the cache, \(result.cacheUse.stored) read"))
        case .listBare:
            let (bytes, figure) = try await Meter.measure(
                "limit: bare list requests (API, HTTPS\(protobuf ? ", protobuf" : ""))", scale: label
            ) {
                try await BareLists.run(port: port, caFile: caFile, protobuf: protobuf)
            }
            figures.append(with(figure, bytes: bytes, items: 3, note: "3 lists over all namespaces, pages of 500"))
        case .liveFile:
            let (snapshot, figure) = try await Meter.measure("live read (file)", scale: label) {
                try await SnapshotFileSource(path: data.liveFile).read(scope: .all)
            }
            figures.append(
                with(
                    figure, bytes: fileSize(data.liveFile), items: snapshot.records.count,
                    note: "\(ResultReport.mb(Meter.status("VmRSS"))) MB resident after"))
        case .liveAPI:
            let source = try apiSource(protobuf: protobuf)
            let (snapshot, figure) = try await Meter.measure(
                "live read (API, HTTPS\(protobuf ? ", protobuf" : ""))", scale: label
            ) {
                try await source.read(scope: .all)
            }
            let bytes = LiveObjects.Resource.allCases.reduce(0) { $0 + fileSize(data.apiItems($1)) }
            figures.append(with(figure, bytes: bytes, items: snapshot.records.count, note: "pages of 500"))
        case .pageDecode:
            figures += try decodePages(data, label: label)
        case .compareReport:
            figures += try await compareAndReport(data, label: label)
        }
        let encoder = JSONEncoder()
        for figure in figures {
            print(String(decoding: try encoder.encode(figure), as: UTF8.self))
        }
    }

    private func with(_ figure: Figure, bytes: Int, items: Int, note: String = "") -> Figure {
        var copy = figure
        copy.bytes = bytes
        copy.items = items
        copy.note = note
        return copy
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// `keepsResults: false`: whole results are not kept by tree, so a second scan of the same
    /// commit is answered blob by blob, as a commit with a new tree would be.
    private func scan(_ data: BenchData, cache: String? = nil, keepsResults: Bool = true) throws -> ScanResult {
        var options = ScanOptions()
        options.cache = cache.map {
            BlobCacheSettings(directory: $0, toolVersion: "bench", keepsResults: keepsResults)
        }
        return try RepositorySnapshot(repositoryPath: data.repository, revision: "HEAD").scan(options)
    }

    private func apiSource(protobuf: Bool) throws -> KubernetesAPISource {
        let connection = ClusterConnection(
            server: ServerEndpoint(scheme: "https", host: "127.0.0.1", port: port),
            certificateAuthorityPEM: Secret(try String(contentsOfFile: caFile, encoding: .utf8)),
            description: "benchmark API server", identityDescription: "anonymous")
        var options = APIReadOptions(chunkSize: 500, requestTimeout: 300)
        options.protobuf = protobuf
        return KubernetesAPISource(connection: connection, options: options, diagnostics: { _ in })
    }

    /// The list pages as the API server sends them, decoded from memory: the JSON reading alone,
    /// and the same pages in protobuf.
    private func decodePages(_ data: BenchData, label: String) throws -> [Figure] {
        var pages: [(APIResource, [UInt8])] = []
        var protobufPages: [(APIResource, [UInt8])] = []
        for (resource, api) in [
            (LiveObjects.Resource.endpoints, APIResource.endpoints), (.endpointSlices, .endpointSlices),
            (.services, .services),
        ] {
            let list = try PagedLists.load(data.apiItems(resource), resource: resource)
            var offset = 0
            while offset < list.all.items.count {
                pages.append((api, list.all.page(offset: offset, limit: 500)))
                if let page = list.all.protobufPage(offset: offset, limit: 500) { protobufPages.append((api, page)) }
                offset += 500
            }
        }
        return [
            try bestDecode("live page decode (memory)", pages, label: label),
            try bestDecode("live page decode (memory, protobuf)", protobufPages, label: label),
        ]
    }

    private func bestDecode(_ name: String, _ pages: [(APIResource, [UInt8])], label: String) throws -> Figure {
        let bytes = pages.reduce(0) { $0 + $1.1.count }
        var best: Figure?
        for _ in 0..<3 {
            let (count, figure) = try Meter.measure(name, scale: label) {
                var count = 0
                for (resource, page) in pages {
                    count += try page.withUnsafeBytes { try ListPageDecoder.decode($0, resource: resource) }.objects
                        .count
                }
                return count
            }
            if best == nil || figure.wall < best?.wall ?? 0 {
                best = with(figure, bytes: bytes, items: count, note: "best of 3")
            }
        }
        guard let best else { throw BenchError("no figure") }
        return best
    }

    private func compareAndReport(_ data: BenchData, label: String) async throws -> [Figure] {
        // As in `check`, the inputs are gone when the report is rendered.
        let (report, compareFigure) = try await compare(data, label: label)
        var figures = [compareFigure]
        figures += render(report, label: label)
        return figures
    }

    private func compare(_ data: BenchData, label: String) async throws -> (DriftReport, Figure) {
        let scanned = try scan(data)
        let snapshot = try await SnapshotFileSource(path: data.liveFile).read(scope: .all)
        var desiredRecords = scanned.records
        var liveRecords = snapshot.records
        var errors = scanned.errors
        var notes = scanned.notes
        if replicate > 1 {
            desiredRecords = Replica.records(scanned.records, copies: replicate)
            liveRecords = Replica.records(snapshot.records, copies: replicate)
            errors = Replica.errors(scanned.errors, copies: replicate)
            notes = Replica.notes(scanned.notes, copies: replicate)
        }
        let configuration = DriftConfiguration()
        let namespaces = DriftCheck.namespacesToRead(desiredRecords, configuration: configuration)
        let input = DriftCheck.Input(
            desired: DriftCheck.Desired(
                revision: DriftReport.Revision(
                    repository: scanned.repositoryPath, revision: scanned.revision, commit: scanned.commitID),
                records: desiredRecords, errors: errors, notes: notes),
            live: DriftCheck.Observed(
                records: NamespaceScope.only(namespaces).filter(liveRecords), source: snapshot.source,
                observedAt: snapshot.observedAt, namespaces: namespaces, notes: snapshot.notes),
            configuration: configuration)
        let (report, figure) = Meter.measure("compare", scale: label) { DriftCheck.run(input) }
        return (
            report,
            with(
                figure, bytes: 0, items: report.findings.count,
                note:
                    "\(desiredRecords.count) desired + \(liveRecords.count) live objects, \(report.services.count) services"
            )
        )
    }

    private func render(_ report: DriftReport, label: String) -> [Figure] {
        var figures: [Figure] = []
        let options = ReportOptions(toolVersion: Version.current)
        var scratch = [UInt8](repeating: 0, count: 64 << 20)
        for format in OutputFormat.allCases {
            // Best of several: the first rendering also pays for faulting in the pages it writes to,
            // and one of a few milliseconds is easily disturbed.
            // Each starts with the CPU caches full of other data, as after a compare at any size:
            // at 1x the report would otherwise be served from cache and at 16x not.
            var best: Figure?
            for round in 0..<renders {
                CacheEviction.evict(&scratch, round: round)
                let (text, figure) = Meter.measure("report \(format.rawValue)", scale: label) {
                    format.reporter(options).render(report)
                }
                if best == nil || figure.wall < best?.wall ?? 0 {
                    best = with(
                        figure, bytes: 0, items: text.utf8.count,
                        note: "\(text.utf8.count / 1000) kB of output, best of \(renders), caches cold")
                }
            }
            if let best { figures.append(best) }
        }
        return figures
    }
}

/// Fills the CPU caches with other data (writing 64 MB, more than any cache here).
enum CacheEviction {
    static func evict(_ scratch: inout [UInt8], round: Int) {
        scratch.withUnsafeMutableBytes { bytes in
            var index = 0
            while index < bytes.count {
                bytes[index] = UInt8(truncatingIfNeeded: round &+ index)
                index += 64
            }
        }
    }
}
