/// One size of the benchmark: 1× is the shape (10,000 manifest files of about 50 MB, 20,000
/// live Services and 50,000 EndpointSlices, 1% drift); the others scale every count.
struct BenchScale: Sendable, Hashable, CustomStringConvertible {
    /// 0.25, 1, 4.
    let factor: Double

    var description: String {
        factor == factor.rounded() ? "\(Int(factor))x" : "\(factor)x"
    }

    private func scaled(_ count: Int) -> Int { max(1, Int((Double(count) * factor).rounded())) }

    /// Manifest files in the repository (external-service files included).
    var files: Int { scaled(10_000) }
    var namespaces: Int { max(4, scaled(100)) }
    /// External services in git (a Service and its Endpoints or slices): about 5% of documents.
    var externalServices: Int { scaled(600) }
    var liveServices: Int { scaled(20_000) }
    var liveSlices: Int { scaled(50_000) }
    /// 1% of the live Services drift: changed backends, missing in the cluster, or unmanaged.
    var drifts: Int { scaled(200) }

    /// Everything the data depends on; a change regenerates it.
    var stamp: String { "endpoint-drift-bench data v2, scale \(factor)" }

    static let standard: [BenchScale] = [BenchScale(factor: 0.25), BenchScale(factor: 1), BenchScale(factor: 4)]
}
