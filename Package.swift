// swift-tools-version: 6.1
import Foundation
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "endpoint-drift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "endpoint-drift", targets: ["endpoint-drift"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // mallopt, for MemoryTuning.
        .systemLibrary(name: "CMalloc"),
        // A thread's own priority, for BackgroundWork.
        .systemLibrary(name: "CThreadPriority"),
        // The git commit `make dist` stamps into the binary (for --version).
        .target(name: "CBuildInfo"),
        .target(name: "GitStore", dependencies: ["CLibgit2"], swiftSettings: strict),
        .target(name: "Manifests", dependencies: ["CLibYAML", "CThreadPriority"], swiftSettings: strict),
        // Pure: turns files into the objects kustomize, Flux and Argo CD would apply.
        .target(name: "DesiredState", dependencies: ["Manifests", "Secrets"], swiftSettings: strict),
        .target(
            name: "Scanner", dependencies: ["GitStore", "Manifests", "DesiredState", "BinaryCoding"],
            swiftSettings: strict),
        // Pure: a compact Codable format for the scanner's caches.
        .target(name: "BinaryCoding", swiftSettings: strict),
        .target(name: "FileIO", swiftSettings: strict),
        // `Secret`: credentials that print as `<redacted>`, shared by LiveState, Delivery and DesiredState.
        .target(name: "Secrets", swiftSettings: strict),
        // Generated from Protos/ (`make protobuf`): Kubernetes' protobuf encoding of whole objects and
        // lists, for the test and bench servers (a check reads the encoding by hand: ProtobufWire).
        .target(
            name: "KubeProtobufObjects", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict),
        .target(
            name: "LiveState",
            dependencies: [
                "Manifests", "FileIO", "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        // Pure: compares values, no I/O.
        .target(name: "Drift", dependencies: ["Manifests"], swiftSettings: strict),
        .target(name: "Reporting", dependencies: ["Manifests", "Scanner", "Drift"], swiftSettings: strict),
        .target(name: "Remediation", dependencies: ["Manifests", "GitStore", "FileIO"], swiftSettings: strict),
        // Pushgateway pushes and webhook notifications over HTTP.
        .target(
            name: "Delivery",
            dependencies: [
                "Secrets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // serve's HTTP endpoints: a small server that knows nothing of drift.
        .target(
            name: "StatusServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        .target(
            name: "EndpointDriftKit",
            dependencies: [
                "GitStore", "Manifests", "Scanner", "LiveState", "Drift", "Reporting", "FileIO", "Remediation",
                "Delivery", "CMalloc", "StatusServer",
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "endpoint-drift",
            dependencies: [
                "EndpointDriftKit", "Drift", "LiveState", "Manifests", "Reporting", "Remediation", "DesiredState",
                "Scanner", "CBuildInfo", "CLibgit2", "GitStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                "GitStore", "Manifests", "Drift", "KubeProtobufObjects",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        // `make bench`: generates the benchmark data and prints the figures (not a test).
        .executableTarget(
            name: "endpoint-drift-bench",
            dependencies: [
                "Scanner", "Manifests", "LiveState", "Drift", "Reporting", "EndpointDriftKit", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The bare list requests, the live read's limit, with the client the tool uses.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        .testTarget(name: "GitStoreTests", dependencies: ["GitStore", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests"], swiftSettings: strict),
        .testTarget(name: "BinaryCodingTests", dependencies: ["BinaryCoding", "Manifests"], swiftSettings: strict),
        .testTarget(name: "DesiredStateTests", dependencies: ["DesiredState", "Manifests"], swiftSettings: strict),
        .testTarget(
            name: "LiveStateTests",
            dependencies: ["LiveState", "Manifests", "TestSupport", "Delivery", "DesiredState"],
            swiftSettings: strict),
        .testTarget(
            name: "LiveCommandTests",
            dependencies: ["endpoint-drift", "TestSupport", "LiveState", "Manifests", "EndpointDriftKit"],
            swiftSettings: strict),
        .testTarget(
            name: "RemediationTests", dependencies: ["Remediation", "Manifests", "GitStore", "TestSupport"],
            exclude: ["Golden"], swiftSettings: strict),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO"], swiftSettings: strict),
        .testTarget(
            name: "EndpointDriftKitTests", dependencies: ["EndpointDriftKit", "Drift", "Manifests", "StatusServer"],
            swiftSettings: strict),
        .testTarget(
            name: "FixCommandTests",
            dependencies: [
                "EndpointDriftKit", "Remediation", "LiveState", "GitStore", "Manifests", "FileIO", "TestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ScannerTests", dependencies: ["Scanner", "Manifests", "GitStore", "TestSupport", "BinaryCoding"],
            swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["endpoint-drift", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DriftTests", dependencies: ["Drift", "Manifests", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ReportingTests", dependencies: ["Reporting", "Drift", "Manifests", "TestSupport"],
            exclude: ["Golden"], swiftSettings: strict),
        // Runs the built binary; depending on the executable makes `swift build --build-tests` build it first.
        // Multi-cluster runs, metrics, Pushgateway, HTML, webhook, and the deployment files.
        .testTarget(
            name: "FleetTests",
            dependencies: ["endpoint-drift", "TestSupport", "Drift", "Reporting", "Manifests", "EndpointDriftKit"],
            exclude: ["Golden"], swiftSettings: strict),
        .testTarget(
            name: "CheckCommandTests",
            dependencies: ["endpoint-drift", "TestSupport", "LiveState", "EndpointDriftKit"],
            exclude: ["Golden"], swiftSettings: strict),
    ]
)

// `make fuzz` (ENDPOINT_DRIFT_FUZZ=1, scratch path .build-fuzz): the libFuzzer target alone. Every Swift
// module of the build is instrumented (-sanitize=fuzzer), so the graph is cut to what the readers of
// outside input need: Manifests (YAML, JSON, manifest files), FileIO, Secrets and LiveState without
// the files that talk HTTP (its kubeconfig and snapshot readers are pure): no async-http-client,
// NIO or BoringSSL to build. The package dependencies stay declared (resolved, never built) so that
// Package.resolved is the same for both builds. A pure LiveState file that starts using one of the
// HTTP files breaks this build, which CI runs.
if ProcessInfo.processInfo.environment["ENDPOINT_DRIFT_FUZZ"] == "1" {
    let networkFiles = [
        "APIResource.swift", "APIResponse.swift", "APISession.swift", "CertificateNames.swift",
        "CredentialStore.swift", "ExecPlugin.swift", "HTTPTransport.swift", "KubernetesAPISource.swift",
        "ListPage.swift", "ListPageDecoder.swift", "PageRequest.swift", "StatusBody.swift", "WarningLog.swift",
        // Protobuf lists (their items' reader, ProtobufObjectReader, is pure and fuzzed).
        "ProtobufListPage.swift",
        // The watch and by-name reads of `serve` and `--vars-from-cluster`.
        "APISession+Watch.swift", "LiveCache.swift", "LiveWatcher.swift", "NamedObjectReader.swift",
        "WatchEvent.swift",
    ]
    package.products = [.executable(name: "endpoint-drift-fuzz", targets: ["endpoint-drift-fuzz"])]
    package.targets = [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CThreadPriority"),
        .target(name: "Manifests", dependencies: ["CLibYAML", "CThreadPriority"], swiftSettings: strict),
        .target(name: "FileIO", swiftSettings: strict),
        .target(name: "Secrets", swiftSettings: strict),
        .target(
            name: "LiveState", dependencies: ["Manifests", "FileIO", "Secrets"], exclude: networkFiles,
            swiftSettings: strict),
        // libFuzzer's LLVMFuzzerRunDriver, declared.
        .systemLibrary(name: "CFuzzer"),
        .executableTarget(
            name: "endpoint-drift-fuzz", dependencies: ["LiveState", "Manifests", "CFuzzer"], swiftSettings: strict),
    ]
}
