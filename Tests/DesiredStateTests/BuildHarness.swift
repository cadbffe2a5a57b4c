import DesiredState
import Manifests

/// Runs the desired-state step on files held in memory, reading them first as the scanner does
/// (every YAML file selected unless `selected` says otherwise).
struct BuildHarness {
    var files: [String: String]
    var variableFiles: [VariableFile] = []
    var clusterVariables: [ClusterVariableSource] = []
    var selected: @Sendable (String) -> Bool = { _ in true }
    var entries: @Sendable (String) -> Bool = { _ in true }
    /// Every selected file read again as trees (as when it holds a variable), instead of reusing the
    /// objects the scanner decoded: both ways must build the same records.
    var forceTrees = false

    init(_ files: [String: String]) {
        self.files = files
    }

    func run() -> DesiredStateOutput {
        let tree = MemoryFileTree(files)
        var read: [DesiredStateInput.ReadFile] = []
        var gitOps: [DesiredStateInput.GitOpsDocument] = []
        var variableSources: [String] = []
        for path in files.keys.sorted() where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            let isSelected = selected(path)
            let output = ManifestFileReader.read(
                files[path] ?? "", path: path, mode: isSelected ? .objects : .discovery)
            gitOps += output.gitOpsDocuments.map { DesiredStateInput.GitOpsDocument(path: path, root: $0.root) }
            if output.mayHoldVariables { variableSources.append(path) }
            guard isSelected else { continue }
            let records = output.objects.map { object in
                object.record(
                    path: path, namespace: object.object.metadata.namespace ?? "default",
                    rule: object.object.metadata.namespace == nil ? .defaultNamespace : .metadata)
            }
            read.append(
                DesiredStateInput.ReadFile(path: path, records: records, hasPlaceholders: output.hasPlaceholders))
        }
        return DesiredStateBuilder.build(
            DesiredStateInput(
                tree: tree, kustomizationFiles: files.keys.filter(Kustomization.isKustomizationFile).sorted(),
                gitOpsDocuments: gitOps, variableSourceFiles: variableSources, files: read,
                variableFiles: variableFiles, clusterVariables: clusterVariables, selectsEntry: entries,
                selectsFile: selected))
    }
}

extension DesiredStateOutput {
    /// `Kind/namespace/name` of every record, sorted.
    var refs: [String] { records.map(\.ref.description).sorted() }

    func record(_ description: String) -> ObjectRecord? {
        records.first { $0.ref.description == description }
    }

    /// Every address of the Endpoints and slices, as written after the build.
    func addresses(_ description: String) -> [String] {
        guard let record = record(description) else { return [] }
        switch record.object {
        case .endpoints(let endpoints):
            return endpoints.subsets.flatMap { ($0.addresses + $0.notReadyAddresses).map(\.ip) }
        case .endpointSlice(let slice):
            return slice.endpoints.flatMap(\.addresses)
        case .service:
            return []
        }
    }
}

/// Small manifests for the layouts.
enum Manifest {
    static func service(_ name: String, namespace: String? = nil, port: Int = 5000) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)\n" } ?? "")spec:
          ports:
            - name: http
              port: \(port)

        """
    }

    static func endpoints(_ name: String, ip: String, namespace: String? = nil, port: String = "5000") -> String {
        """
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: \(name)
        \(namespace.map { "  namespace: \($0)\n" } ?? "")subsets:
          - addresses:
              - ip: \(ip)
            ports:
              - name: http
                port: \(port)

        """
    }

    static func slice(_ name: String, service: String, ip: String) -> String {
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: \(name)
          labels:
            kubernetes.io/service-name: \(service)
        addressType: IPv4
        endpoints:
          - addresses: ["\(ip)"]
        ports:
          - name: http
            port: 5000

        """
    }
}
