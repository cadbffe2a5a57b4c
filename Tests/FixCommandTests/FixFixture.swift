import EndpointDriftKit
import Foundation
import LiveState
import Manifests
import TestSupport

/// A live state given as text, for tests (what `--live-file` would read).
struct StaticLiveSource: LiveStateSource {
    let text: String

    func read(scope: NamespaceScope) async throws(LiveError) -> LiveSnapshot {
        LiveSnapshot(
            records: try SnapshotFileSource.parse(Data(text.utf8), name: "test"), observedAt: "2025-01-02T03:04:05Z",
            source: "test cluster")
    }
}

/// A repository with three manifest files that all drift from the live state below.
enum FixFixture {
    static let postgres = """
        # Postgres outside the cluster
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: postgres
          namespace: db
        subsets:
          - addresses:
              # primary
              - ip: 10.0.0.1
              # retired replica
              - ip: 10.0.0.2
            ports:
              - name: pg
                port: 5432

        """

    static let gateways = """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: rgw
          namespace: storage
          labels:
            kubernetes.io/service-name: rgw
        addressType: IPv4
        ports:
          - name: s3
            port: 7480
        endpoints:
          - addresses: ["192.168.1.10"]
          - addresses: ["192.168.1.11"]

        """

    static let ldap = """
        {
          "apiVersion": "v1",
          "kind": "Endpoints",
          "metadata": {"name": "ldap", "namespace": "auth"},
          "subsets": [
            {
              "addresses": [{"ip": "10.2.0.1"}],
              "ports": [{"name": "ldaps", "port": 636}]
            }
          ]
        }

        """

    static let live = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Endpoints
          metadata: {name: postgres, namespace: db}
          subsets:
          - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.3}]
            ports: [{name: pg, port: 5432, protocol: TCP}]
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: rgw, namespace: storage, labels: {kubernetes.io/service-name: rgw}}
          addressType: IPv4
          ports: [{name: s3, port: 7480, protocol: TCP}]
          endpoints:
          - addresses: ["192.168.1.10"]
          - addresses: ["192.168.1.12"]
            conditions: {ready: false}
        - apiVersion: v1
          kind: Endpoints
          metadata: {name: ldap, namespace: auth}
          subsets:
          - addresses: [{ip: 10.2.0.1}, {ip: 10.2.0.2}]
            ports: [{name: ldaps, port: 636, protocol: TCP}]

        """

    static let paths = [
        "clusters/prod/db/postgres.yaml", "clusters/prod/storage/rgw.yaml", "clusters/prod/auth/ldap.json",
    ]

    static func repository() throws -> TempGitRepository {
        let repository = try TempGitRepository()
        try repository.write(paths[0], postgres)
        try repository.write(paths[1], gateways)
        try repository.write(paths[2], ldap)
        try repository.write("README.md", "# gitops\n")
        try repository.commitAll("initial")
        return repository
    }

    static func configuration(_ repository: TempGitRepository, live: String = live) -> FixJob.Configuration {
        var configuration = FixJob.Configuration(liveSource: StaticLiveSource(text: live))
        configuration.repositoryPath = repository.path
        configuration.environment = [
            "GIT_AUTHOR_DATE": "@1700000000 +0100", "GIT_COMMITTER_DATE": "@1700000100 +0100",
        ]
        return configuration
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("endpoint-drift-\(UUID().uuidString)-\(name)")
            .path
    }
}

/// Every file under a folder with its bytes: two captures are equal only if nothing was added,
/// removed or changed (the `.git` folder included).
struct FolderState: Equatable {
    var files: [String: Data]

    init(_ path: String) {
        files = [:]
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        for case let relative as String in walker {
            var isFolder: ObjCBool = false
            let full = path + "/" + relative
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) else { continue }
            files[relative + (isFolder.boolValue ? "/" : "")] =
                isFolder.boolValue ? Data() : FileManager.default.contents(atPath: full)
        }
    }
}
